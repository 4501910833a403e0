// Densities for the cost model (FcLayer::in_density, out_density): measured on a calibration batch, or given.
// The sparse kernel's work per sample follows the number of non-zero x each PE receives, so the cost model
// needs, per layer input j, the fraction of samples in which it is non-zero (a chain position's expected x
// count is the sum over its inputs: inputs differ, e.g. an image's border pixels are always 0).
#pragma once
#include <cstdint>
#include <vector>

#include "mapper/graph.h"

namespace wafer::mapper {

// Sets every layer's in_density (and its prefix sums) and out_density from the batch (float64
// activations, layer_activations).
void measure_densities(LayerGraph& graph, const std::vector<double>& input, uint32_t batch);
// Given instead of measured: every input of layer l non-zero with probability density[l] (one per layer),
// outputs with density[l + 1] (the last layer's outputs: 1).
void set_densities(LayerGraph& graph, const std::vector<double>& density);
// Mean input density of each layer (what a table prints).
std::vector<double> mean_input_density(const LayerGraph& graph);

// Fraction of non-zero values of each layer's input, counted in a batch of activations (fp32 results, e.g.
// the replay's hidden layers): per layer, nonzero / (batch x N).
double nonzero_fraction(const std::vector<float>& values);

}  // namespace wafer::mapper
