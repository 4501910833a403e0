// data/programs/summa.wasm: C = A B by SUMMA on P x P PEs, against float64.
#include <gtest/gtest.h>

#include "host/asm/host_symbols.h"
#include "tests/asm/examples/example_support.h"

namespace wafer::examples {
namespace {

struct SummaCase {
  uint32_t p, t;
};

class ExampleSumma : public ::testing::TestWithParam<SummaCase> {};

TEST_P(ExampleSumma, MatchesFloat64) {
  const SummaCase c = GetParam();
  const uint64_t seed = 71 + c.p * 5 + c.t;
  SCOPED_TRACE("seed " + std::to_string(seed));
  const Assembly program =
      assemble_example("summa.wasm", {{{"P", std::to_string(c.p)}, {"T", std::to_string(c.t)}}});
  const uint32_t n = c.p * c.t;
  Rng rng(seed);
  const std::vector<float> a = rng.uniform(size_t(n) * n), b = rng.uniform(size_t(n) * n);
  auto tile = [&](const std::vector<float>& m, uint32_t bx, uint32_t by) {
    std::vector<float> t(size_t(c.t) * c.t);
    for (uint32_t i = 0; i < c.t; ++i) {
      for (uint32_t j = 0; j < c.t; ++j) t[i * c.t + j] = m[size_t(by * c.t + i) * n + bx * c.t + j];
    }
    return t;
  };
  auto engine = make_engine("cpu", {.threads = 2});
  engine->load(program.image);
  for (uint32_t y = 0; y < c.p; ++y) {
    for (uint32_t x = 0; x < c.p; ++x) {
      write_symbol_f32(*engine, program, x, y, "A", tile(a, x, y));
      write_symbol_f32(*engine, program, x, y, "B", tile(b, x, y));
    }
  }
  const RunStats stats = run_to_quiescence(*engine, program.image);
  ASSERT_EQ(stats.result.reason, StopReason::kQuiescent) << stats.result.describe();

  // Each C_ij is a chain of n fused multiply-adds (one rounding each) from 0: the dot-product bound
  // |err| <= gamma(n) sum_k |a_ik b_kj|.
  double worst = 0, norm = 0;
  for (uint32_t y = 0; y < c.p; ++y) {
    for (uint32_t x = 0; x < c.p; ++x) {
      const auto ct = read_symbol_f32(*engine, program, x, y, "C");
      for (uint32_t i = 0; i < c.t; ++i) {
        for (uint32_t j = 0; j < c.t; ++j) {
          const uint32_t row = y * c.t + i, col = x * c.t + j;
          double ref = 0, scale = 0;
          for (uint32_t k = 0; k < n; ++k) {
            ref += double(a[size_t(row) * n + k]) * double(b[size_t(k) * n + col]);
            scale += std::fabs(double(a[size_t(row) * n + k]) * double(b[size_t(k) * n + col]));
          }
          const double got = ct[i * c.t + j];
          EXPECT_LE(std::fabs(got - ref), gamma(n) * scale) << "C(" << row << "," << col << ")";
          worst = std::max(worst, std::fabs(got - ref));
          norm += std::fabs(got);
        }
      }
    }
  }
  EXPECT_GT(norm, 0.0);
  report("summa " + std::to_string(n) + "x" + std::to_string(n) + " on " + std::to_string(c.p) + "x" +
             std::to_string(c.p) + " PEs",
         "max |C - C_ref| " + fixed(worst, 3), stats);
}

INSTANTIATE_TEST_SUITE_P(Sizes, ExampleSumma,
                         ::testing::Values(SummaCase{4, 4},  // the default
                                           SummaCase{2, 3}, SummaCase{5, 2}, SummaCase{3, 7}),
                         [](const ::testing::TestParamInfo<SummaCase>& i) {
                           return "P" + std::to_string(i.param.p) + "_T" + std::to_string(i.param.t);
                         });

}  // namespace
}  // namespace wafer::examples
