// Every example program in data/programs, GPU vs CPU: whole state equal at every checkpoint up to
// quiescence, with the same stop.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "host/asm/assembler.h"
#include "tests/cuda/cuda_test_util.h"
#include "tests/cuda/lockstep.h"

namespace wafer {
namespace {

std::vector<std::string> example_programs() {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(test::data_dir() + "/programs")) {
    if (entry.path().extension() == ".wasm") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

TEST(CudaExamples, ThereAreExamples) {
  // Runs without a GPU too: an empty list would make the GPU test below pass vacuously.
  EXPECT_GE(example_programs().size(), 7u);
}

TEST(CudaExamples, EveryExampleProgramMatchesCpu) {
  WAFER_REQUIRE_GPU();
  for (const std::string& path : example_programs()) {
    SCOPED_TRACE(path);
    std::printf("%s\n", path.c_str());
    const Image im = assemble_file(path);
    auto cpu = test::cpu_engine();
    auto gpu = test::cuda_engine();
    const auto out = test::run_lockstep(im, {cpu.get(), gpu.get()},
                                        {.cycles = 200000, .checkpoint = 500, .until_quiescent = true});
    ASSERT_EQ(out.mismatch, "");
    std::printf("  %s\n", out.last.describe().c_str());
    EXPECT_EQ(out.last.reason, StopReason::kQuiescent) << out.last.describe();
    EXPECT_GT(cpu->counter_totals()[kCtrBusy], 0u);
    EXPECT_EQ(gpu->state_hash(), cpu->state_hash());
  }
}

}  // namespace
}  // namespace wafer
