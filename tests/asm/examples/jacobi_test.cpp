// data/programs/jacobi.wasm: many Jacobi sweeps with halo exchange, against a float64 Jacobi.
#include <gtest/gtest.h>

#include "host/asm/host_symbols.h"
#include "tests/asm/examples/example_support.h"

namespace wafer::examples {
namespace {

struct JacobiCase {
  uint32_t pw, ph, t, iters;
};

class ExampleJacobi : public ::testing::TestWithParam<JacobiCase> {};

TEST_P(ExampleJacobi, MatchesFloat64Jacobi) {
  const JacobiCase c = GetParam();
  const Assembly program = assemble_example("jacobi.wasm", {{{"PW", std::to_string(c.pw)},
                                                             {"PH", std::to_string(c.ph)},
                                                             {"T", std::to_string(c.t)},
                                                             {"ITERS", std::to_string(c.iters)}}});
  auto engine = make_engine("cpu", {.threads = 2});
  engine->load(program.image);
  const RunStats stats = run_to_quiescence(*engine, program.image);
  ASSERT_EQ(stats.result.reason, StopReason::kQuiescent) << stats.result.describe();

  // Float64 Jacobi on the global (nx+2) x (ny+2) grid with the same boundary: 1 on the north edge.
  const uint32_t nx = c.pw * c.t, ny = c.ph * c.t, sx = nx + 2;
  std::vector<double> u((ny + 2) * sx, 0.0), v;
  for (uint32_t j = 1; j <= nx; ++j) u[j] = 1.0;
  for (uint32_t k = 0; k < c.iters; ++k) {
    v = u;
    for (uint32_t i = 1; i <= ny; ++i) {
      for (uint32_t j = 1; j <= nx; ++j)
        v[i * sx + j] =
            0.25 * (u[(i - 1) * sx + j] + u[(i + 1) * sx + j] + u[i * sx + j - 1] + u[i * sx + j + 1]);
    }
    u.swap(v);
  }
  // Bound: every value stays in [0, 1] (maximum principle). A sweep adds three fp32 roundings on partial
  // sums of size <= 2, 3, 4 (then the exact multiply by 0.25) and one rounding of the result <= 1:
  // at most 0.25 * 9u + u = 3.25u of new error per sweep, and the averaging never enlarges old error.
  // After k sweeps: |err| <= 3.25 k u; we allow 4 k u.
  const double bound = 4.0 * c.iters * kUnitRoundoff;
  const uint32_t s = c.t + 2;
  double worst = 0, sum = 0;
  for (uint32_t py = 0; py < c.ph; ++py) {
    for (uint32_t px = 0; px < c.pw; ++px) {
      const auto tile =
          read_symbol_f32(*engine, program, px, py, "u0");  // ITERS is even: the result is in u0
      for (uint32_t i = 1; i <= c.t; ++i) {
        for (uint32_t j = 1; j <= c.t; ++j) {
          const double ref = u[(py * c.t + i) * sx + px * c.t + j];
          const double got = tile[i * s + j];
          worst = std::max(worst, std::fabs(got - ref));
          sum += got;
          EXPECT_LE(std::fabs(got - ref), bound)
              << "PE(" << px << "," << py << ") cell (" << i << "," << j << ")";
        }
      }
    }
  }
  EXPECT_GT(sum, 0.0);  // heat has spread from the north edge
  report("jacobi " + std::to_string(nx) + "x" + std::to_string(ny) + " on " + std::to_string(c.pw) + "x" +
             std::to_string(c.ph) + " PEs, " + std::to_string(c.iters) + " iterations",
         "mean u = " + fixed(sum / (nx * ny)) + ", max |u - u_ref| " + fixed(worst, 3) + " (bound " +
             fixed(bound, 3) + ")",
         stats);
}

INSTANTIATE_TEST_SUITE_P(Sizes, ExampleJacobi,
                         ::testing::Values(JacobiCase{4, 4, 4, 20},  // the default
                                           JacobiCase{1, 1, 3, 4}, JacobiCase{3, 2, 5, 6},
                                           JacobiCase{1, 4, 2, 10}),
                         [](const ::testing::TestParamInfo<JacobiCase>& i) {
                           return "PW" + std::to_string(i.param.pw) + "_PH" + std::to_string(i.param.ph) +
                                  "_T" + std::to_string(i.param.t) + "_ITERS" + std::to_string(i.param.iters);
                         });

}  // namespace
}  // namespace wafer::examples
