// data/programs/broadcast.wasm: row roots broadcast along rows, column roots down columns; out = row + col.
#include <gtest/gtest.h>

#include "host/asm/host_symbols.h"
#include "tests/asm/examples/example_support.h"

namespace wafer::examples {
namespace {

struct BroadcastCase {
  uint32_t pw, ph, n;
};

class ExampleBroadcast : public ::testing::TestWithParam<BroadcastCase> {};

TEST_P(ExampleBroadcast, EveryPeGetsItsRowAndColumnVectors) {
  const BroadcastCase c = GetParam();
  const uint64_t seed = 21 + c.pw * 7 + c.ph;
  SCOPED_TRACE("seed " + std::to_string(seed));
  const Assembly program = assemble_example(
      "broadcast.wasm",
      {{{"PW", std::to_string(c.pw)}, {"PH", std::to_string(c.ph)}, {"N", std::to_string(c.n)}}});
  auto engine = make_engine("cpu", {.threads = 2});
  engine->load(program.image);
  Rng rng(seed);
  std::vector<std::vector<float>> rows(c.ph), cols(c.pw);
  for (uint32_t y = 0; y < c.ph; ++y) {
    rows[y] = rng.uniform(c.n);
    write_symbol_f32(*engine, program, 0, y, "rowv", rows[y]);
  }
  for (uint32_t x = 0; x < c.pw; ++x) {
    cols[x] = rng.uniform(c.n);
    write_symbol_f32(*engine, program, x, 0, "colv", cols[x]);
  }
  // PE(0, 0) is both roots: the host's row write must not be lost under the column write.
  const RunStats stats = run_to_quiescence(*engine, program.image);
  ASSERT_EQ(stats.result.reason, StopReason::kQuiescent) << stats.result.describe();

  double norm = 0;
  for (uint32_t y = 0; y < c.ph; ++y) {
    for (uint32_t x = 0; x < c.pw; ++x) {
      const auto rv = read_symbol_f32(*engine, program, x, y, "rowv");
      const auto cv = read_symbol_f32(*engine, program, x, y, "colv");
      const auto out = read_symbol_f32(*engine, program, x, y, "out");
      EXPECT_EQ(rv, rows[y]) << "PE(" << x << "," << y << ") row copy";  // moves are exact
      EXPECT_EQ(cv, cols[x]) << "PE(" << x << "," << y << ") column copy";
      for (uint32_t i = 0; i < c.n; ++i) {
        // The sum of two floats is exact in float64; one fp32 rounding: |out - ref| <= 2^-24 |ref|.
        const double ref = double(rows[y][i]) + double(cols[x][i]);
        EXPECT_LE(std::fabs(double(out[i]) - ref), kUnitRoundoff * std::fabs(ref))
            << "PE(" << x << "," << y << ") " << i;
        norm += std::fabs(out[i]);
      }
    }
  }
  EXPECT_GT(norm, 0.0);
  report("broadcast " + std::to_string(c.pw) + "x" + std::to_string(c.ph) + " PEs, N=" + std::to_string(c.n),
         "every PE holds row_y, col_x and row_y + col_x", stats);
}

INSTANTIATE_TEST_SUITE_P(Sizes, ExampleBroadcast,
                         ::testing::Values(BroadcastCase{4, 4, 32},  // the default
                                           BroadcastCase{1, 1, 8}, BroadcastCase{7, 1, 5},
                                           BroadcastCase{1, 5, 3}, BroadcastCase{5, 3, 17}),
                         [](const ::testing::TestParamInfo<BroadcastCase>& i) {
                           return "PW" + std::to_string(i.param.pw) + "_PH" + std::to_string(i.param.ph) +
                                  "_N" + std::to_string(i.param.n);
                         });

}  // namespace
}  // namespace wafer::examples
