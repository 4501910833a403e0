// An independent float64 evaluator of an ONNX graph: the oracle the importer and the wafer are checked
// against. It interprets the graph node by node with the ops' full ONNX semantics (numpy broadcasting,
// batched MatMul, every Gemm attribute, Reshape's 0 and -1, ...) and shares nothing with the importer's
// fusion into layers: only file loading and tensor decoding (onnx_model.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace wafer::mapper {

// Evaluates the model at `path` on `input` (row-major, of shape `input_shape`, fed to the graph's one
// input that is not an initializer) and returns the graph's one output, row-major. Ops: Gemm, MatMul, Add,
// Relu, Flatten, Reshape, Identity, Dropout (inference), Constant. Sums run in float64 in index order.
// The input shape must match every dimension the model declares with a number; a symbolic or unknown
// one takes any size. Errors (the model, an op given shapes it does not accept, a wrong input size) throw
// wafer::Error naming the file and the node.
std::vector<double> evaluate_onnx_reference(const std::string& path, const std::vector<double>& input,
                                            std::vector<uint64_t> input_shape);

}  // namespace wafer::mapper
