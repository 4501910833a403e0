// Launch shape does not change results: block sizes, batch lengths, graphs or loops, and the debug-sync
// mode all give the same state as each other and as the CPU engine.
#include <gtest/gtest.h>

#include "tests/cuda/cuda_test_util.h"
#include "tests/cuda/lockstep.h"
#include "tests/support/random_image.h"

namespace wafer {
namespace {

TEST(CudaLaunch, BlockSizesBatchesAndGraphsGiveIdenticalState) {
  WAFER_REQUIRE_GPU();
  const CudaLaunchConfig configs[] = {
      {.block_size = 32, .batch_cycles = 1, .use_graph = false},
      {.block_size = 96, .batch_cycles = 7, .use_graph = true},
      {.block_size = 128, .batch_cycles = 64, .use_graph = false},
      {.block_size = 256, .batch_cycles = 256, .use_graph = true},
      {.block_size = 1024, .batch_cycles = 33, .use_graph = true},
  };
  for (uint64_t seed : {1u, 2u, 3u}) {
    // 101 x 53 = 5353 PEs plus streams: not a multiple of any block size above.
    const test::RandomImageOptions o{.width = 101, .height = 53, .seed = seed};
    std::printf("%s\n", test::describe(o).c_str());
    std::vector<std::unique_ptr<Engine>> owned;
    owned.push_back(test::cpu_engine());
    for (const auto& c : configs) owned.push_back(test::cuda_engine(c));
    EngineOptions debug;
    debug.debug_sync = true;
    owned.push_back(make_cuda_engine(debug, {.block_size = 64}));
    std::vector<Engine*> engines;
    for (auto& e : owned) engines.push_back(e.get());
    const auto out = test::run_lockstep(test::random_image(o), engines, {.cycles = 700, .checkpoint = 175});
    EXPECT_EQ(out.mismatch, "") << test::describe(o);
  }
}

}  // namespace
}  // namespace wafer
