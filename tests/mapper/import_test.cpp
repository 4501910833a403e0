// The ONNX importer (mapper/import/onnx_import.h) against the independent float64 reference
// (mapper/import/onnx_reference.h): for every accepted model, importing it and evaluating the layer graph
// gives what evaluating the ONNX graph itself gives. Models are built in C++ (onnx_builder.h) with values
// exact in float32 from fixed, printed seeds.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "host/model/error.h"
#include "mapper/import/onnx_import.h"
#include "mapper/import/onnx_reference.h"
#include "mapper/reference.h"
#include "tests/mapper/import_test_util.h"
#include "tests/mapper/onnx_builder.h"

namespace wafer::mapper {
namespace {

using test::Attr;
using test::Dim;
using test::OnnxBuilder;
using test::TensorStorage;

// ---- every Gemm form ----

enum class CForm { kNone, kVector, kScalar, kOneElement, kRow, kOneByOne, kEqualRows, kEqualColumn };
const char* cform_name(CForm f) {
  static const char* names[] = {"none",   "[M]",    "[] scalar",         "[1]",
                                "[1, M]", "[1, 1]", "[B, M] equal rows", "[B, 1] equal"};
  return names[int(f)];
}

struct GemmCase {
  bool trans_a, trans_b;
  double alpha, beta;
  CForm c;
  TensorStorage storage;
  std::string describe() const {
    char s[200];
    std::snprintf(s, sizeof s, "transA=%d transB=%d alpha=%g beta=%g C %s storage %d", trans_a, trans_b,
                  alpha, beta, cform_name(c), int(storage));
    return s;
  }
};

TEST(ImportOnnx, EveryGemmFormMatchesTheReference) {
  constexpr int64_t kN = 5, kM = 3, kB = 4;  // awkward sizes, none equal
  const uint64_t seed = 20240601;
  std::printf("seed %llu\n", (unsigned long long)seed);
  const std::vector<double> w = test::random_fp32_values(seed, kN * kM);
  const std::vector<double> c_full = test::random_fp32_values(seed + 1, kM);
  const std::vector<double> x = test::random_fp32_values(seed + 2, kB * kN);  // sample-major [B, N]
  int cases = 0;
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (double alpha : {1.0, 0.5, -1.25})
        for (double beta : {1.0, 0.75})
          for (CForm c : {CForm::kNone, CForm::kVector, CForm::kScalar, CForm::kOneElement, CForm::kRow,
                          CForm::kOneByOne, CForm::kEqualRows, CForm::kEqualColumn}) {
            const GemmCase gc{ta, tb, alpha, beta, c, TensorStorage(cases++ % 4)};
            SCOPED_TRACE(gc.describe());
            OnnxBuilder b;
            // A fixed batch where C's rows must match it; a symbolic one elsewhere.
            const bool full = c == CForm::kEqualRows || c == CForm::kEqualColumn;
            const Dim batch = full ? Dim(kB) : Dim("batch");
            if (ta)
              b.input("x", {kN, batch});
            else
              b.input("x", {batch, kN});
            b.output("y", {batch, kM});
            // W as the model stores it: [M, N] with transB, [N, M] without; value (i, j) of W is w[i * N +
            // j].
            std::vector<double> stored(kN * kM);
            for (int64_t i = 0; i < kM; ++i)
              for (int64_t j = 0; j < kN; ++j) stored[tb ? i * kN + j : j * kM + i] = w[i * kN + j];
            b.initializer("W", tb ? std::vector<int64_t>{kM, kN} : std::vector<int64_t>{kN, kM}, stored,
                          gc.storage);
            std::vector<double> bias(kM, 0.0);  // what C contributes to each output, before beta
            std::vector<std::string> inputs = {"x", "W"};
            if (c != CForm::kNone) {
              std::vector<int64_t> dims;
              std::vector<double> cv;
              switch (c) {
                case CForm::kVector:
                  dims = {kM}, cv = c_full;
                  break;
                case CForm::kScalar:
                  dims = {}, cv = {c_full[0]};
                  break;
                case CForm::kOneElement:
                  dims = {1}, cv = {c_full[0]};
                  break;
                case CForm::kRow:
                  dims = {1, kM}, cv = c_full;
                  break;
                case CForm::kOneByOne:
                  dims = {1, 1}, cv = {c_full[0]};
                  break;
                case CForm::kEqualRows:
                  dims = {kB, kM};
                  for (int r = 0; r < kB; ++r) cv.insert(cv.end(), c_full.begin(), c_full.end());
                  break;
                case CForm::kEqualColumn:
                  dims = {kB, 1}, cv.assign(kB, c_full[1]);
                  break;
                case CForm::kNone:
                  break;
              }
              b.initializer("C", dims, cv, gc.storage);
              inputs.push_back("C");
              for (int64_t i = 0; i < kM; ++i)
                bias[i] = cv.size() == 1 ? cv[0] : c == CForm::kEqualColumn ? cv[0] : c_full[i];
            }
            b.node("Gemm", inputs, {"y"}, "fc1",
                   {{"transA", int(ta)}, {"transB", int(tb)}, {"alpha", alpha}, {"beta", beta}});
            const std::string path = b.save("gemm");

            const LayerGraph g = import_onnx(path);
            ASSERT_EQ(g.layers.size(), 1u);
            EXPECT_EQ(g.input_feature_major, ta);
            EXPECT_EQ(g.input_name, "x");
            EXPECT_EQ(g.output_name, "y");
            const FcLayer& l = g.layers[0];
            EXPECT_EQ(l.name, "fc1");
            EXPECT_EQ(l.in, uint32_t(kN));
            EXPECT_EQ(l.out, uint32_t(kM));
            EXPECT_EQ(l.act, Activation::kNone);
            // alpha and beta fold exactly: the products of two float32 values are float64 values.
            for (int64_t i = 0; i < kN * kM; ++i) ASSERT_EQ(l.weight[i], alpha * w[i]) << "weight " << i;
            for (int64_t i = 0; i < kM; ++i) ASSERT_EQ(l.bias[i], beta * bias[i]) << "bias " << i;

            const std::vector<double> want =
                ta ? evaluate_onnx_reference(path, test::transpose(x, kB, kN), {kN, kB})
                   : evaluate_onnx_reference(path, x, {kB, kN});
            test::expect_close(evaluate_layer_graph(g, x, kB), want);
          }
  EXPECT_EQ(cases, 2 * 2 * 3 * 2 * 8);
}

// ---- chains ----

TEST(ImportOnnx, TwoGemmsWithReluFuseIntoTwoLayers) {
  const uint64_t seed = 11;
  std::printf("seed %llu\n", (unsigned long long)seed);
  constexpr int64_t kN = 7, kH = 9, kM = 2, kB = 3;
  OnnxBuilder b;
  b.input("input", {1, kN}).output("output", {1, kM});  // PyTorch declares the export example's batch
  b.initializer("fc1.weight", {kH, kN}, test::random_fp32_values(seed, kH * kN));
  b.initializer("fc1.bias", {kH}, test::random_fp32_values(seed + 1, kH));
  b.initializer("fc2.weight", {kM, kH}, test::random_fp32_values(seed + 2, kM * kH));
  b.initializer("fc2.bias", {kM}, test::random_fp32_values(seed + 3, kM));
  b.node("Gemm", {"input", "fc1.weight", "fc1.bias"}, {"h"}, "/fc1/Gemm", {{"transB", 1}});
  b.node("Relu", {"h"}, {"r"}, "/relu1/Relu");
  b.node("Gemm", {"r", "fc2.weight", "fc2.bias"}, {"output"}, "/fc2/Gemm", {{"transB", 1}});
  const std::string path = b.save("mlp");
  const LayerGraph g = import_onnx(path);
  ASSERT_EQ(g.layers.size(), 2u);
  EXPECT_EQ(g.layers[0].name, "/fc1/Gemm+/relu1/Relu");
  EXPECT_EQ(g.layers[0].act, Activation::kRelu);
  EXPECT_EQ(g.layers[1].name, "/fc2/Gemm");
  EXPECT_EQ(g.layers[1].act, Activation::kNone);
  EXPECT_EQ(g.source, path);
  const std::vector<double> x = test::random_fp32_values(seed + 4, kB * kN);
  test::expect_close(evaluate_layer_graph(g, x, kB), evaluate_onnx_reference(path, x, {kB, kN}));
}

TEST(ImportOnnx, MatMulAndAddFoldIntoBias) {
  const uint64_t seed = 12;
  std::printf("seed %llu\n", (unsigned long long)seed);
  constexpr int64_t kN = 6, kH = 5, kM = 4, kB = 2;
  OnnxBuilder b(14);
  b.input("x", {"N", kN}).output("y", {"N", kM});
  b.initializer("W1", {kN, kH}, test::random_fp32_values(seed, kN * kH));
  b.initializer("b1", {kH}, test::random_fp32_values(seed + 1, kH));
  b.initializer("W2", {kH, kM}, test::random_fp32_values(seed + 2, kH * kM), TensorStorage::kRawDouble);
  b.initializer("b2", {1, kM}, test::random_fp32_values(seed + 3, kM), TensorStorage::kRawFloat);
  b.initializer("s", {}, {0.375});
  b.node("MatMul", {"x", "W1"}, {"m1"}, "mm1");
  b.node("Add", {"m1", "b1"}, {"a1"}, "add1");
  b.node("Relu", {"a1"}, {"r1"}, "relu1");
  b.node("MatMul", {"r1", "W2"}, {"m2"}, "mm2");
  b.node("Add", {"b2", "m2"}, {"a2"}, "add2");  // the initializer first: Add commutes
  b.node("Add", {"a2", "s"}, {"y"}, "add3");    // a second Add folds too, while no activation came
  const std::string path = b.save("matmul_add");
  const LayerGraph g = import_onnx(path);
  ASSERT_EQ(g.layers.size(), 2u);
  EXPECT_EQ(g.layers[0].name, "mm1+add1+relu1");
  EXPECT_EQ(g.layers[1].name, "mm2+add2+add3");
  const std::vector<double> x = test::random_fp32_values(seed + 4, kB * kN);
  test::expect_close(evaluate_layer_graph(g, x, kB), evaluate_onnx_reference(path, x, {kB, kN}));
}

TEST(ImportOnnx, ValuePreservingOpsAreDropped) {
  const uint64_t seed = 13;
  std::printf("seed %llu\n", (unsigned long long)seed);
  constexpr int64_t kH = 5, kM = 3, kB = 3;
  OnnxBuilder b(13);
  b.input("x", {"batch", 1, 2, 3}).output("y", {"batch", kM});
  b.initializer("W1", {kH, 6}, test::random_fp32_values(seed, kH * 6));
  b.initializer("W2", {kH, kM}, test::random_fp32_values(seed + 1, kH * kM));
  b.initializer(test::make_int64_tensor("shape2", {2}, {0, -1}));
  b.initializer("ratio", {}, {0.5});
  onnx::TensorProto training;  // Dropout's training_mode: a bool false
  training.set_name("training"), training.set_data_type(onnx::TensorProto::BOOL), training.add_int32_data(0);
  b.initializer(training);
  b.node("Flatten", {"x"}, {"f"}, "flatten", {{"axis", 1}});
  b.node("Identity", {"f"}, {"i"}, "identity");
  b.node("Gemm", {"i", "W1"}, {"g"}, "fc1", {{"transB", 1}});
  b.node("Dropout", {"g", "ratio", "training"}, {"d", "mask"}, "dropout");  // the mask is named, but unused
  b.node("Constant", {}, {"shape1"}, "shape_const",
         {Attr("value", test::make_int64_tensor("", {2}, {-1, kH}))});
  b.node("Reshape", {"d", "shape1"}, {"r1"}, "reshape1");
  b.node("Relu", {"r1"}, {"relu"}, "relu1");
  b.node("Reshape", {"relu", "shape2"}, {"r2"}, "reshape2");
  b.node("Flatten", {"r2"}, {"f2"}, "flatten2", {{"axis", -1}});
  b.node("MatMul", {"f2", "W2"}, {"y"}, "mm2");
  const std::string path = b.save("passthrough");
  const LayerGraph g = import_onnx(path);
  ASSERT_EQ(g.layers.size(), 2u);
  EXPECT_EQ(g.layers[0].name, "fc1+relu1");
  EXPECT_EQ(g.layers[0].in, 6u);
  EXPECT_EQ(g.layers[1].name, "mm2");
  const std::vector<double> x = test::random_fp32_values(seed + 2, kB * 6);
  test::expect_close(evaluate_layer_graph(g, x, kB), evaluate_onnx_reference(path, x, {kB, 1, 2, 3}));
}

TEST(ImportOnnx, ReshapeForms) {
  // Each Reshape of a [batch, 2, 3] activation that gives [batch, 6]; with the batch declared 2 where the
  // form names it.
  struct Form {
    std::vector<int64_t> shape;
    Dim batch;
    int64_t allowzero;
  };
  const std::vector<Form> forms = {{{0, -1}, "b", 0}, {{-1, 6}, "b", 0}, {{0, 6}, "b", 0}, {{2, 6}, 2, 0},
                                   {{2, -1}, 2, 0},   {{-1, 6}, 2, 1},   {{1, 6}, "b", 0}, {{1, -1}, 1, 0}};
  const uint64_t seed = 14;
  std::printf("seed %llu\n", (unsigned long long)seed);
  for (const Form& f : forms) {
    SCOPED_TRACE(testing::PrintToString(f.shape) + " allowzero " + std::to_string(f.allowzero));
    OnnxBuilder b(14);
    b.input("x", {f.batch, 2, 3}).output("y", {f.batch, 4});
    b.initializer(test::make_int64_tensor("s", {2}, f.shape));
    b.initializer("W", {6, 4}, test::random_fp32_values(seed, 24));
    b.node("Reshape", {"x", "s"}, {"r"}, "reshape", {{"allowzero", f.allowzero}});
    b.node("MatMul", {"r", "W"}, {"y"}, "mm");
    const std::string path = b.save("reshape");
    const LayerGraph g = import_onnx(path);
    ASSERT_EQ(g.layers.size(), 1u);
    EXPECT_EQ(g.layers[0].in, 6u);
    const int64_t batch = f.shape[0] > 0 ? f.shape[0] : 2;
    const std::vector<double> x = test::random_fp32_values(seed + 1, batch * 6);
    test::expect_close(evaluate_layer_graph(g, x, batch),
                       evaluate_onnx_reference(path, x, {uint64_t(batch), 2, 3}));
  }
}

TEST(ImportOnnx, WeightsFromConstantNodes) {
  const uint64_t seed = 15;
  std::printf("seed %llu\n", (unsigned long long)seed);
  constexpr int64_t kN = 3, kM = 4, kB = 5;
  const std::vector<double> w = test::random_fp32_values(seed, kN * kM),
                            bias = test::random_fp32_values(seed + 1, kM);
  OnnxBuilder b;
  b.input("x", {"batch", kN}).output("y", {"batch", kM});
  b.constant("W", {kM, kN}, w, "w_const");
  b.node("Constant", {}, {"bias"}, "b_const", {Attr::floats("value_floats", bias)});
  b.initializer("W2", {kM, kM}, test::random_fp32_values(seed + 2, kM * kM));
  b.node("Identity", {"W2"}, {"W2_shared"}, "tied");  // PyTorch writes this for shared weights
  b.constant("half", {}, {0.5}, "half_const");
  b.node("Gemm", {"x", "W", "bias"}, {"h"}, "fc1", {{"transB", 1}});
  b.node("Add", {"h", "half"}, {"a"}, "add");
  b.node("MatMul", {"a", "W2_shared"}, {"y"}, "mm2");
  const std::string path = b.save("constants");
  const LayerGraph g = import_onnx(path);
  ASSERT_EQ(g.layers.size(), 2u);
  EXPECT_EQ(g.layers[0].weight, w);
  for (int64_t i = 0; i < kM; ++i) EXPECT_EQ(g.layers[0].bias[i], bias[i] + 0.5);
  const std::vector<double> x = test::random_fp32_values(seed + 3, kB * kN);
  test::expect_close(evaluate_layer_graph(g, x, kB), evaluate_onnx_reference(path, x, {kB, kN}));
}

TEST(ImportOnnx, EveryTensorStorageDecodesExactly) {
  const std::vector<double> w = {1.5, -0.25, 3.0e-8, -7.0, 0.1, 1e10};  // 0.1 and 3e-8 not exact in fp32
  for (TensorStorage s : {TensorStorage::kFloatData, TensorStorage::kDoubleData, TensorStorage::kRawFloat,
                          TensorStorage::kRawDouble}) {
    SCOPED_TRACE(int(s));
    OnnxBuilder b;
    b.input("x", {"batch", 3}).output("y", {"batch", 2});
    b.initializer("W", {2, 3}, w, s);
    b.node("Gemm", {"x", "W"}, {"y"}, "fc", {{"transB", 1}});
    const LayerGraph g = import_onnx(b.save("storage"));
    const bool fp32 = s == TensorStorage::kFloatData || s == TensorStorage::kRawFloat;
    for (size_t i = 0; i < w.size(); ++i) EXPECT_EQ(g.layers[0].weight[i], fp32 ? double(float(w[i])) : w[i]);
  }
}

TEST(ImportOnnx, SymbolicOrUnknownBatch) {
  for (bool symbolic : {true, false}) {
    SCOPED_TRACE(symbolic);
    OnnxBuilder b;
    if (symbolic)
      b.input("x", {"batch_size", 4});
    else
      b.input("x", {Dim::unknown(), 4});
    b.output("y", {Dim::unknown(), 2});
    b.initializer("W", {4, 2}, test::random_fp32_values(16, 8));
    b.node("MatMul", {"x", "W"}, {"y"}, "mm");
    const std::string path = b.save("batch");
    const LayerGraph g = import_onnx(path);
    EXPECT_EQ(g.input_size(), 4u);
    const std::vector<double> x = test::random_fp32_values(17, 12);
    test::expect_close(evaluate_layer_graph(g, x, 3), evaluate_onnx_reference(path, x, {3, 4}));
  }
}

TEST(ImportOnnx, NewerIrVersionAndOpsetThanTheCheckerAreAccepted) {
  OnnxBuilder b(/*opset=*/21, /*ir_version=*/10);
  b.input("x", {"batch", 4}).output("y", {"batch", 2});
  b.initializer("W", {2, 4}, test::random_fp32_values(18, 8));
  b.node("Gemm", {"x", "W"}, {"h"}, "fc", {{"transB", 1}});
  b.node("Relu", {"h"}, {"y"}, "relu");
  const std::string path = b.save("newer");
  const LayerGraph g = import_onnx(path);
  ASSERT_EQ(g.layers.size(), 1u);
  const std::vector<double> x = test::random_fp32_values(19, 8);
  test::expect_close(evaluate_layer_graph(g, x, 2), evaluate_onnx_reference(path, x, {2, 4}));
}

// The checker still runs on such a model (on a copy with the checker's versions).
TEST(ImportOnnx, NewerModelIsStillChecked) {
  OnnxBuilder b(/*opset=*/20, /*ir_version=*/9);
  b.input("x", {"batch", 4}).output("y", {"batch", 2});
  b.initializer("W", {2, 4}, test::random_fp32_values(18, 8));
  b.node("Gemm", {"x", "W"}, {"y"}, "fc", {{"transB", 1}, {"bogus", 1}});
  test::expect_error([&] { import_onnx(b.save("newer_bad")); }, {"checker", "bogus"});
}

// The models PyTorch 1.13 wrote (tests/mapper/fixtures, data/models): accepted ones import and match the
// reference on random inputs; conv_refused names its Conv node.
TEST(ImportOnnx, PyTorchExportedModels) {
  const std::filesystem::path fixtures =
      std::filesystem::path(WAFER_MODELS_DIR) / "../../tests/mapper/fixtures";
  const std::filesystem::path models = WAFER_MODELS_DIR;
  struct Model {
    std::filesystem::path path;
    std::vector<uint64_t> sample_shape;
    size_t layers;
  };
  const std::vector<Model> accepted = {
      {fixtures / "mlp_gemm.onnx", {20}, 2},          {fixtures / "mlp_nobias.onnx", {20}, 2},
      {fixtures / "mlp_flatten.onnx", {1, 8, 8}, 2},  {fixtures / "mlp_dropout.onnx", {20}, 2},
      {fixtures / "mlp_dynamic_batch.onnx", {20}, 2}, {fixtures / "mlp_opset17.onnx", {20}, 2},
      {models / "digits_mlp.onnx", {64}, 2}};
  uint64_t seed = 30;
  for (const Model& m : accepted) {
    SCOPED_TRACE(m.path.string());
    if (!std::filesystem::exists(m.path)) GTEST_SKIP() << m.path << " is missing";
    std::printf("%s seed %llu\n", m.path.filename().c_str(), (unsigned long long)seed);
    const LayerGraph g = import_onnx(m.path.string());
    EXPECT_EQ(g.layers.size(), m.layers);
    EXPECT_EQ(g.layers[0].act, Activation::kRelu);
    std::vector<uint64_t> shape = {3};
    shape.insert(shape.end(), m.sample_shape.begin(), m.sample_shape.end());
    const std::vector<double> x = test::random_fp32_values(seed++, 3 * g.input_size());
    test::expect_close(evaluate_layer_graph(g, x, 3), evaluate_onnx_reference(m.path.string(), x, shape));
  }
  const std::string conv = (fixtures / "conv_refused.onnx").string();
  if (std::filesystem::exists(conv))
    test::expect_error([&] { import_onnx(conv); }, {conv, "node '/conv1/Conv' has op type 'Conv'"});
}

}  // namespace
}  // namespace wafer::mapper
