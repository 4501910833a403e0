// data/programs/gemv.wasm: the text GEMV against float64, and against the builder-API version's cycles.
#include <gtest/gtest.h>

#include "host/asm/host_symbols.h"
#include "host/kernels/gemv.h"
#include "tests/asm/examples/example_support.h"

namespace wafer::examples {
namespace {

struct GemvCase {
  uint32_t m, n, p, q;
};

class ExampleGemv : public ::testing::TestWithParam<GemvCase> {};

TEST_P(ExampleGemv, MatchesFloat64AndTheBuilderVersion) {
  const GemvCase c = GetParam();
  const uint64_t seed = 41 + c.m + c.n;
  SCOPED_TRACE("seed " + std::to_string(seed));
  const GemvProblem g = random_gemv(c.m, c.n, seed);
  Assembly program = assemble_example("gemv.wasm", {{{"M", std::to_string(c.m)},
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
      std::vector<float> block(size_t(mb) * nb);  // column-major
      for (uint32_t j = 0; j < nb; ++j) {
        for (uint32_t i = 0; i < mb; ++i) block[j * mb + i] = g.a[size_t(p * mb + i) * c.n + q * nb + j];
      }
      write_symbol_f32(*engine, program, q, p, "A", block);
    }
    write_symbol_f32(*engine, program, 0, p, "acc",
                     std::vector<float>(g.b.begin() + p * mb, g.b.begin() + (p + 1) * mb));
  }
  const RunStats stats = run_to_quiescence(*engine, program.image);
  ASSERT_EQ(stats.result.reason, StopReason::kQuiescent) << stats.result.describe();

  // The reference and the bound of host/kernels/gemv.h: gamma(n + Q + 1) (|b_i| + sum_j |a_ij x_j|), the
  // longest chain of fp32 roundings (n fmas, Q-1 partial-sum adds) on each y_i.
  const std::vector<double> ref = gemv_reference(g);
  const std::vector<double> bound = gemv_error_bound(g, GemvLayout{c.p, c.q});
  double norm = 0, worst = 0;
  for (uint32_t p = 0; p < c.p; ++p) {
    const auto y = engine->output(program.out_stream("y[" + std::to_string(p) + "]"));
    ASSERT_EQ(y.size(), mb) << "row block " << p;
    for (uint32_t i = 0; i < mb; ++i) {
      EXPECT_EQ(y[i].index(), i);
      const uint32_t row = p * mb + i;
      EXPECT_LE(std::fabs(y[i].as_float() - ref[row]), bound[row]) << "row " << row;
      norm += std::fabs(y[i].as_float());
      worst = std::max(worst, std::fabs(y[i].as_float() - ref[row]));
    }
  }
  EXPECT_GT(norm, 0.0);

  // The same product with the C++ API's FC kernel (host/kernels/gemv.h): a different kernel (double-
  // buffered, asynchronous reduction toward the east, built for streams of samples), so only the order
  // of magnitude of the cycle counts is compared.
  auto builder = make_engine("cpu", {.threads = 2});
  builder->load(build_gemv_image(g, GemvLayout{c.p, c.q}));
  const RunResult rb = builder->run({.max_cycles = 1000000, .until_quiescent = true});
  ASSERT_EQ(rb.reason, StopReason::kQuiescent);
  const double ratio = double(stats.cycles) / double(builder->cycle());
  EXPECT_GT(ratio, 0.5);
  EXPECT_LT(ratio, 2.0);
  report("gemv " + std::to_string(c.m) + "x" + std::to_string(c.n) + " on " + std::to_string(c.p) + "x" +
             std::to_string(c.q) + " PEs",
         "max |y - y_ref| " + fixed(worst, 3) + "; builder-API version " + std::to_string(builder->cycle()) +
             " cycles",
         stats);
}

INSTANTIATE_TEST_SUITE_P(Shapes, ExampleGemv,
                         ::testing::Values(GemvCase{32, 24, 4, 3},  // the default
                                           GemvCase{8, 8, 1, 1}, GemvCase{12, 35, 3, 7},
                                           GemvCase{30, 6, 5, 2}),
                         [](const ::testing::TestParamInfo<GemvCase>& i) {
                           return "M" + std::to_string(i.param.m) + "_N" + std::to_string(i.param.n) + "_P" +
                                  std::to_string(i.param.p) + "_Q" + std::to_string(i.param.q);
                         });

}  // namespace
}  // namespace wafer::examples
