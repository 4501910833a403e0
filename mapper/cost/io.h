// What the grid's edge allows a banded plan (Plan: bands of replicas share the edge ports). Every band's
// replica at position j takes layer 0's x for chain position c through the same north port, and a port
// passes one wavelet per cycle; every band's outputs of lane l leave through the same south port, and the
// last band's links below carry them all. So with B bands each band gets at most one sample per
// B x (the busiest port's wavelets per sample) cycles, however fast its layers are.
#pragma once
#include <cstdint>

#include "mapper/graph.h"
#include "mapper/plan.h"

namespace wafer::mapper {

// Wavelets per sample through the busiest shared port of one replica: max over layer 0's chain positions
// of the x it receives (sparse: the expected non-zero x, from the densities, plus the sentinel), and over
// the last layer's lanes of the outputs it sends (the host takes dense outputs: m).
double io_wavelets_per_sample(const LayerGraph& graph, const Plan& plan);

// Cycles per sample the ports allow `bands` bands: bands x io_wavelets_per_sample, rounded up; 0 for one
// band (a single band's ports are never its bottleneck: every layer spends more than a cycle per wavelet).
uint64_t io_interval(const LayerGraph& graph, const Plan& plan, uint32_t bands);

}  // namespace wafer::mapper
