// The cost model learns density: with each layer's input densities measured on the batch
// (mapper/sparsity/density.h), predicted cycles per sample stay within 10% of measured at every density,
// natural (zeros in the input, the ReLU's) and induced.
#include <gtest/gtest.h>

#include <cmath>

#include "host/model/split_mix.h"
#include "mapper/sparsity/density.h"
#include "mapper/sparsity/induced.h"
#include "tests/mapper/mapper_test_support.h"

namespace wafer::mapper {
namespace {

using testing::map_run_check;
using testing::random_graph;
using testing::random_inputs;

void expect_within_ten_percent(const LayerGraph& g, const std::vector<double>& x, uint32_t batch, uint32_t block,
                               const std::string& what) {
  const auto m = map_run_check(g, 96, 96, block, x, batch);
  EXPECT_TRUE(m.check.pass());
  std::printf("%-34s input density", what.c_str());
  for (double d : mean_input_density(g)) std::printf(" %.2f", d);
  std::printf(": measured %6.1f predicted %6llu (%+.1f%%)\n", m.run.interval, (unsigned long long)m.plan.interval,
              100.0 * (double(m.plan.interval) - m.run.interval) / m.run.interval);
  EXPECT_LE(std::fabs(double(m.plan.interval) - m.run.interval), 0.10 * m.run.interval) << what;
}

TEST(CostDensity, InputDensityFromZeroToOne) {
  // Layer 0 (48 inputs, 8 x 8 blocks) is the bottleneck when its input is dense; zeros placed at random.
  for (double d : {0.0, 0.1, 0.25, 0.5, 0.75, 1.0}) {
    LayerGraph g = random_graph({48, 32, 16, 4}, Activation::kRelu, 31);
    const uint32_t batch = 16;
    auto x = random_inputs(batch, 48, 32);
    SplitMix r{33};
    for (double& v : x)
      if (r.unit() >= d) v = 0;
    measure_densities(g, x, batch);
    expect_within_ten_percent(g, x, batch, 8, "input density " + std::to_string(d));
  }
}

TEST(CostDensity, InducedSparsityOnHiddenLayers) {
  // A network whose hidden layers are the bottleneck down to a density of about 0.2 (the input is narrow:
  // layer 0 costs about 70 cycles, a hidden one 12 d (12 + 8) + 29), at induced fractions 0..0.9.
  for (double f : {0.0, 0.25, 0.5, 0.75, 0.9}) {
    LayerGraph g = random_graph({2, 48, 48, 48, 4}, Activation::kRelu, 41);
    const uint32_t batch = 16;
    const auto x = random_inputs(batch, 2, 42);
    calibrate_induced_sparsity(g, f, x, batch);
    measure_densities(g, x, batch);
    expect_within_ten_percent(g, x, batch, 12, "induced " + std::to_string(f));
  }
}

}  // namespace
}  // namespace wafer::mapper
