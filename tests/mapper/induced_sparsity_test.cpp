// Induced sparsity (mapper/sparsity/induced.h) on the wafer: a threshold zeroes exactly |a| < T, counted on
// the epilogues' links; a calibrated fraction zeroes exactly that fraction of the calibration batch's
// non-zero activations; bad values are refused.
#include <gtest/gtest.h>

#include <cmath>

#include "host/kernels/block_split.h"
#include "host/model/error.h"
#include "mapper/check/ordered_fp32.h"
#include "mapper/sparsity/induced.h"
#include "mapper/sparsity/setup.h"
#include "tests/mapper/mapper_test_support.h"

namespace wafer::mapper {
namespace {

using testing::map_run_check;
using testing::random_graph;
using testing::random_inputs;

TEST(InducedSparsity, ThresholdZeroesExactlyWhatIsBelowItOnTheWafer) {
  for (Activation act : {Activation::kRelu, Activation::kNone}) {
    LayerGraph g = random_graph({20, 24, 16, 6}, act, 11);
    set_sparsity_threshold(g, 0.3f);
    const uint32_t batch = 6;
    const auto x = random_inputs(batch, 20, 12);
    for (uint32_t block : {3u, 30u}) {  // chained layers and single-position ones (both get the epilogue)
      const auto m = map_run_check(g, 64, 64, block, x, batch);
      EXPECT_TRUE(m.check.pass());
      ReplayDetail d;
      EXPECT_TRUE(compare_bits(m.run.outputs, ordered_fp32_forward(g, m.plan, x, batch, &d)).equal());
      for (size_t l = 0; l + 1 < g.layers.size(); ++l) {
        const LayerPlan& lp = m.plan.layers[l];
        ASSERT_EQ(lp.positions, lp.chain + 1) << "the threshold epilogue";
        const BlockSplit rows{g.layers[l].out, lp.lanes};
        uint64_t below = 0, kept_total = 0;
        for (uint32_t lane = 0; lane < lp.lanes; ++lane) {
          // What the replay keeps of this lane: every value >= T in magnitude, none below.
          uint64_t kept = 0;
          for (uint32_t s = 0; s < batch; ++s)
            for (uint32_t i = rows.start(lane); i < rows.start(lane) + rows.size(lane); ++i) {
              const float v = d.outputs[l][uint64_t(s) * g.layers[l].out + i];
              EXPECT_TRUE(v == 0.0f || std::fabs(v) >= 0.3f);
              kept += v != 0.0f;
            }
          // What the wafer sent: the epilogue's wavelets on its one outgoing link, the kept values and
          // one sentinel per sample.
          const uint32_t px = lp.pe_x(lane, lp.positions - 1), py = lp.pe_y(lane, lp.positions - 1);
          EXPECT_EQ(m.wavelets_out[uint64_t(py) * m.plan.grid_width + px], kept + batch)
              << "layer " << l << " lane " << lane;
          kept_total += kept;
        }
        below = d.active[l] - kept_total;
        EXPECT_GT(below, 0u) << "the threshold zeroed something in layer " << l;
        std::printf("%s block %u layer %zu: %llu of %llu non-zero activations below T\n", activation_name(act), block,
                    l, (unsigned long long)below, (unsigned long long)d.active[l]);
      }
    }
  }
}

TEST(InducedSparsity, CalibratedFractionIsExactOnTheCalibrationBatch) {
  for (double f : {0.25, 0.5, 0.8}) {
    LayerGraph g = random_graph({16, 30, 30, 20, 4}, Activation::kRelu, 21);
    const uint32_t batch = 10;
    const auto x = random_inputs(batch, 16, 22);
    const InducedSparsity cal = calibrate_induced_sparsity(g, f, x, batch);
    const auto m = map_run_check(g, 96, 96, 5, x, batch);
    EXPECT_TRUE(m.check.pass());
    ReplayDetail d;
    EXPECT_TRUE(compare_bits(m.run.outputs, ordered_fp32_forward(g, m.plan, x, batch, &d)).equal());
    for (size_t l = 0; l + 1 < g.layers.size(); ++l) {
      uint64_t kept = 0;
      for (float v : d.outputs[l]) kept += v != 0.0f;
      // floor(F x the non-zero activations) zeroed, on the wafer's own values (the replay is bit-identical).
      const uint64_t zeroed = d.active[l] - kept;
      EXPECT_EQ(zeroed, uint64_t(std::floor(f * double(d.active[l])))) << "F " << f << " layer " << l;
      EXPECT_NEAR(cal.fraction[l], double(zeroed) / double(d.active[l]), 1e-12);
    }
  }
}

TEST(InducedSparsity, BadValuesAreRefused) {
  LayerGraph g = random_graph({4, 4, 2}, Activation::kRelu, 1);
  const auto x = random_inputs(2, 4, 2);
  for (double f : {1.0, -0.1, 1.5, double(NAN)})
    EXPECT_THROW(setup_sparsity(g, x, 2, {.fraction = f, .fraction_given = true}), Error) << f;
  for (float t : {-1.0f, -0.0001f, float(NAN)})
    EXPECT_THROW(setup_sparsity(g, x, 2, {.threshold = t, .threshold_given = true}), Error) << t;
  EXPECT_THROW(setup_sparsity(g, x, 2, {.fraction = 0.5, .threshold = 0.1f, .fraction_given = true,
                                        .threshold_given = true}),
               Error);
  EXPECT_THROW(setup_sparsity(g, x, 2, {.dense_kernel = true, .fraction = 0.5, .fraction_given = true}), Error);
  EXPECT_NO_THROW(setup_sparsity(g, x, 2, {.fraction = 0.0, .fraction_given = true}));
  EXPECT_NO_THROW(setup_sparsity(g, x, 2, {.threshold = 0.0f, .threshold_given = true}));
}

}  // namespace
}  // namespace wafer::mapper
