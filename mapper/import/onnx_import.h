// ONNX -> LayerGraph: fuses a chain of Gemm/MatMul, bias Add and Relu nodes into fully connected layers
// (docs/mapper-import.md lists exactly what is accepted and why the rest is refused).
#pragma once
#include <string>

#include "mapper/graph.h"

namespace wafer::mapper {

// Reads the ONNX model at `path` and returns its layers, validated (LayerGraph::validate). The graph must
// be one chain from its one input to its one output of
//   Gemm (any transA/transB/alpha/beta; C a vector [M], a scalar, a row [1, M], or [B, M] / [B, 1] with
//        equal rows), MatMul (2-D, activation x constant), Add (activation + constant bias [M], [1, M]
//        or scalar, folded into the preceding layer while it has no activation), Relu (the preceding
//        layer's activation), and the value-preserving Flatten, Reshape (to [batch, features]),
//        Identity, Dropout (inference; mask unused);
// weights from initializers and Constant nodes, float32 or float64. Dimension 0 of the input is the batch
// whatever its declared value (symbolic, unknown or a number). transA=1 is accepted only on the Gemm that
// reads the graph input, which is then feature-major ([features, batch]; input_feature_major = true).
// Every failure throws wafer::Error naming the file and, where there is one, the node. An unsupported op
// is refused before any other work. Models newer than ONNX 1.12's checker are accepted (see
// onnx_model::load). Deterministic; touches nothing but the file.
LayerGraph import_onnx(const std::string& path);

}  // namespace wafer::mapper
