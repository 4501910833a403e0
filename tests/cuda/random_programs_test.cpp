// GPU vs CPU on random programs and traffic: whole state compared with == at checkpoints, first mismatch
// located to cycle, PE and field. Odd shapes: 1xN, Nx1, primes, sizes that are not a multiple of any block
// size. Every case prints its shape and seed.
#include <gtest/gtest.h>

#include "tests/cuda/cuda_test_util.h"
#include "tests/cuda/lockstep.h"
#include "tests/support/random_image.h"

namespace wafer {
namespace {

struct Shape {
  uint32_t width, height;
};

void expect_same(const test::RandomImageOptions& o, const test::LockstepOptions& lo) {
  std::printf("%s\n", test::describe(o).c_str());
  auto cpu = test::cpu_engine();
  auto gpu = test::cuda_engine();
  const auto out = test::run_lockstep(test::random_image(o), {cpu.get(), gpu.get()}, lo);
  ASSERT_EQ(out.mismatch, "") << test::describe(o);
  std::printf("  %llu cycles: %s\n", (unsigned long long)out.cycles, out.last.describe().c_str());
  EXPECT_EQ(gpu->state_hash(), cpu->state_hash()) << test::describe(o);
  EXPECT_EQ(gpu->counter_totals(), cpu->counter_totals()) << test::describe(o);
  if (!o.wild) {
    // Not trivially equal: the machine did work (STYLE.md 4).
    EXPECT_GT(cpu->counter_totals()[kCtrBusy], 0u) << test::describe(o);
    EXPECT_NE(out.state.hash(), 0u);
  }
}

TEST(CudaVsCpu, RandomProgramsOnOddShapes) {
  WAFER_REQUIRE_GPU();
  const Shape shapes[] = {{1, 1},  {1, 2},  {2, 1},   {1, 97},  {97, 1},  {1, 300}, {300, 1},
                          {7, 13}, {13, 7}, {31, 37}, {257, 3}, {3, 257}, {33, 33}, {61, 59}};
  for (const Shape& s : shapes) {
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      expect_same({.width = s.width, .height = s.height, .seed = seed}, {.cycles = 600, .checkpoint = 150});
    }
  }
}

TEST(CudaVsCpu, RandomProgramsManySeeds) {
  WAFER_REQUIRE_GPU();
  for (uint64_t seed = 100; seed < 160; ++seed) {
    expect_same({.width = 16, .height = 11, .seed = seed, .max_sends = 30},
                {.cycles = 800, .checkpoint = 200});
  }
}

TEST(CudaVsCpu, WildProgramsTrapAndStallAtTheSameCycle) {
  WAFER_REQUIRE_GPU();
  const Shape shapes[] = {{5, 4}, {1, 9}, {9, 1}, {7, 3}};
  for (const Shape& s : shapes) {
    for (uint64_t seed = 1; seed <= 25; ++seed) {
      expect_same({.width = s.width, .height = s.height, .seed = seed, .wild = true},
                  {.cycles = 400, .checkpoint = 100, .watchdog_cycles = 150});
    }
  }
}

TEST(CudaVsCpu, UntilQuiescentStopsAtTheSameCycle) {
  WAFER_REQUIRE_GPU();
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    expect_same({.width = 12, .height = 9, .seed = seed},
                {.cycles = 100000, .checkpoint = 100000, .until_quiescent = true, .watchdog_cycles = 500});
  }
}

}  // namespace
}  // namespace wafer
