// GEMV in the checkerboard pattern against the float64 reference, on several PE rectangles.
#include <gtest/gtest.h>

#include <cmath>

#include "host/engine/engine.h"
#include "host/kernels/gemv.h"

namespace wafer {
namespace {

struct GemvCase {
  uint32_t m, n, pe_rows, pe_cols;
  uint64_t seed;
};

class GemvTest : public ::testing::TestWithParam<GemvCase> {};

TEST_P(GemvTest, MatchesFloat64ReferenceWithinFp32Bound) {
  const GemvCase c = GetParam();
  SCOPED_TRACE("seed " + std::to_string(c.seed));
  const GemvProblem g = random_gemv(c.m, c.n, c.seed);
  const GemvLayout layout{c.pe_rows, c.pe_cols};
  auto engine = make_engine("cpu", {.threads = 2});
  engine->load(build_gemv_image(g, layout));
  const RunResult r = engine->run({.max_cycles = 1000000, .until_quiescent = true});
  ASSERT_EQ(r.reason, StopReason::kQuiescent) << r.describe();

  const std::vector<float> y = gemv_result(*engine, g, layout);
  const std::vector<double> ref = gemv_reference(g);
  // fp32 accumulation of n products plus the pe_cols partial sums and b: the Higham gamma bound.
  const std::vector<double> bound = gemv_error_bound(g, layout);
  double norm = 0;
  for (uint32_t i = 0; i < c.m; ++i) {
    EXPECT_LE(std::fabs(double(y[i]) - ref[i]), bound[i]) << "row " << i;
    norm += std::fabs(double(y[i]));
  }
  EXPECT_GT(norm, 0.0);  // not trivially zero
  const auto totals = engine->counter_totals();
  EXPECT_GT(totals[kCtrBusy], 0u);
  std::printf("gemv %ux%u on %ux%u PEs: %llu cycles\n", c.m, c.n, c.pe_rows, c.pe_cols,
              (unsigned long long)engine->cycle());
}

INSTANTIATE_TEST_SUITE_P(Shapes, GemvTest,
                         ::testing::Values(GemvCase{8, 8, 2, 2, 1}, GemvCase{16, 12, 4, 3, 2},  // non-square
                                           GemvCase{17, 23, 3, 5, 3},  // non-divisible
                                           GemvCase{64, 64, 1, 8, 4}, GemvCase{64, 64, 8, 1, 5},  // 1xN, Nx1
                                           GemvCase{101, 89, 7, 13, 6},                           // primes
                                           GemvCase{5, 7, 5, 7, 7}));  // one element per PE

}  // namespace
}  // namespace wafer
