// Runtime::run's verdicts (no silent success): a short output stream after a quiescent run, the cycle limit
// reached with work pending (and --allow-partial's budget), stopping on an output count; input streams set
// by name before load.
#include <gtest/gtest.h>

#include "host/runtime/runtime.h"

namespace wafer {
namespace {

const std::string kShort = std::string(WAFER_SOURCE_DIR) + "/tests/runtime/short_output.wasm";

RunOutcome run_short(const std::map<std::string, std::string>& params, const RunOptions& options = {}) {
  Runtime rt("cpu", {.threads = 1});
  rt.load(kShort, params);
  return rt.run(options);
}

TEST(RunChecks, AShortOutputStreamFailsAQuiescentRun) {
  const RunOutcome r = run_short({{"SENT", "2"}, {"CAP", "4"}});
  EXPECT_EQ(r.result.reason, StopReason::kQuiescent);
  ASSERT_EQ(r.short_streams.size(), 1u);
  EXPECT_EQ(r.short_streams[0].received, 2u);
  EXPECT_EQ(r.failure(), "output stream 'out' received 2 of the 4 wavelets the program expects, and the run "
                         "ended quiescent");
  // The boundary: exactly what it expects passes.
  EXPECT_TRUE(run_short({{"SENT", "4"}, {"CAP", "4"}}).ok());
}

TEST(RunChecks, TheCycleLimitWithWorkPendingFailsUnlessItIsABudget) {
  const RunOutcome r = run_short({{"SENT", "4"}, {"LOOP", "1000"}}, {.max_cycles = 100});
  EXPECT_EQ(r.result.reason, StopReason::kCycleLimit);
  EXPECT_TRUE(r.cycle_limit_with_work_pending());
  EXPECT_EQ(r.failure(), "the cycle limit stopped the run after 100 cycles with work still pending (not quiescent)");
  EXPECT_TRUE(r.ok(/*allow_partial=*/true));
  // A run not asked to reach quiescence is stopped by its limit as asked.
  EXPECT_TRUE(run_short({{"SENT", "4"}, {"LOOP", "1000"}}, {.max_cycles = 100, .until_quiescent = false}).ok());
}

TEST(RunChecks, StopsOnAnOutputCountByName) {
  Runtime rt("cpu", {.threads = 1});
  Program p = Program::open(std::string(WAFER_SOURCE_DIR) + "/data/programs/stream_bandwidth.wasm", {{"N", "64"}});
  std::vector<float> x(64);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(i) - 20.5f;
  p.set_input("in_x", x);
  rt.load(std::move(p));
  const RunOutcome r = rt.run({.output_stream = "out_y", .output_count = 10});
  EXPECT_EQ(r.result.reason, StopReason::kOutputs);
  EXPECT_TRUE(r.ok());
  ASSERT_TRUE(rt.run().ok());
  const std::vector<float> y = rt.output_f32("out_y");
  ASSERT_EQ(y.size(), 64u);
  // stream_bandwidth computes y = alpha * x with alpha = 0.5: exact in fp32 for these values.
  for (size_t i = 0; i < y.size(); ++i) EXPECT_EQ(y[i], 0.5f * x[i]) << i;
  EXPECT_EQ(rt.output_names(), std::vector<std::string>{"out_y"});
}

}  // namespace
}  // namespace wafer
