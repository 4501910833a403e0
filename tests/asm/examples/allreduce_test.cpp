// data/programs/allreduce.wasm: row sums at the east column, the total at every PE.
#include <gtest/gtest.h>

#include "host/asm/host_symbols.h"
#include "tests/asm/examples/example_support.h"

namespace wafer::examples {
namespace {

struct ReduceCase {
  uint32_t pw, ph, n;
};

class ExampleAllReduce : public ::testing::TestWithParam<ReduceCase> {};

TEST_P(ExampleAllReduce, RowSumsAndTotalMatchFloat64) {
  const ReduceCase c = GetParam();
  const uint64_t seed = 31 + c.pw * 11 + c.ph;
  SCOPED_TRACE("seed " + std::to_string(seed));
  const Assembly program = assemble_example(
      "allreduce.wasm",
      {{{"PW", std::to_string(c.pw)}, {"PH", std::to_string(c.ph)}, {"N", std::to_string(c.n)}}});
  auto engine = make_engine("cpu", {.threads = 2});
  engine->load(program.image);
  Rng rng(seed);
  std::vector<std::vector<float>> v(size_t(c.pw) * c.ph);
  for (uint32_t y = 0; y < c.ph; ++y) {
    for (uint32_t x = 0; x < c.pw; ++x) {
      v[y * c.pw + x] = rng.uniform(c.n);
      write_symbol_f32(*engine, program, x, y, "v", v[y * c.pw + x]);
    }
  }
  const RunStats stats = run_to_quiescence(*engine, program.image);
  ASSERT_EQ(stats.result.reason, StopReason::kQuiescent) << stats.result.describe();

  // Float64 references. Each term of a row sum passes through at most W-1 fp32 additions, each term of
  // the total through at most (W-1) + (H-1): the summation bound |err| <= gamma(depth) * sum |v|.
  const auto root_total = read_symbol_f32(*engine, program, c.pw - 1, c.ph - 1, "total");
  double worst = 0;
  for (uint32_t i = 0; i < c.n; ++i) {
    double total = 0, total_abs = 0;
    for (uint32_t y = 0; y < c.ph; ++y) {
      double row = 0, row_abs = 0;
      for (uint32_t x = 0; x < c.pw; ++x) {
        row += v[y * c.pw + x][i];
        row_abs += std::fabs(v[y * c.pw + x][i]);
      }
      const auto rowsum = read_symbol_f32(*engine, program, c.pw - 1, y, "rowsum");
      EXPECT_LE(std::fabs(rowsum[i] - row), gamma(c.pw - 1) * row_abs) << "row " << y << " element " << i;
      total += row;
      total_abs += row_abs;
    }
    EXPECT_LE(std::fabs(root_total[i] - total), gamma(c.pw + c.ph - 2) * total_abs) << "element " << i;
    worst = std::max(worst, std::fabs(root_total[i] - total));
  }
  // The broadcast is a copy: every PE's total is bit-identical to the root's.
  for (uint32_t y = 0; y < c.ph; ++y) {
    for (uint32_t x = 0; x < c.pw; ++x)
      EXPECT_EQ(read_symbol_f32(*engine, program, x, y, "total"), root_total)
          << "PE(" << x << "," << y << ")";
  }
  report("allreduce " + std::to_string(c.pw) + "x" + std::to_string(c.ph) + " PEs, N=" + std::to_string(c.n),
         "total[0] = " + fixed(root_total[0]) + ", max |error| vs float64 " + fixed(worst, 3), stats);
}

INSTANTIATE_TEST_SUITE_P(Sizes, ExampleAllReduce,
                         ::testing::Values(ReduceCase{4, 3, 16},  // the default
                                           ReduceCase{1, 1, 4}, ReduceCase{6, 1, 7}, ReduceCase{1, 5, 9},
                                           ReduceCase{5, 7, 3}),
                         [](const ::testing::TestParamInfo<ReduceCase>& i) {
                           return "PW" + std::to_string(i.param.pw) + "_PH" + std::to_string(i.param.ph) +
                                  "_N" + std::to_string(i.param.n);
                         });

}  // namespace
}  // namespace wafer::examples
