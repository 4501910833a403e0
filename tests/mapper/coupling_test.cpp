// The coupling model (mapper/cost/coupling.h): its recurrence on hand-made two-stage cases, its agreement
// with the expected-work model when every sample is the same, and its prediction against a measured run of
// the 34-layer network with induced sparsity, a case the expected-work model misses by 11 %.
#include <gtest/gtest.h>

#include <cmath>

#include "host/engine/engine.h"
#include "host/model/split_mix.h"
#include "mapper/check/ordered_fp32.h"
#include "mapper/cost/coupling.h"
#include "mapper/image/pipeline_image.h"
#include "mapper/plan_io.h"
#include "mapper/run/pipeline_run.h"
#include "mapper/search/search.h"
#include "mapper/sparsity/activations.h"
#include "mapper/sparsity/setup.h"

namespace wafer::mapper {
namespace {

const std::string kModels = WAFER_MODELS_DIR;

// Two stages of one position each: per sample x_0[s] and x_1[s] x of 20 cycles each and nothing else (no
// sentinel or reduction cycles, no hop latency), so stage l's work for sample s is 20 x_l[s]; `queue`
// wavelets fit between them.
std::vector<double> two_stages(const std::vector<uint32_t>& x0, const std::vector<uint32_t>& x1, uint32_t queue) {
  std::vector<CouplingLayer> net(2);
  for (int l = 0; l < 2; ++l) {
    CouplingStage p;
    p.per_x = 20;
    p.x = l == 0 ? x0 : x1;
    net[l].stages.push_back(p);
    net[l].length = 4;
  }
  CouplingSlack slack = CouplingSlack::machine();
  slack.into_core = queue;
  slack.hop = 0;
  return couple_network(net, uint32_t(x0.size()), slack);
}

std::vector<uint32_t> alternating(uint32_t samples, uint32_t first, uint32_t second) {
  std::vector<uint32_t> x;
  for (uint32_t s = 0; s < samples; ++s) x.push_back(s % 2 ? second : first);
  return x;
}

TEST(Coupling, AlternatingWorkOnTwoStages) {
  // 66 samples: the second half has 32 gaps, an even number, so alternating gaps average exactly.
  const uint32_t n = 66;
  const auto fast_slow = alternating(n, 1, 3), slow_fast = alternating(n, 3, 1);  // 20/60 and 60/20 cycles
  // Each stage's mean work is 40: the expected-work model's interval in every case below.
  // With the machine's queues (6 wavelets, more than a slow sample's 3 x and sentinel) the first stage runs
  // ahead through the second's slow samples: 40, whether the stages are slow on the same samples or not.
  EXPECT_DOUBLE_EQ(steady_spacing(two_stages(fast_slow, fast_slow, 6)), 40.0);
  EXPECT_DOUBLE_EQ(steady_spacing(two_stages(fast_slow, slow_fast, 6)), 40.0);
  // A queue of one wavelet: the first stage cannot complete a sample's reduction before the second has
  // started that sample's last x, and so cannot issue the next one (one reduction in flight): it runs at
  // most one sample ahead. Slow on different samples (20/60 against 60/20), each slow sample of one stage
  // meets a fast one of the other: 40, plus the cycle per sample in which the one-slot queue hands on.
  // Slow on the same samples, the first stage's slow sample (60) can only start once the second is through
  // two thirds of the previous slow one (40): 100 cycles per two samples, plus 7 of hand-off (the queue,
  // the wait's wake-up, the vector op's issue 4 instructions in, the element's way), 53.5 per sample.
  EXPECT_DOUBLE_EQ(steady_spacing(two_stages(fast_slow, slow_fast, 1)), 41.0);
  EXPECT_DOUBLE_EQ(steady_spacing(two_stages(fast_slow, fast_slow, 1)), 53.5);
  // Two wavelets of queue halve the loss (43.5); three hold a slow sample's x and sentinel but the one
  // being worked on, and nothing is lost (40).
  EXPECT_DOUBLE_EQ(steady_spacing(two_stages(fast_slow, fast_slow, 2)), 43.5);
  EXPECT_DOUBLE_EQ(steady_spacing(two_stages(fast_slow, fast_slow, 3)), 40.0);
  // Equal works: the interval is the work (plus the one-slot queue's cycle per sample).
  const auto even = alternating(n, 2, 2);
  EXPECT_DOUBLE_EQ(steady_spacing(two_stages(even, even, 6)), 40.0);
  EXPECT_DOUBLE_EQ(steady_spacing(two_stages(even, even, 1)), 41.0);
}

TEST(Coupling, SteadySpacingIsTheRunsRule) {
  const std::vector<uint64_t> done = {100, 250, 330, 500, 610, 790, 850, 1000, 1200};
  EXPECT_DOUBLE_EQ(steady_spacing(std::vector<double>(done.begin(), done.end())), steady_interval(done));
  EXPECT_EQ(steady_spacing({1, 2, 3}), 0.0);
}

LayerGraph fc34() {
  return import_model(kModels + "/fc34_relu_256.json");
}

std::vector<double> uniform_inputs(uint32_t batch, uint32_t n, uint64_t seed) {
  SplitMix rng{seed};
  std::vector<double> x(uint64_t(batch) * n);
  for (double& v : x) v = float(rng.unit());
  return x;
}

TEST(Coupling, EqualSamplesGiveTheExpectedWorkInterval) {
  // Every sample the same (one input, 16 times): each position's work is its expected work, and the run
  // measures the slowest position's, the expected-work model's figure (522 here, measured 522.0). The
  // coupling model is 1.4 % above it: its pipeline fills more slowly than the machine's (its later layers'
  // first gaps are ~530 and settle to 521 only after ~40 samples), so the second half of 16 still shows it.
  LayerGraph g = fc34();
  std::vector<double> x = uniform_inputs(1, 256, 34256);
  std::vector<double> batch;
  for (int s = 0; s < 16; ++s) batch.insert(batch.end(), x.begin(), x.end());
  setup_sparsity(g, batch, 16, {});
  Plan plan = search_plan(g, 190, 293, {.replicas = 1}).plan;
  const CoupledPlan c = couple_plan(g, plan, batch, 16);
  ASSERT_TRUE(c.applied);
  std::printf("equal samples: coupled %.2f, expected-work %llu\n", c.prediction.interval, (unsigned long long)c.expected);
  EXPECT_NEAR(c.prediction.interval, double(c.expected), 0.02 * double(c.expected));
}

TEST(Coupling, DenseKernelAndShortBatchesKeepTheExpectedWork) {
  LayerGraph g = fc34();
  const std::vector<double> x = uniform_inputs(16, 256, 7);
  setup_sparsity(g, x, 16, {.dense_kernel = true});
  Plan plan = search_plan(g, 190, 293, {.replicas = 1}).plan;
  const uint64_t before = plan.interval;
  EXPECT_FALSE(couple_plan(g, plan, x, 16).applied);  // a sample's work does not depend on its values
  EXPECT_EQ(plan.interval, before);
  LayerGraph s = fc34();
  setup_sparsity(s, x, 16, {});
  Plan p = search_plan(s, 190, 293, {.replicas = 8}).plan;
  const uint64_t expected = p.interval;
  const CoupledPlan c = couple_plan(s, p, x, 16);  // 2 samples per replica: no steady state to read
  EXPECT_TRUE(c.prediction.modelled);
  EXPECT_FALSE(c.applied);
  EXPECT_EQ(p.interval, expected);
}

// The known gap (docs/mapper.md, "Where it errs"): the 34 layers balanced at one interval on 1/16 of wse3,
// one replica, ReLU + 50 % induced sparsity, 16 samples uniform in [0, 1). Each sample's zeros decide which
// positions are slow; the expected-work model predicts 329 cycles/sample, the run measures 368.3, the
// coupling model 376.8 (the test allows 10 %).
TEST(Coupling, Fc34WithHalfInducedWithinTenPercentOfMeasured) {
  LayerGraph g = fc34();
  const uint32_t batch = 16;
  const std::vector<double> x = uniform_inputs(batch, 256, 1);
  setup_sparsity(g, x, batch, {.fraction = 0.5, .fraction_given = true});
  Plan plan = search_plan(g, 190, 293, {.replicas = 1}).plan;
  const CoupledPlan c = couple_plan(g, plan, x, batch);
  ASSERT_TRUE(c.applied);
  auto engine = make_engine("cpu", {.threads = 2});
  engine->load(build_pipeline_image(g, plan, x, batch));
  const PipelineRun run = run_pipeline(*engine, g, plan, batch);
  EXPECT_TRUE(compare_bits(run.outputs, ordered_fp32_forward(g, plan, x, batch)).equal());
  std::printf("fc34, 50%% induced, 190x293: measured %.1f cycles/sample, coupling model %.1f (%+.1f%%), "
              "expected-work model %llu (%+.1f%%)\n",
              run.interval, c.prediction.interval, 100 * (c.prediction.interval - run.interval) / run.interval,
              (unsigned long long)c.expected, 100 * (double(c.expected) - run.interval) / run.interval);
  EXPECT_LE(std::fabs(c.prediction.interval - run.interval), 0.10 * run.interval);
  EXPECT_EQ(plan.interval, uint64_t(std::llround(c.prediction.interval)));
}

}  // namespace
}  // namespace wafer::mapper
