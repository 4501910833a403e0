// data/programs/residual.wasm: |b - A x|_2 computed on the wafer (square root included).
#include <gtest/gtest.h>

#include "host/asm/host_symbols.h"
#include "host/kernels/gemv.h"
#include "tests/asm/examples/example_support.h"

namespace wafer::examples {
namespace {

struct ResidualCase {
  uint32_t m, n, p, q;
};

class ExampleResidual : public ::testing::TestWithParam<ResidualCase> {};

TEST_P(ExampleResidual, NormMatchesFloat64) {
  const ResidualCase c = GetParam();
  const uint64_t seed = 51 + c.m * 3 + c.q;
  SCOPED_TRACE("seed " + std::to_string(seed));
  const GemvProblem g = random_gemv(c.m, c.n, seed);  // A, x, b uniform in [-1, 1)
  Assembly program = assemble_example("residual.wasm", {{{"M", std::to_string(c.m)},
                                                         {"N", std::to_string(c.n)},
                                                         {"P", std::to_string(c.p)},
                                                         {"Q", std::to_string(c.q)}}});
  const uint32_t mb = c.m / c.p, nb = c.n / c.q;
  for (uint32_t q = 0; q < c.q; ++q) {
    set_in_stream_f32(program, "x[" + std::to_string(q) + "]",
                      std::vector<float>(g.x.begin() + q * nb, g.x.begin() + (q + 1) * nb));
  }
  auto engine = make_engine("cpu", {.threads = 2});
  engine->load(program.image);
  for (uint32_t p = 0; p < c.p; ++p) {
    for (uint32_t q = 0; q < c.q; ++q) {
      std::vector<float> block(size_t(mb) * nb);
      for (uint32_t j = 0; j < nb; ++j) {
        for (uint32_t i = 0; i < mb; ++i) block[j * mb + i] = g.a[size_t(p * mb + i) * c.n + q * nb + j];
      }
      write_symbol_f32(*engine, program, q, p, "A", block);
    }
    write_symbol_f32(*engine, program, 0, p, "b",
                     std::vector<float>(g.b.begin() + p * mb, g.b.begin() + (p + 1) * mb));
  }
  const RunStats stats = run_to_quiescence(*engine, program.image);
  ASSERT_EQ(stats.result.reason, StopReason::kQuiescent) << stats.result.describe();
  const auto out = engine->output(program.out_stream("norm"));
  ASSERT_EQ(out.size(), 1u);
  const double norm = out[0].as_float();

  // Float64 reference and its bound:
  //  - each r_i = b_i - (A x)_i carries at most gamma(n + Q + 1) (|b_i| + sum_j |a_ij x_j|) = e_i
  //    (n fmas, Q-1 partial-sum adds, the subtraction); by the triangle inequality the norm moves by
  //    at most |e|_2;
  //  - the sum of squares: m fmas in a PE, then P-1 adds down the column: relative gamma(m + P), which
  //    the square root halves;
  //  - the square root: three Newton steps leave a relative error of ~1e-10 plus the roundings of the
  //    last step and the final multiply, below 8u; 1e-6 is a generous cap.
  double ref2 = 0, e2 = 0;
  for (uint32_t i = 0; i < c.m; ++i) {
    double ax = 0, scale = std::fabs(double(g.b[i]));
    for (uint32_t j = 0; j < c.n; ++j) {
      ax += double(g.a[size_t(i) * c.n + j]) * double(g.x[j]);
      scale += std::fabs(double(g.a[size_t(i) * c.n + j]) * double(g.x[j]));
    }
    const double r = double(g.b[i]) - ax;
    ref2 += r * r;
    const double e = gamma(c.n + c.q + 1) * scale;
    e2 += e * e;
  }
  const double ref = std::sqrt(ref2);
  const double bound = std::sqrt(e2) + (gamma(mb + c.p) / 2 + 1e-6) * ref;
  EXPECT_GT(ref, 0.0);
  EXPECT_LE(std::fabs(norm - ref), bound) << "norm " << norm << " reference " << ref;
  report("residual " + std::to_string(c.m) + "x" + std::to_string(c.n) + " on " + std::to_string(c.p) + "x" +
             std::to_string(c.q) + " PEs",
         "|b - A x| = " + fixed(norm, 8) + " (float64 " + fixed(ref, 8) + ", bound " + fixed(bound, 2) + ")",
         stats);
}

INSTANTIATE_TEST_SUITE_P(Shapes, ExampleResidual,
                         ::testing::Values(ResidualCase{32, 32, 4, 4},  // the default
                                           ResidualCase{6, 5, 1, 1}, ResidualCase{20, 9, 5, 3},
                                           ResidualCase{8, 40, 2, 8}),
                         [](const ::testing::TestParamInfo<ResidualCase>& i) {
                           return "M" + std::to_string(i.param.m) + "_N" + std::to_string(i.param.n) + "_P" +
                                  std::to_string(i.param.p) + "_Q" + std::to_string(i.param.q);
                         });

}  // namespace
}  // namespace wafer::examples
