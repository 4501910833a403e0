// The two float64 references against values worked out by hand: the ONNX graph evaluator
// (mapper/import/onnx_reference.h), which is the importer's oracle and so must be right on its own, and
// the layer-graph evaluator (mapper/reference.h).
#include <gtest/gtest.h>

#include "mapper/import/onnx_reference.h"
#include "mapper/reference.h"
#include "tests/mapper/import_test_util.h"
#include "tests/mapper/onnx_builder.h"

namespace wafer::mapper {
namespace {

using test::Attr;
using test::OnnxBuilder;

TEST(ImportReference, GemmWithEveryAttribute) {
  // Y = 2 * A B^T + 0.5 * C: A B^T = [[17, 23], [39, 53]].
  OnnxBuilder b;
  b.input("a", {2, 2}).output("y", {2, 2});
  b.initializer("B", {2, 2}, {5, 6, 7, 8});
  b.initializer("C", {2}, {1, -1});
  b.node("Gemm", {"a", "B", "C"}, {"y"}, "g", {{"transB", 1}, {"alpha", 2.0}, {"beta", 0.5}});
  const std::string path = b.save("ref_gemm");
  EXPECT_EQ(evaluate_onnx_reference(path, {1, 2, 3, 4}, {2, 2}),
            (std::vector<double>{34.5, 45.5, 78.5, 105.5}));
  // transA: A given as [[1, 3], [2, 4]] is the same A.
  OnnxBuilder t;
  t.input("a", {2, 2}).output("y", {2, 2});
  t.initializer("B", {2, 2}, {5, 7, 6, 8});  // B^T stored: no transB needed
  t.initializer("C", {2, 1}, {10, 20});      // a column: row i gets C[i]
  t.node("Gemm", {"a", "B", "C"}, {"y"}, "g", {{"transA", 1}});
  EXPECT_EQ(evaluate_onnx_reference(t.save("ref_gemm_t"), {1, 3, 2, 4}, {2, 2}),
            (std::vector<double>{27, 33, 59, 73}));
}

TEST(ImportReference, AddBroadcastsBothWays) {
  OnnxBuilder b;
  b.input("x", {2, 1}).output("y", {2, 3});
  b.initializer("c", {3}, {10, 20, 30});
  b.node("Add", {"x", "c"}, {"y"}, "add");
  EXPECT_EQ(evaluate_onnx_reference(b.save("ref_add"), {1, 2}, {2, 1}),
            (std::vector<double>{11, 21, 31, 12, 22, 32}));
}

TEST(ImportReference, MatMulBatchedAndOneDimensional) {
  // [2, 2, 3] x [3, 1]: the weight broadcasts over the leading dimension.
  OnnxBuilder b;
  b.input("x", {2, 2, 3}).output("y", {2, 2, 1});
  b.initializer("w", {3, 1}, {1, 10, 100});
  b.node("MatMul", {"x", "w"}, {"y"}, "mm");
  EXPECT_EQ(evaluate_onnx_reference(b.save("ref_mm3"), {1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 1, 1}, {2, 2, 3}),
            (std::vector<double>{321, 654, 987, 111}));
  // [3] x [3, 2] -> [2].
  OnnxBuilder v;
  v.input("x", {3}).output("y", {2});
  v.initializer("w", {3, 2}, {1, 2, 3, 4, 5, 6});
  v.node("MatMul", {"x", "w"}, {"y"}, "mm");
  EXPECT_EQ(evaluate_onnx_reference(v.save("ref_mm1"), {1, 1, 1}, {3}), (std::vector<double>{9, 12}));
}

TEST(ImportReference, FlattenReshapeReluIdentityDropoutConstant) {
  // [2, 3, 2] -Flatten(axis=2)-> [6, 2] -Reshape([0, -1] of a Constant)-> [6, 2] -MatMul [2, 1] of ones->
  // row sums -Relu-> -Identity-> -Dropout->.
  OnnxBuilder b;
  b.input("x", {2, 3, 2}).output("y", {6, 1});
  b.initializer("ones", {2, 1}, {1, 1});
  b.node("Flatten", {"x"}, {"f"}, "flatten", {{"axis", 2}});
  b.node("Constant", {}, {"s"}, "shape", {Attr("value", test::make_int64_tensor("", {2}, {0, -1}))});
  b.node("Reshape", {"f", "s"}, {"r"}, "reshape");
  b.node("MatMul", {"r", "ones"}, {"m"}, "sum");
  b.node("Relu", {"m"}, {"relu"}, "relu");
  b.node("Identity", {"relu"}, {"i"}, "identity");
  b.node("Dropout", {"i"}, {"y"}, "dropout");
  EXPECT_EQ(evaluate_onnx_reference(b.save("ref_misc"), {1, 2, -3, -4, 5, -6, 7, 8, -9, 1, 0, 0}, {2, 3, 2}),
            (std::vector<double>{3, 0, 0, 15, 0, 0}));
}

TEST(ImportReference, InputShapeChecks) {
  OnnxBuilder b;
  b.input("x", {1, 3}).output("y", {1, 2});
  b.initializer("w", {3, 2}, {1, 2, 3, 4, 5, 6});
  b.node("MatMul", {"x", "w"}, {"y"}, "mm");
  const std::string path = b.save("ref_shape");
  // Dimension 0 is the batch whatever the model declares (PyTorch writes the export example's).
  EXPECT_EQ(evaluate_onnx_reference(path, {1, 0, 0, 0, 1, 0}, {2, 3}), (std::vector<double>{1, 2, 3, 4}));
  test::expect_error([&] { evaluate_onnx_reference(path, {1, 2, 3, 4}, {2, 2}); }, {path, "declared shape"});
  test::expect_error(
      [&] {
        evaluate_onnx_reference(path, {1, 2, 3}, {2, 3});
      },
      {path, "holds 6 values but 3"});
}

TEST(ImportReference, LayerGraphByHand) {
  LayerGraph g;
  g.source = "by-hand";
  FcLayer a;
  a.name = "a", a.in = 2, a.out = 2, a.weight = {1, 2, 3, 4}, a.bias = {0.5, -20}, a.act = Activation::kRelu;
  FcLayer b;
  b.name = "b", b.in = 2, b.out = 1, b.weight = {1, -1}, b.bias = {0.25};
  g.layers = {a, b};
  // Sample 0 (1, 1): a -> relu(3.5, -13) = (3.5, 0) -> b = 3.75. Sample 1 (2, 0): (2.5, -14) -> 2.75.
  EXPECT_EQ(evaluate_layer_graph(g, {1, 1, 2, 0}, 2), (std::vector<double>{3.75, 2.75}));
  test::expect_error(
      [&] {
        evaluate_layer_graph(g, {1, 1, 2}, 2);
      },
      {"by-hand", "3 input values for 2 samples of 2"});
}

}  // namespace
}  // namespace wafer::mapper
