// N-D input, as PyTorch exports a model with nn.Flatten in front of its first Linear: the mlp_flatten
// fixture (input [B, 1, 8, 8]) end to end on the CPU engine, fed its 4-D .npy as is (outputs within the
// float64 bound of the ONNX graph's own evaluation of the 4-D input, bit-identical to the fp32 host replay,
// within 1e-4 of torch's output); and batch_from_npy's rule for such arrays: [batch, d1, d2, ...] with
// d1 x d2 x ... equal to the first layer's N, refused otherwise naming the file, the shape and the count.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "host/io/npy.h"
#include "host/model/error.h"
#include "mapper/check/image_invariants.h"
#include "mapper/check/ordered_fp32.h"
#include "mapper/check/tolerance.h"
#include "mapper/image/pipeline_image.h"
#include "mapper/import/onnx_reference.h"
#include "mapper/place/staircase.h"
#include "mapper/plan_io.h"
#include "mapper/run/batch_input.h"
#include "mapper/run/pipeline_run.h"

namespace wafer::mapper {
namespace {

const std::string kFixtures = std::string(WAFER_MODELS_DIR) + "/../../tests/mapper/fixtures";

TEST(FlattenInput, MlpFlattenFixtureEndToEndOnCpu) {
  const std::string model = kFixtures + "/mlp_flatten.onnx", input = kFixtures + "/mlp_flatten_x.npy";
  const LayerGraph g = import_model(model);
  ASSERT_EQ(g.input_size(), 64u);
  ASSERT_EQ(g.output_size(), 10u);
  const NpyArray in = read_npy(input);
  ASSERT_EQ(in.shape, (std::vector<uint64_t>{3, 1, 8, 8}));
  const Batch b = batch_from_npy(in, g, input);
  EXPECT_EQ(b.size, 3u);
  EXPECT_EQ(b.values, in.data);  // C order: each sample's 1 x 8 x 8 values are already its 64 features

  const Plan plan = place_staircase(g, 64, 64);
  const Image im = build_pipeline_image(g, plan, b.values, b.size);
  const InvariantReport inv = check_image_invariants(im);
  EXPECT_TRUE(inv.ok()) << inv.problems.front();
  auto engine = make_engine("cpu", {.threads = 2});
  engine->load(im);
  const PipelineRun run = run_pipeline(*engine, g, plan, b.size);
  ASSERT_EQ(run.outputs.size(), 30u);

  // The reference evaluates the graph itself, Flatten included, on the 4-D input.
  const std::vector<double> reference = evaluate_onnx_reference(model, in.data, in.shape);
  ASSERT_EQ(reference.size(), 30u);
  const CheckResult c = compare_with_reference(
      run.outputs, reference, output_error_bound(g, plan, b.values, b.size), g.output_size());
  EXPECT_TRUE(c.pass()) << c.outside << " outside; worst " << c.worst_error << " vs " << c.worst_bound;
  const BitCompare bits = compare_bits(run.outputs, ordered_fp32_forward(g, plan, b.values, b.size));
  EXPECT_TRUE(bits.equal()) << bits.differing << " differ; first at " << bits.first << ": " << bits.got
                            << " vs " << bits.want;

  const NpyArray torch_y = read_npy(kFixtures + "/mlp_flatten_y.npy");
  ASSERT_EQ(torch_y.shape, (std::vector<uint64_t>{3, 10}));
  double worst = 0;
  for (size_t i = 0; i < torch_y.data.size(); ++i)
    worst = std::max(worst, std::fabs(torch_y.data[i] - double(run.outputs[i])));
  std::printf("  mlp_flatten: %llu PEs, worst error %.3g (bound %.3g), worst difference to torch %.3g\n",
              (unsigned long long)plan.pes(), c.worst_error, c.worst_bound, worst);
  EXPECT_LT(worst, 1e-4);
}

// A graph whose first layer takes `n` features; batch_from_npy reads only its input side.
LayerGraph graph_taking(uint32_t n, bool feature_major = false) {
  LayerGraph g;
  g.input_name = "input";
  g.input_feature_major = feature_major;
  FcLayer l;
  l.in = n;
  l.out = 2;
  g.layers.push_back(l);
  return g;
}

NpyArray array_of(const std::vector<uint64_t>& shape) {
  uint64_t count = 1;
  for (const uint64_t d : shape) count *= d;
  NpyArray a;
  a.shape = shape;
  for (uint64_t i = 0; i < count; ++i) a.data.push_back(double(i));
  return a;
}

std::string refusal(const NpyArray& a, const LayerGraph& g) {
  try {
    batch_from_npy(a, g, "x.npy");
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted";
  return "";
}

TEST(FlattenInput, BatchFromNpyTakesAnyShapeWhoseSampleHoldsTheFeatures) {
  const LayerGraph g = graph_taking(64);
  struct Case {
    std::vector<uint64_t> shape;
    uint32_t samples;
  };
  for (const Case& c : std::vector<Case>{{{64}, 1},
                                         {{5, 64}, 5},
                                         {{3, 1, 8, 8}, 3},
                                         {{2, 4, 4, 4}, 2},
                                         {{1, 64, 1}, 1},
                                         {{2, 2, 1, 2, 2, 2, 2, 2}, 2}}) {
    const NpyArray a = array_of(c.shape);
    const Batch b = batch_from_npy(a, g, "x.npy");
    EXPECT_EQ(b.size, c.samples) << a.shape.size() << "-D";
    EXPECT_EQ(b.values, a.data);  // sample-major already: no reordering
  }
}

TEST(FlattenInput, BatchFromNpyRefusesAWrongNdShapeNamingFileShapeAndCount) {
  const LayerGraph g = graph_taking(64);
  // One feature too many per sample ([3, 1, 8, 9] = 72), and the batch on the wrong axis (64 samples of 1).
  EXPECT_EQ(
      refusal(array_of({3, 1, 8, 9}), g),
      "x.npy: an array of shape (3, 1, 8, 9) (72 features per sample) but the model's input 'input' takes "
      "64 features per sample: expected (batch, 64), (64,) or (batch, d1, d2, ...) with d1 x d2 x ... = 64");
  EXPECT_NE(refusal(array_of({64, 1, 1}), g).find("shape (64, 1, 1) (1 features per sample)"),
            std::string::npos);
  EXPECT_EQ(refusal(array_of({0, 1, 8, 8}), g), "x.npy: the batch is empty (shape (0, 1, 8, 8))");
  // A feature-major graph keeps its 2-D rule: [N, batch] only.
  const LayerGraph fm = graph_taking(64, true);
  EXPECT_EQ(refusal(array_of({64, 2, 1}), fm),
            "x.npy: an array of shape (64, 2, 1) but the model's input 'input' takes 64 features per sample: "
            "expected (64, batch) (the model reads it feature-major)");
  EXPECT_EQ(batch_from_npy(array_of({64, 2}), fm, "x.npy").size, 2u);
}

// The real 4-D fixture against a model that takes 20 features: the message names the file as given.
TEST(FlattenInput, BatchFromNpyRefusesTheFixtureForAnotherModel) {
  const std::string input = kFixtures + "/mlp_flatten_x.npy";
  const LayerGraph g = import_model(kFixtures + "/mlp_gemm.onnx");
  try {
    batch_from_npy(read_npy(input), g, input);
    FAIL() << "accepted";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind(input + ": an array of shape (3, 1, 8, 8) (64 features per sample)", 0), 0u) << msg;
    EXPECT_NE(msg.find("takes 20 features per sample"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace wafer::mapper
