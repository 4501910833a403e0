// The float64 reference for a LayerGraph: what the wafer's output is checked against when the model has
// no ONNX file to evaluate (JSON layer lists). For an ONNX model, import/onnx_reference.h evaluates the
// file itself instead, independently of the import.
#pragma once
#include <cstdint>
#include <vector>

#include "mapper/graph.h"

namespace wafer::mapper {

// `input` holds `batch` samples of g.input_size() values each, sample-major (row-major [batch, N]) even
// when g.input_feature_major (the caller transposes). Returns [batch, M] row-major: per layer
// y_i = act(sum_j W_ij x_j + b_i) (0 where |y_i| < the layer's zero_below), the sum in float64 in index order j = 0..N-1, then + b_i. Validates
// the graph and the input size (wafer::Error). Pure.
std::vector<double> evaluate_layer_graph(const LayerGraph& g, const std::vector<double>& input,
                                         uint64_t batch);

}  // namespace wafer::mapper
