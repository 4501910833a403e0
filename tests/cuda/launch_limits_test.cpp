// Launch limits and the debug thread order, without a GPU: the refusal names the figures, the engine's
// accepted block sizes stop at the kernel's compiled bound, and every scattered order is a bijection.
#include <gtest/gtest.h>

#include <vector>

#include "cuda/step_kernels.h"
#include "cuda/step_thread.h"

namespace wafer {
namespace {

TEST(LaunchLimits, RefusalNamesBlockLimitAndRegisters) {
  const StepKernelLimits k{.max_threads_per_block = 544, .registers = 118, .local_bytes = 8};
  EXPECT_EQ(step_block_refusal(544, k), "");
  EXPECT_EQ(step_block_refusal(32, k), "");
  const std::string why = step_block_refusal(576, k);
  EXPECT_NE(why.find("block size 576"), std::string::npos) << why;
  EXPECT_NE(why.find("544 threads per block"), std::string::npos) << why;
  EXPECT_NE(why.find("118 registers"), std::string::npos) << why;
}

TEST(LaunchLimits, CompiledBoundIsAWholeNumberOfWarps) {
  EXPECT_EQ(kStepKernelMaxBlock % 32, 0u);
  EXPECT_GE(kStepKernelMaxBlock, 256u);  // the default block size must stay legal
}

TEST(ThreadOrder, PermutedOrderIsABijectionThatMovesThreads) {
  for (uint64_t threads : {1ull, 2ull, 3ull, 4ull, 32ull, 97ull, 1000ull, 5353ull + 7, 65536ull, 893064ull}) {
    const ThreadOrder o = permuted_order(threads);
    std::vector<bool> seen(threads, false);
    uint64_t moved = 0;
    for (uint64_t i = 0; i < threads; ++i) {
      const uint64_t j = ordered_thread(o, i);
      ASSERT_LT(j, threads) << threads;
      ASSERT_FALSE(seen[j]) << threads << " threads: " << j << " twice";
      seen[j] = true;
      moved += j != i;
    }
    // Threads of a rounded-up grid past the last PE or stream keep their index (they own nothing).
    EXPECT_EQ(ordered_thread(o, threads + 5), threads + 5);
    // Scattered, not the identity: nearly every thread steps another thread's PE.
    if (threads >= 32) {
      EXPECT_GT(moved, threads * 9 / 10) << threads;
    }
    // Neighbouring threads (one warp) land far apart.
    if (threads >= 1000) {
      const uint64_t a = ordered_thread(o, 10), b = ordered_thread(o, 11);
      EXPECT_GT(a > b ? a - b : b - a, 32u) << threads;
    }
  }
}

}  // namespace
}  // namespace wafer
