// The bundled models (data/models) and the PyTorch-exported fixtures end to end on the CPU engine:
// outputs within the float64 bound of the ONNX graph's own evaluation, bit-identical to the fp32 host
// replay, the digits classes equal the reference's on the whole test split, predicted cycles per sample
// (the coupling model over the run's own samples, as `wafer infer` predicts them) within 10% of measured,
// and the generated images' invariants. The wide model runs in the `slow` group.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "host/io/npy.h"
#include "mapper/check/image_invariants.h"
#include "mapper/check/ordered_fp32.h"
#include "mapper/check/tolerance.h"
#include "mapper/image/pipeline_image.h"
#include "mapper/import/onnx_reference.h"
#include "mapper/place/staircase.h"
#include "mapper/plan_io.h"
#include "mapper/reference.h"
#include "mapper/run/batch_input.h"
#include "mapper/run/pipeline_run.h"
#include "mapper/search/search.h"
#include "mapper/sparsity/density.h"
#include "mapper/sparsity/setup.h"

namespace wafer::mapper {
namespace {

const std::string kModels = WAFER_MODELS_DIR;
const std::string kFixtures = std::string(WAFER_MODELS_DIR) + "/../../tests/mapper/fixtures";

struct Outcome {
  Plan plan;
  PipelineRun run;
  std::vector<double> reference;
};

// Maps with the search on a grid_w x grid_h grid and runs at least 4 samples per replica and 16 in all (the
// inputs repeated as needed), so that the steady-state interval is measured.
// block > 0: the uniform rule with that block side instead of the search. tolerance: how far the predicted
// samples per second may be from the measured ones (the issue asks for 10%).
// max_replicas: 0 caps them as `wafer infer` does; else at most that many (UINT32_MAX: the search's blend).
Outcome infer_and_check(const std::string& model, const std::string& input, uint32_t grid_w, uint32_t grid_h,
                        uint32_t block = 0, double tolerance = 0.10, uint32_t max_replicas = 0) {
  std::printf("model %s input %s grid %ux%u\n", model.c_str(), input.c_str(), grid_w, grid_h);
  LayerGraph g = import_model(model);
  NpyArray in = read_npy(input);
  // The sparse kernel's cost follows the non-zero x: plan with the densities of the given samples, as
  // `wafer infer` does.
  const Batch given_batch = batch_from_npy(in, g, input);
  measure_densities(g, given_batch.values, given_batch.size);
  Outcome o;
  const uint64_t per_sample = in.data.size() / in.shape[0], given = in.shape[0];
  // Replicas capped as `wafer infer` caps them (one per 8 samples of the batch, here the given samples or
  // 16): replica 0's samples are timed, and with few of them their zeros, not the plan, set the interval.
  // Bands of replicas share input ports, so with the sparse kernel they also pace each other.
  const uint32_t cap =
      max_replicas ? (max_replicas == UINT32_MAX ? 0 : max_replicas)
                   : uint32_t(std::max<uint64_t>(1, std::max<uint64_t>(given, 16) / 8));
  o.plan = block ? place_staircase(g, grid_w, grid_h, {.block = block})
                 : search_plan(g, grid_w, grid_h, {.max_replicas = cap}).plan;
  // At least 16 in all: with the sparse kernel completions jitter with each sample's zeros, and the
  // interval is the mean gap over the batch's second half (one gap with 4 samples).
  const uint64_t want = std::max<uint64_t>({given, 4ull * o.plan.replicas, 16ull});
  for (uint64_t s = given; s < want; ++s)
    in.data.insert(in.data.end(), in.data.begin() + (s % given) * per_sample, in.data.begin() + (s % given + 1) * per_sample);
  in.shape[0] = want;
  const Batch b = batch_from_npy(in, g, input);
  // The interval over this batch's own samples (the coupling model), as `wafer infer` predicts it.
  const CoupledPlan coupled = couple_plan(g, o.plan, b.values, b.size);
  const Image im = build_pipeline_image(g, o.plan, b.values, b.size);
  const InvariantReport inv = check_image_invariants(im);
  EXPECT_TRUE(inv.ok()) << inv.problems.front();
  EXPECT_LE(inv.max_sram_words, kSramWords);
  EXPECT_LE(inv.colors_used, 24u);
  auto engine = make_engine("cpu", {.threads = 2});
  engine->load(im);
  o.run = run_pipeline(*engine, g, o.plan, b.size);
  o.reference = is_onnx_path(model) ? evaluate_onnx_reference(model, in.data, in.shape)
                                    : evaluate_layer_graph(g, b.values, b.size);
  const CheckResult c = compare_with_reference(o.run.outputs, o.reference,
                                               output_error_bound(g, o.plan, b.values, b.size), g.output_size());
  EXPECT_TRUE(c.pass()) << c.outside << " outside; worst " << c.worst_error << " vs " << c.worst_bound;
  const BitCompare bits = compare_bits(o.run.outputs, ordered_fp32_forward(g, o.plan, b.values, b.size));
  EXPECT_TRUE(bits.equal()) << bits.differing << " differ; first at " << bits.first << ": " << bits.got << " vs "
                            << bits.want;
  std::printf("  %u replica(s), %llu PEs, %u samples, worst error %.3g (bound %.3g); interval measured %.1f "
              "predicted %llu; samples/s measured %.4g predicted %.4g\n",
              o.plan.replicas, (unsigned long long)o.plan.pes(), b.size, c.worst_error, c.worst_bound, o.run.interval,
              (unsigned long long)o.plan.interval, o.run.samples_per_second(), o.plan.samples_per_second());
  if (coupled.applied)
    std::printf("  interval predicted by the coupling model %.1f, by the expected-work model %llu (%+.1f%% of measured)\n",
                coupled.prediction.interval, (unsigned long long)coupled.expected,
                100.0 * (double(coupled.expected) - o.run.interval) / o.run.interval);
  EXPECT_GT(o.run.interval, 0);
  EXPECT_LE(std::fabs(o.plan.samples_per_second() - o.run.samples_per_second()),
            tolerance * o.run.samples_per_second());
  return o;
}

uint32_t argmax(const double* v, uint32_t n) {
  return uint32_t(std::max_element(v, v + n) - v);
}

TEST(Models, DigitsWholeTestSplitSameClassesAsReference) {
  const Outcome o = infer_and_check(kModels + "/digits_mlp.onnx", kModels + "/digits_test_x.npy", 96, 160);
  const NpyArray labels = read_npy(kModels + "/digits_test_labels.npy");
  const uint32_t n = uint32_t(labels.data.size());
  ASSERT_GE(o.run.outputs.size(), uint64_t(n) * 10);
  uint32_t same = 0, right = 0;
  for (uint32_t s = 0; s < n; ++s) {
    std::vector<double> y(o.run.outputs.begin() + s * 10, o.run.outputs.begin() + s * 10 + 10);
    const uint32_t k = argmax(y.data(), 10);
    same += k == argmax(&o.reference[uint64_t(s) * 10], 10);
    right += k == uint32_t(labels.data[s]);
  }
  std::printf("  digits: %u/%u same class as the reference, accuracy %.2f%%\n", same, n, 100.0 * right / n);
  EXPECT_EQ(same, n);
  EXPECT_GT(double(right) / n, 0.95);
}

TEST(Models, Mlp784x1024x10) {
  infer_and_check(kModels + "/mlp_784_1024_10.onnx", kModels + "/mlp_784_1024_10_x.npy", 381, 586);
}

TEST(Models, Fc34Relu256) {
  infer_and_check(kModels + "/fc34_relu_256.json", kModels + "/fc34_relu_256_x.npy", 190, 293);
}

TEST(Models, PyTorchExportedFixtures) {
  for (const char* name : {"mlp_gemm", "mlp_nobias", "mlp_dropout", "mlp_dynamic_batch", "mlp_opset17"}) {
    const Outcome o = infer_and_check(kFixtures + "/" + name + ".onnx", kFixtures + "/" + name + "_x.npy", 64, 64);
    // torch's own fp32 output, for the record: within the same bound as the float64 reference.
    const NpyArray torch_y = read_npy(kFixtures + "/" + name + "_y.npy");
    double worst = 0;
    for (size_t i = 0; i < torch_y.data.size(); ++i)
      worst = std::max(worst, std::fabs(torch_y.data[i] - double(o.run.outputs.at(i))));
    std::printf("  %s: worst difference to torch's fp32 output %.3g\n", name, worst);
    EXPECT_LT(worst, 1e-4);
  }
}

// The uniform rule (b = 28: 28 x 28 blocks, 173,901 PEs, ~6 GB here): the search's 5 replicas hold blocks
// of up to 26 x 92 words, and the emulator allocates the largest block's SRAM for every PE of the wafer
// (~17 GB with the image), too much for the CI machine; bench/mapper_scaling.cpp measures the search's
// blends of this network on smaller grids.
TEST(ModelsSlow, Wide8x4096OnWse3) {
  infer_and_check(kModels + "/wide_8x4096.json", kModels + "/wide_8x4096_x.npy", 762, 1172, 28);
}

TEST(ModelsSlow, Mlp784AndFc34OnWse3) {
  // The search's whole blend: 231 replicas in 11 bands of a 35 x 103 staircase, 93 % of the wafer.
  infer_and_check(kModels + "/mlp_784_1024_10.onnx", kModels + "/mlp_784_1024_10_x.npy", 762, 1172, 0, 0.10,
                  UINT32_MAX);
  // The case the expected-work model missed (docs/mapper.md, "Where it errs"): 38 replicas of 34 sparse
  // layers balanced at one interval, replica 0 timed on 4 samples (the model's own 0, 2, 0, 2), one gap.
  // Each sample's zeros decide which positions are slow: 1950 cycles/sample measured against 1689 from the
  // expected work (-13%); the coupling model, which follows those samples through the pipeline, predicts
  // 2002 (+2.7%), so the case is held to the 10% like the others. 38 replicas in one band, as
  // before bands: the 320 of the search's whole blend (8 bands) take a 364,000-cycle latency each, hours
  // on the CPU engine.
  infer_and_check(kModels + "/fc34_relu_256.json", kModels + "/fc34_relu_256_x.npy", 762, 1172, 0, 0.10, 38);
}

}  // namespace
}  // namespace wafer::mapper
