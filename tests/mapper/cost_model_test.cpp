// The cost model against measurement: each layer shape run alone with its input streamed at full rate
// (so that it is the bottleneck) and whole pipelines; predicted steady-state cycles per sample must be
// within 10% of measured. Every case prints both.
#include <gtest/gtest.h>

#include <cmath>

#include "mapper/sparsity/density.h"
#include "tests/mapper/mapper_test_support.h"

namespace wafer::mapper {
namespace {

using testing::map_run_check;
using testing::random_graph;
using testing::random_inputs;

struct Case {
  uint32_t n, m, block;
  Activation act;
};

void expect_close(double measured, double predicted, const std::string& what) {
  std::printf("%-40s measured %8.1f predicted %8.1f (%+.1f%%)\n", what.c_str(), measured, predicted,
              100.0 * (predicted - measured) / measured);
  EXPECT_GT(measured, 0);
  EXPECT_LE(std::fabs(predicted - measured), 0.10 * measured) << what;
}

TEST(CostModel, SingleLayerIntervalWithinTenPercent) {
  const Case cases[] = {{16, 16, 4, Activation::kNone}, {16, 16, 4, Activation::kRelu}, {31, 17, 5, Activation::kRelu},
                        {64, 64, 8, Activation::kNone}, {40, 7, 3, Activation::kRelu},  {9, 30, 1, Activation::kRelu},
                        {50, 50, 50, Activation::kRelu}, {3, 100, 2, Activation::kNone}};
  for (const Case& c : cases) {
    // The layer feeds a 1-output layer that is much cheaper, so the measured layer is the bottleneck.
    LayerGraph g = random_graph({c.n, c.m}, Activation::kNone, c.n * 100 + c.m);
    g.layers[0].act = c.act;
    const uint32_t batch = 12;
    const auto m = map_run_check(g, 128, 128, c.block, random_inputs(batch, c.n, 1), batch);
    EXPECT_TRUE(m.check.pass());
    char what[96];
    std::snprintf(what, sizeof what, "%ux%u block %u %s (K=%u C=%u)", c.m, c.n, c.block, activation_name(c.act),
                  m.plan.layers[0].lanes, m.plan.layers[0].chain);
    expect_close(m.run.interval, double(m.plan.interval), what);
    // Per layer: the busiest PE's arithmetic-slot uses per sample against the model's slot work.
    expect_close(double(m.run.layers[0].slot_per_sample), double(m.plan.layers[0].cost.slot_work),
                 std::string(what) + " slot");
  }
}

TEST(CostModel, PipelineIntervalWithinTenPercent) {
  struct P {
    std::vector<uint32_t> sizes;
    uint32_t block;
  };
  const P pipes[] = {{{64, 128, 10}, 4}, {{32, 32, 32, 32, 10}, 4}, {{20, 40, 20, 5}, 3}, {{64, 128, 10}, 1}};
  for (const P& p : pipes) {
    const auto g = random_graph(p.sizes, Activation::kRelu, p.sizes.size());
    const uint32_t batch = 16;
    const auto m = map_run_check(g, 200, 200, p.block, random_inputs(batch, p.sizes[0], 2), batch);
    EXPECT_TRUE(m.check.pass());
    std::string what = "pipeline";
    for (auto s : p.sizes) what += "-" + std::to_string(s);
    what += " b=" + std::to_string(p.block);
    expect_close(m.run.interval, double(m.plan.interval), what);
    for (size_t i = 0; i < g.layers.size(); ++i)
      std::printf("  layer %zu: K=%u C=%u slot/sample measured %llu predicted %llu\n", i,
                  m.plan.layers[i].lanes, m.plan.layers[i].chain,
                  (unsigned long long)m.run.layers[i].slot_per_sample,
                  (unsigned long long)m.plan.layers[i].cost.slot_work);
  }
}

}  // namespace
}  // namespace wafer::mapper

namespace wafer::mapper {
namespace {

TEST(CostModel, OneSampleLatencyWithinFivePercent) {
  struct P {
    std::vector<uint32_t> sizes;
    uint32_t block, grid_w, grid_h;
  };
  const P pipes[] = {{{64, 128, 10}, 1, 80, 140},  {{64, 128, 10}, 1, 200, 300}, {{32, 32, 32, 32, 10}, 4, 60, 60},
                     {{20, 40, 20, 5}, 3, 33, 47}, {{13, 50}, 7, 64, 16},        {{100, 7}, 2, 90, 90}};
  for (const P& p : pipes) {
    auto g = testing::random_graph(p.sizes, Activation::kRelu, 5);
    const auto x = testing::random_inputs(1, p.sizes[0], 3);
    // The sparse kernel's latency follows the non-zero x: the ReLU leaves about half of the hidden ones.
    measure_densities(g, x, 1);
    const auto m = testing::map_run_check(g, p.grid_w, p.grid_h, p.block, x, 1);
    EXPECT_TRUE(m.check.pass());
    std::string what = "latency";
    for (auto s : p.sizes) what += "-" + std::to_string(s);
    what += " b=" + std::to_string(p.block) + " on " + std::to_string(p.grid_w) + "x" + std::to_string(p.grid_h);
    const double measured = double(m.run.sample_done.at(0)), predicted = double(m.plan.latency);
    std::printf("%-40s measured %8.1f predicted %8.1f (%+.1f%%)\n", what.c_str(), measured, predicted,
                100.0 * (predicted - measured) / measured);
    EXPECT_LE(std::fabs(predicted - measured), 0.05 * measured) << what;
  }
}

}  // namespace
}  // namespace wafer::mapper
