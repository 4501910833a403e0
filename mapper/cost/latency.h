// Latency of one sample through the placed pipeline (alone: no other sample competes for the cores),
// from the first input wavelet entering the grid to the last output reaching its host stream. Unlike a
// sum of per-layer figures it follows each lane and chain position: lane l of a layer sees its x l hops
// after lane 0; chain position c's partial sums can pass on once its own x are done and its
// predecessor's first sum has arrived (2 cycles per hop through a core); the next layer's chain position
// l starts when this layer's lane l sends; the last layer's outputs then cross the grid to its edge at
// one hop per cycle. So a layer's broadcast overlaps the next layer's chain, as on the machine.
#pragma once
#include <cstdint>

#include "mapper/graph.h"
#include "mapper/plan.h"

namespace wafer::mapper {

// Fills plan.latency and each layer's cost.latency (cycles from the layer's first x to its last output).
void predict_latency(const LayerGraph& graph, Plan& plan);

}  // namespace wafer::mapper
