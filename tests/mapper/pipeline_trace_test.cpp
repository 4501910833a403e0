// Traces of a mapped pipeline (PipelineRunOptions::trace, `wafer infer --trace`): the recorder follows every
// run() of the pipeline, one per sample, so a layer's block shows one task run per wavelet it takes in and
// the input streams' wavelets arrive named; tracing changes neither the outputs nor the cycles.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "host/engine/trace.h"
#include "mapper/image/pipeline_image.h"
#include "mapper/place/staircase.h"
#include "tests/mapper/mapper_test_support.h"

namespace wafer::mapper {
namespace {

TEST(PipelineTrace, FollowsEverySampleAndChangesNothing) {
  const LayerGraph g = testing::random_graph({12, 9, 5}, Activation::kRelu, 3);
  const uint32_t batch = 6;
  const std::vector<double> input = testing::random_inputs(batch, 12, 4);
  const Plan plan = place_staircase(g, 24, 20, {.block = 4});
  ASSERT_EQ(plan.replicas, 1u);
  const Image im = build_pipeline_image(g, plan, input, batch);
  const Rect layer0 = plan.layer_of_replica(0, 0).rect();

  auto plain = make_engine("cpu", {.threads = 1}), traced = make_engine("cpu", {.threads = 1});
  plain->load(im), traced->load(im);
  const PipelineRun want = run_pipeline(*plain, g, plan, batch);
  TraceRecorder trace(im, layer0, 10000000);
  const PipelineRun got = run_pipeline(*traced, g, plan, batch, {.trace = &trace});
  EXPECT_EQ(got.outputs, want.outputs);
  EXPECT_EQ(got.cycles, want.cycles);
  EXPECT_EQ(got.sample_done, want.sample_done);

  const auto doc = nlohmann::json::parse(trace.json(traced->cycle()));
  uint64_t tasks = 0, stream_recvs = 0, last_ts = 0;
  for (const auto& e : doc["traceEvents"]) {
    if (e["ph"] == "M") continue;
    const std::string name = e["name"];
    if (e["ph"] == "X" && name.rfind("task ", 0) == 0) ++tasks;
    if (name.find(" from 'x") != std::string::npos) ++stream_recvs;  // one replica: streams x0, x1, ...
    last_ts = std::max<uint64_t>(last_ts, e["ts"].get<uint64_t>());
  }
  EXPECT_GT(tasks, uint64_t(batch));
  // Every wavelet of every input stream enters layer 0's block, and is named by its stream.
  uint64_t streamed = 0;
  for (const InStream& s : im.in_streams) streamed += s.payload.size();
  EXPECT_GE(streamed, uint64_t(batch) * 12);
  EXPECT_EQ(stream_recvs, streamed);
  EXPECT_GT(last_ts, got.sample_done.front());  // the trace covers the runs after the first sample's
}

}  // namespace
}  // namespace wafer::mapper
