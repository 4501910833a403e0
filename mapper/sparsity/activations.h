// The network's activations in float64, layer by layer, with the rules the wafer applies (ReLU, and induced
// sparsity: |y| < FcLayer::zero_below becomes 0). What the density measurement and the threshold calibration
// look at; the wafer's own activations are the fp32 replay's (check/ordered_fp32.h), which agree on which
// values are zero except for a value within rounding of 0 or of a threshold.
#pragma once
#include <cstdint>
#include <vector>

#include "mapper/graph.h"
#include "mapper/plan.h"

namespace wafer::mapper {

// The rule of one layer on its float64 sum: the activation, then induced sparsity.
double apply_layer_rule(const FcLayer& layer, double sum);

// acts[0] = the input (batch x N), acts[l + 1] = layer l's outputs (batch x M_l).
std::vector<std::vector<double>> layer_activations(const LayerGraph& graph, const std::vector<double>& input,
                                                   uint32_t batch);

// The same, as the wafer computes them on a plan: the input rounded to fp32 and every layer's outputs from the
// fp32 replay in the kernel's order (check/ordered_fp32.h), bit for bit the wafer's. Which values are zero is
// what the coupling model (cost/coupling.h) needs per sample; the float64 activations differ there by the
// values within rounding of a threshold, one x here and there, which shifts a position's work by m + 8.
std::vector<std::vector<double>> wafer_activations(const LayerGraph& graph, const Plan& plan,
                                                   const std::vector<double>& input, uint32_t batch);

}  // namespace wafer::mapper
