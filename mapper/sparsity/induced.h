// Induced sparsity: hidden activations small in magnitude are zeroed on the wafer, where they are produced
// (the threshold epilogue, fc_kernel.h), so the next layer never receives them.
//  - A threshold T (--sparsity-threshold): every hidden layer zeroes |y| < T, per sample, exactly.
//  - A fraction F (--induce-sparsity): per hidden layer a threshold calibrated on a batch, so that of the
//    activations the layer's own activation leaves non-zero (ReLU's zeros are not counted), the fraction F
//    smallest in magnitude, pooled over the batch, fall below it. Exact on the calibration batch (up to
//    ties); on other samples it is a threshold and the fraction varies per sample. Layers are calibrated in
//    order: layer l sees the inputs the earlier layers' thresholds leave. A per-sample top-F on the wafer
//    would need the M outputs of a layer, spread over its lanes, to agree on a rank: not done.
// The network's input and its last layer's outputs are never thresholded.
#pragma once
#include <cstdint>
#include <vector>

#include "mapper/graph.h"

namespace wafer::mapper {

// Every hidden layer zeroes |y| < threshold; throws for a negative or NaN threshold.
void set_sparsity_threshold(LayerGraph& graph, float threshold);

struct InducedSparsity {
  std::vector<float> threshold;   // per layer (0: none)
  std::vector<double> fraction;   // per layer: zeroed by the threshold / non-zero after the activation
};
// Calibrates per-layer thresholds on the batch (float64 activations) and sets them; throws for F outside [0, 1).
InducedSparsity calibrate_induced_sparsity(LayerGraph& graph, double fraction, const std::vector<double>& input,
                                           uint32_t batch);

}  // namespace wafer::mapper
