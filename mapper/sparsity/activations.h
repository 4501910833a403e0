// The network's activations in float64, layer by layer, with the rules the wafer applies (ReLU, and induced
// sparsity: |y| < FcLayer::zero_below becomes 0). What the density measurement and the threshold calibration
// look at; the wafer's own activations are the fp32 replay's (check/ordered_fp32.h), which agree on which
// values are zero except for a value within rounding of 0 or of a threshold.
#pragma once
#include <cstdint>
#include <vector>

#include "mapper/graph.h"

namespace wafer::mapper {

// The rule of one layer on its float64 sum: the activation, then induced sparsity.
double apply_layer_rule(const FcLayer& layer, double sum);

// acts[0] = the input (batch x N), acts[l + 1] = layer l's outputs (batch x M_l).
std::vector<std::vector<double>> layer_activations(const LayerGraph& graph, const std::vector<double>& input,
                                                   uint32_t batch);

}  // namespace wafer::mapper
