// Launch shape does not change results: block sizes, batch lengths, graphs or loops, and the debug-sync
// mode all give the same state as each other and as the CPU engine.
#include <gtest/gtest.h>

#include "cuda/step_kernels.h"
#include "host/model/error.h"
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
      {.block_size = 768, .batch_cycles = 33, .use_graph = true},  // kStepKernelMaxBlock
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

TEST(CudaLaunch, KernelLimitsAreWhatTheBuildPromises) {
  WAFER_REQUIRE_GPU();
  for (bool permuted : {false, true}) {
    const StepKernelLimits k = step_kernel_limits(permuted);
    std::printf("step_kernel%s: %u threads per block at most, %u registers, %llu bytes local\n",
                permuted ? " (permuted)" : "", k.max_threads_per_block, k.registers,
                (unsigned long long)k.local_bytes);
    EXPECT_GE(k.max_threads_per_block, kStepKernelMaxBlock);
    EXPECT_LE(k.registers, 96u);
    EXPECT_EQ(k.local_bytes, 0u);
  }
  // The largest block the engine accepts launches and agrees with the CPU (the test above); one more warp is
  // refused before any device work, with the figure.
  try {
    test::cuda_engine({.block_size = kStepKernelMaxBlock + 32});
    FAIL() << "block size " << kStepKernelMaxBlock + 32 << " accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(kStepKernelMaxBlock)), std::string::npos) << e.what();
  }
}

// The debug order scatters PEs over warps and blocks; the cycle function's contract says the state cannot
// change. Normal order, permuted order (graphs and loop) and the CPU engine, compared every 50 cycles.
TEST(CudaLaunch, PermutedThreadOrderGivesIdenticalState) {
  WAFER_REQUIRE_GPU();
  for (uint64_t seed : {4u, 5u}) {
    for (bool wild : {false, true}) {
      const test::RandomImageOptions o{.width = 37, .height = 29, .seed = seed, .wild = wild};
      std::printf("%s\n", test::describe(o).c_str());
      auto cpu = test::cpu_engine();
      auto normal = test::cuda_engine({.block_size = 128});
      auto permuted = test::cuda_engine({.block_size = 128, .permute_threads = true});
      auto permuted_loop = test::cuda_engine({.block_size = 64, .use_graph = false, .permute_threads = true});
      const auto out = test::run_lockstep(test::random_image(o),
                                          {cpu.get(), normal.get(), permuted.get(), permuted_loop.get()},
                                          {.cycles = 600, .checkpoint = 50});
      EXPECT_EQ(out.mismatch, "") << test::describe(o);
    }
  }
}

}  // namespace
}  // namespace wafer
