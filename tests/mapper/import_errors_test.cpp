// What the ONNX importer refuses, and that each refusal names the file, the node and the offending value.
#include <gtest/gtest.h>

#include "mapper/import/onnx_import.h"
#include "mapper/import/onnx_reference.h"
#include "tests/mapper/import_test_util.h"
#include "tests/mapper/onnx_builder.h"

namespace wafer::mapper {
namespace {

using test::Dim;
using test::expect_error;
using test::OnnxBuilder;

// x [batch, 4] -> Gemm 'fc1' (W [3, 4], transB=1) -> h: the start of most broken models below.
void gemm_start(OnnxBuilder& b, const std::string& out = "h") {
  b.input("x", {"batch", 4});
  b.initializer("W", {3, 4}, test::random_fp32_values(1, 12));
  b.node("Gemm", {"x", "W"}, {out}, "fc1", {{"transB", 1}});
}

TEST(ImportOnnxErrors, UnsupportedOpIsNamedBeforeAnythingElse) {
  OnnxBuilder b(13, /*ir_version=*/0);  // no IR version: the checker would refuse it, but later
  b.input("x", {"batch", 1, 8, 8}).input("z", {"batch", 4}).output("y", {"batch", 3});  // two inputs too
  b.node("Conv", {"x", "k"}, {"c"}, "conv1");
  const std::string path = b.save("conv");
  expect_error(
      [&] { import_onnx(path); },
      {path + ": node 'conv1' has op type 'Conv', which the mapper does not support (supported: Gemm, "
              "MatMul, Add, Relu, Flatten, Reshape, Identity, Dropout, Constant)"});
}

TEST(ImportOnnxErrors, UnsupportedOpWithoutNameOrInAnotherDomain) {
  OnnxBuilder b;
  gemm_start(b);
  b.output("y", {"batch", 3});
  b.node("Sigmoid", {"h"}, {"y"});
  expect_error([&] { import_onnx(b.save("sigmoid")); }, {"node #1 has op type 'Sigmoid'"});
  OnnxBuilder d;
  gemm_start(d);
  d.output("y", {"batch", 3});
  d.node("Relu", {"h"}, {"y"}, "custom").set_domain("com.example");
  expect_error([&] { import_onnx(d.save("domain")); }, {"node 'custom' has op type 'com.example:Relu'"});
}

TEST(ImportOnnxErrors, MissingTruncatedEmptyAndGarbageFiles) {
  expect_error([&] { import_onnx("/nonexistent/model.onnx"); }, {"/nonexistent/model.onnx", "cannot open"});
  OnnxBuilder b;
  gemm_start(b, "y");
  b.output("y", {"batch", 3});
  const std::string bytes = b.serialized();
  const std::string half = b.save_bytes("truncated", bytes.substr(0, bytes.size() / 2));
  expect_error([&] { import_onnx(half); }, {half, "truncated or malformed"});
  const std::string cut = b.save_bytes("cut", bytes.substr(0, bytes.size() - 3));
  expect_error([&] { import_onnx(cut); }, {cut, "truncated or malformed"});
  const std::string empty = b.save_bytes("empty", "");
  expect_error([&] { import_onnx(empty); }, {empty, "empty"});
  const std::string garbage = b.save_bytes("garbage", "\xff\xff\xff\xff not a protobuf");
  expect_error([&] { import_onnx(garbage); }, {garbage, "not a valid ONNX model"});
}

TEST(ImportOnnxErrors, OtherCheckerFailuresAreReported) {
  OnnxBuilder b;
  b.input("x", {"batch", 4}).output("y", {"batch", 3});
  b.node("Gemm", {"x", "W_missing"}, {"y"}, "fc1");
  const std::string path = b.save("checker");
  expect_error([&] { import_onnx(path); }, {path, "checker", "W_missing"});
}

TEST(ImportOnnxErrors, ReluBeforeAnyLayer) {
  OnnxBuilder b;
  b.input("x", {"batch", 4}).output("y", {"batch", 3});
  b.initializer("W", {3, 4}, test::random_fp32_values(1, 12));
  b.node("Relu", {"x"}, {"r"}, "relu0");
  b.node("Gemm", {"r", "W"}, {"y"}, "fc1", {{"transB", 1}});
  const std::string path = b.save("relu_first");
  expect_error([&] { import_onnx(path); }, {path, "node 'relu0' (Relu)", "before any Gemm/MatMul"});
}

TEST(ImportOnnxErrors, TwoRelusOnOneLayer) {
  OnnxBuilder b;
  gemm_start(b);
  b.output("y", {"batch", 3});
  b.node("Relu", {"h"}, {"r"}, "relu1");
  b.node("Relu", {"r"}, {"y"}, "relu2");
  expect_error([&] { import_onnx(b.save("two_relus")); },
               {"node 'relu2' (Relu)", "second activation", "fc1+relu1"});
}

TEST(ImportOnnxErrors, AddBeforeAnyLayerOrAfterTheActivation) {
  OnnxBuilder a;
  a.input("x", {"batch", 4}).output("y", {"batch", 3});
  a.initializer("c", {4}, {1, 2, 3, 4});
  a.initializer("W", {3, 4}, test::random_fp32_values(1, 12));
  a.node("Add", {"x", "c"}, {"xc"}, "normalize");
  a.node("Gemm", {"xc", "W"}, {"y"}, "fc1", {{"transB", 1}});
  expect_error([&] { import_onnx(a.save("add_first")); },
               {"node 'normalize' (Add)", "before any Gemm/MatMul"});
  OnnxBuilder b;
  gemm_start(b);
  b.output("y", {"batch", 3});
  b.initializer("c", {3}, {1, 2, 3});
  b.node("Relu", {"h"}, {"r"}, "relu1");
  b.node("Add", {"r", "c"}, {"y"}, "late_bias");
  expect_error([&] { import_onnx(b.save("add_late")); },
               {"node 'late_bias' (Add)", "after layer 'fc1+relu1'"});
}

TEST(ImportOnnxErrors, AddWithANonBiasShape) {
  OnnxBuilder b;
  gemm_start(b);
  b.output("y", {"batch", 3});
  b.initializer("c", {2, 3}, {1, 2, 3, 4, 5, 6});
  b.node("Add", {"h", "c"}, {"y"}, "add");
  expect_error([&] { import_onnx(b.save("add_shape")); },
               {"node 'add' (Add)", "'c' has shape [2, 3]", "M = 3"});
}

TEST(ImportOnnxErrors, PerSampleBiasIsRefused) {
  for (bool column : {false, true}) {
    SCOPED_TRACE(column);
    OnnxBuilder b;
    b.input("x", {2, 4}).output("y", {2, 3});
    b.initializer("W", {3, 4}, test::random_fp32_values(1, 12));
    if (column)
      b.initializer("C", {2, 1}, {1.0, 2.0});
    else
      b.initializer("C", {2, 3}, {1, 2, 3, 1, 2, 4});
    b.node("Gemm", {"x", "W", "C"}, {"y"}, "fc1", {{"transB", 1}});
    const std::string path = b.save("per_sample");
    expect_error([&] { import_onnx(path); }, {path, "node 'fc1' (Gemm)", "'C'", "per-sample bias"});
  }
}

TEST(ImportOnnxErrors, GemmBiasThatDoesNotBroadcast) {
  for (const std::vector<int64_t>& dims : std::vector<std::vector<int64_t>>{{4}, {3, 3}, {1, 1, 3}}) {
    SCOPED_TRACE(testing::PrintToString(dims));
    OnnxBuilder b;
    b.input("x", {2, 4}).output("y", {2, 3});
    b.initializer("W", {3, 4}, test::random_fp32_values(1, 12));
    int64_t n = 1;
    for (int64_t d : dims) n *= d;
    b.initializer("C", dims, std::vector<double>(n, 1.0));
    b.node("Gemm", {"x", "W", "C"}, {"y"}, "fc1", {{"transB", 1}});
    expect_error([&] { import_onnx(b.save("c_shape")); }, {"node 'fc1' (Gemm)", "does not broadcast"});
  }
}

TEST(ImportOnnxErrors, InitializerOfTheWrongSize) {
  OnnxBuilder b;
  b.input("x", {"batch", 4}).output("y", {"batch", 3});
  b.initializer("W", {3, 4}, test::random_fp32_values(1, 10));
  b.node("Gemm", {"x", "W"}, {"y"}, "fc1", {{"transB", 1}});
  const std::string path = b.save("wrong_size");
  expect_error([&] { import_onnx(path); },
               {path, "node 'fc1' (Gemm)", "tensor 'W'", "[3, 4] (12 elements)", "10 values"});
  OnnxBuilder r;
  r.input("x", {"batch", 4}).output("y", {"batch", 3});
  r.initializer("W", {3, 4}, test::random_fp32_values(1, 13), test::TensorStorage::kRawFloat);
  r.node("Gemm", {"x", "W"}, {"y"}, "fc1", {{"transB", 1}});
  expect_error([&] { import_onnx(r.save("wrong_raw")); }, {"tensor 'W'", "52 bytes of raw_data"});
}

TEST(ImportOnnxErrors, WeightsOfAnotherDataType) {
  OnnxBuilder b;
  b.input("x", {"batch", 4}).output("y", {"batch", 3});
  onnx::TensorProto w = test::make_int64_tensor("W_int", {3, 4}, std::vector<int64_t>(12, 1));
  w.set_data_type(onnx::TensorProto::INT32);
  w.clear_int64_data();
  for (int i = 0; i < 12; ++i) w.add_int32_data(1);
  b.initializer(w);
  b.node("MatMul", {"x", "W_int"}, {"y"}, "mm");
  expect_error([&] { import_onnx(b.save("int_weights")); },
               {"node 'mm' (MatMul)", "tensor 'W_int'", "INT32"});
}

TEST(ImportOnnxErrors, TwoGraphInputs) {
  OnnxBuilder b;
  b.input("x", {"batch", 4}).input("z", {"batch", 3}).output("y", {"batch", 3});
  b.initializer("W", {3, 4}, test::random_fp32_values(1, 12));
  b.node("Gemm", {"x", "W", "z"}, {"y"}, "fc1", {{"transB", 1}});
  const std::string path = b.save("two_inputs");
  expect_error([&] { import_onnx(path); }, {path, "2 inputs that are not initializers", "'x', 'z'"});
}

TEST(ImportOnnxErrors, TwoActivationsIntoOneNode) {
  OnnxBuilder b;
  gemm_start(b);
  b.output("y", {"batch", 3});
  b.initializer("W2", {3, 3}, test::random_fp32_values(2, 9));
  b.node("MatMul", {"W2", "W2"}, {"v"}, "side");  // computed from constants, but not a constant to us
  b.node("Add", {"h", "v"}, {"y"}, "add");
  expect_error([&] { import_onnx(b.save("two_acts")); },
               {"node 'add' (Add)", "reads two activations, 'h' and 'v' (from node 'side')"});
}

TEST(ImportOnnxErrors, BranchesAndResiduals) {
  OnnxBuilder b;
  gemm_start(b);
  b.output("y", {"batch", 3});
  b.node("Relu", {"h"}, {"r"}, "relu1");
  b.node("Add", {"r", "h"}, {"y"}, "residual");
  expect_error([&] { import_onnx(b.save("residual")); }, {"'h'", "read by 2 nodes", "'relu1'", "'residual'"});
  OnnxBuilder d;
  gemm_start(d);
  d.output("y", {"batch", 3});
  d.node("Add", {"h", "h"}, {"y"}, "double");
  expect_error([&] { import_onnx(d.save("twice")); }, {"node 'double' (Add)", "twice"});
  OnnxBuilder o;
  gemm_start(o, "y");
  o.output("y", {"batch", 3});
  o.node("Relu", {"y"}, {"r"}, "after_output");
  expect_error([&] { import_onnx(o.save("after_output")); },
               {"node 'after_output' (Relu)", "graph output 'y'"});
}

TEST(ImportOnnxErrors, TwoOutputsAndDeadNodes) {
  OnnxBuilder b;
  gemm_start(b, "y");
  b.output("y", {"batch", 3}).output("y2", {"batch", 3});
  b.initializer("W2", {3, 3}, test::random_fp32_values(2, 9));
  b.node("MatMul", {"W2", "W2"}, {"y2"}, "dead");
  expect_error([&] { import_onnx(b.save("two_outputs")); }, {"2 outputs"});
  OnnxBuilder d;
  gemm_start(d, "y");
  d.output("y", {"batch", 3});
  d.initializer("W2", {3, 3}, test::random_fp32_values(2, 9));
  d.node("MatMul", {"W2", "W2"}, {"unused"}, "dead");
  expect_error([&] { import_onnx(d.save("dead")); }, {"node 'dead' (MatMul)", "not on the chain"});
}

TEST(ImportOnnxErrors, TransAOnlyStraightFromTheInput) {
  OnnxBuilder b;
  gemm_start(b);
  b.output("y", {"batch", 2});
  b.initializer("W2", {3, 2}, test::random_fp32_values(2, 6));
  b.node("Gemm", {"h", "W2"}, {"y"}, "fc2", {{"transA", 1}});
  expect_error([&] { import_onnx(b.save("trans_a")); }, {"node 'fc2' (Gemm)", "transA=1", "feature-major"});
  OnnxBuilder r;
  r.input("x", {2, 4, 1}).output("y", {"batch", 3});
  r.initializer("W", {2, 3}, test::random_fp32_values(2, 6));
  r.node("Gemm", {"x", "W"}, {"y"}, "fc1", {{"transA", 1}});
  expect_error([&] { import_onnx(r.save("trans_a_rank")); }, {"node 'fc1' (Gemm)", "not declared 2-D"});
}

TEST(ImportOnnxErrors, FeatureCountDisagreesWithTheWeights) {
  OnnxBuilder b;
  b.input("x", {"batch", 5}).output("y", {"batch", 3});
  b.initializer("W", {3, 4}, test::random_fp32_values(1, 12));
  b.node("Gemm", {"x", "W"}, {"y"}, "fc1", {{"transB", 1}});
  expect_error([&] { import_onnx(b.save("features")); },
               {"node 'fc1' (Gemm)", "take 4 inputs", "5 features"});
}

TEST(ImportOnnxErrors, ActivationNotInTheWeightsPosition) {
  OnnxBuilder b;
  b.input("x", {4, "batch"}).output("y", {3, "batch"});
  b.initializer("W", {3, 4}, test::random_fp32_values(1, 12));
  b.node("Gemm", {"W", "x"}, {"y"}, "fc1");
  expect_error([&] { import_onnx(b.save("act_as_b")); }, {"node 'fc1' (Gemm)", "needs it as A"});
  OnnxBuilder m;
  m.input("x", {4, "batch"}).output("y", {3, "batch"});
  m.initializer("W", {3, 4}, test::random_fp32_values(1, 12));
  m.node("MatMul", {"W", "x"}, {"y"}, "mm");
  expect_error([&] { import_onnx(m.save("mm_act_second")); }, {"node 'mm' (MatMul)", "as input 1"});
}

TEST(ImportOnnxErrors, DropoutMaskUsedOrTraining) {
  OnnxBuilder b;
  gemm_start(b);
  b.output("y", {"batch", 3}).output("mask", {"batch", 3});
  b.node("Dropout", {"h"}, {"y", "mask"}, "drop");
  expect_error([&] { import_onnx(b.save("mask")); }, {"2 outputs"});
  OnnxBuilder u;
  gemm_start(u);
  u.output("y", {"batch", 3});
  u.node("Dropout", {"h"}, {"d", "mask"}, "drop");
  u.node("Identity", {"mask"}, {"y"}, "use_mask");
  expect_error([&] { import_onnx(u.save("mask_used")); }, {"node 'drop' (Dropout)", "'mask' is used"});
  OnnxBuilder t;
  gemm_start(t);
  t.output("y", {"batch", 3});
  onnx::TensorProto on;
  on.set_name("training"), on.set_data_type(onnx::TensorProto::BOOL), on.add_int32_data(1);
  t.initializer(on);
  t.node("Dropout", {"h", "", "training"}, {"y"}, "drop");
  expect_error([&] { import_onnx(t.save("training")); }, {"node 'drop' (Dropout)", "training_mode=true"});
}

TEST(ImportOnnxErrors, ReshapesThatMixSamplesOrAreNot2D) {
  struct Case {
    std::vector<int64_t> shape;
    Dim batch;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{-1, 3}, "b", "one sample of 6 features"}, {{0, 3}, "b", "one sample of 6 features"},
      {{4, -1}, 2, "one sample of 6 features"},   {{3, 6}, 2, "one sample of 6 features"},
      {{0, 2, 3}, "b", "only a Reshape to 2-D"},  {{-1, -1}, "b", "ONNX does not allow"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::PrintToString(c.shape));
    OnnxBuilder b;
    b.input("x", {c.batch, 6}).output("y", {c.batch, 2});
    b.initializer(test::make_int64_tensor("s", {int64_t(c.shape.size())}, c.shape));
    b.initializer("W", {6, 2}, test::random_fp32_values(1, 12));
    b.node("Reshape", {"x", "s"}, {"r"}, "reshape");
    b.node("MatMul", {"r", "W"}, {"y"}, "mm");
    expect_error([&] { import_onnx(b.save("reshape_bad")); }, {"node 'reshape' (Reshape)", c.says});
  }
}

TEST(ImportOnnxErrors, FlattenThatMixesSamplesAndUnflattenedMatMul) {
  OnnxBuilder f;
  f.input("x", {"batch", 2, 3}).output("y", {"batch", 2});
  f.initializer("W", {3, 2}, test::random_fp32_values(1, 6));
  f.node("Flatten", {"x"}, {"f"}, "flatten", {{"axis", 2}});
  f.node("MatMul", {"f", "W"}, {"y"}, "mm");
  expect_error([&] { import_onnx(f.save("flatten2")); }, {"node 'flatten' (Flatten)", "2 rows per sample"});
  OnnxBuilder z;
  z.input("x", {"batch", 6}).output("y", {"batch", 2});
  z.initializer("W", {6, 2}, test::random_fp32_values(1, 12));
  z.node("Flatten", {"x"}, {"f"}, "flatten", {{"axis", 0}});
  z.node("MatMul", {"f", "W"}, {"y"}, "mm");
  expect_error([&] { import_onnx(z.save("flatten0")); },
               {"node 'flatten' (Flatten)", "whole batch in one row"});
  OnnxBuilder m;
  m.input("x", {"batch", 2, 3}).output("y", {"batch", 2, 2});
  m.initializer("W", {3, 2}, test::random_fp32_values(1, 6));
  m.node("MatMul", {"x", "W"}, {"y"}, "mm");
  expect_error([&] { import_onnx(m.save("matmul3d")); },
               {"node 'mm' (MatMul)", "2-D activation", "flatten it first"});
}

TEST(ImportOnnxErrors, DeclaredOutputDisagrees) {
  OnnxBuilder b;
  gemm_start(b, "y");
  b.output("y", {"batch", 7});
  expect_error([&] { import_onnx(b.save("out_decl")); }, {"graph output 'y'", "7 features", "[batch, 3]"});
}

// Corrupted bytes of a valid model (fixed seed): the importer and the reference either accept what still
// parses or throw wafer::Error; never another exception, never a crash (run under WAFER_SANITIZE too).
TEST(ImportOnnxErrors, CorruptedModelsFailCleanly) {
  const uint64_t seed = 99;
  std::printf("seed %llu\n", (unsigned long long)seed);
  OnnxBuilder b;
  b.input("x", {"batch", 4}).output("y", {"batch", 2});
  b.initializer("W", {3, 4}, test::random_fp32_values(seed, 12));
  b.initializer("c", {3}, {1, 2, 3});
  b.initializer(test::make_int64_tensor("s", {2}, {0, -1}));
  b.initializer("W2", {3, 2}, test::random_fp32_values(seed + 1, 6), test::TensorStorage::kRawDouble);
  b.node("Gemm", {"x", "W", "c"}, {"h"}, "fc1", {{"transB", 1}, {"alpha", 0.5}});
  b.node("Relu", {"h"}, {"r"}, "relu1");
  b.node("Reshape", {"r", "s"}, {"rs"}, "reshape");
  b.node("MatMul", {"rs", "W2"}, {"y"}, "mm");
  const std::string good = b.serialized();
  const std::vector<double> noise = test::random_fp32_values(seed + 2, 3 * 400);
  int accepted = 0;
  for (int i = 0; i < 400; ++i) {
    std::string bytes = good;
    const size_t at = size_t((noise[3 * i] + 1) / 2 * double(bytes.size())) % bytes.size();
    bytes[at] = char(int((noise[3 * i + 1] + 1) * 128));
    if (noise[3 * i + 2] > 0.8) bytes.resize(at);  // sometimes cut there too
    const std::string path = b.save_bytes("corrupt", bytes);
    try {
      const LayerGraph g = import_onnx(path);
      evaluate_onnx_reference(path, std::vector<double>(2 * g.input_size(), 0.5), {2, g.input_size()});
      ++accepted;
    } catch (const Error&) {
    } catch (const std::exception& e) {
      ADD_FAILURE() << "mutation " << i << " (byte " << at << "): not a wafer::Error: " << e.what();
    }
  }
  std::printf("%d of 400 corrupted models still accepted\n", accepted);
}

}  // namespace
}  // namespace wafer::mapper
