// The cost model: for a layer and a K x C shape (lanes x chain positions), predicted cycles per sample in
// steady state (the layer's initiation interval), the latency of one sample through it, SRAM per PE and
// PEs used. Built from the FC kernel's instruction counts (fc_kernel_counts) and the machine model's
// timing rules; the formulas are written out in docs/mapper.md and checked against measured cycles by
// tests/mapper/cost_model_test.cpp.
#pragma once
#include <cstdint>

#include "mapper/graph.h"

namespace wafer::mapper {

struct LayerShape {
  uint32_t lanes = 1;  // K: the M outputs split over K lanes
  uint32_t chain = 1;  // C: the N inputs split over C chain positions
  uint64_t pes() const { return uint64_t(lanes) * chain; }
};

struct LayerCost {
  uint32_t m_max = 0, n_max = 0;  // the largest block (rows x columns of W per PE)
  uint64_t interval = 0;          // predicted cycles per sample in steady state (the busiest PE)
  uint64_t latency = 0;           // the layer alone (predict_layer); in a plan, from its first x to its last output (latency.h)
  uint64_t slot_work = 0;         // arithmetic-slot uses per sample of the busiest PE (the interval without bubbles)
  uint32_t data_words = 0;        // SRAM data words per PE (largest block)
  uint32_t code_words = 0;        // SRAM words the largest of the layer's kernels occupies
  uint64_t pes = 0;
  bool fits_sram() const;
};

// What a PE's work per sample depends on beyond its block and role: the kernel's protocol and its traffic.
struct PeTraffic {
  bool sparse_in = false;  // the sparse kernel: only non-zero x arrive, then the sentinel
  bool sentinel = false;   // the reduction carries the sentinel (m + 1 elements)
  bool threshold = false;  // the epilogue is the threshold one (a data task per element)
  double x_count = -1;     // sparse: expected x arriving per sample (< 0: all n)
  double kept = 0;         // threshold epilogue: expected outputs it sends per sample (of m)
};

// Work of one PE per sample in the steady state where its x queue never runs dry (the pipeline's
// bottleneck): arithmetic-slot uses (every instruction and every arithmetic element) plus the cycles in
// which the core waits for its own pending reduction to complete.
double fc_pe_interval(uint32_t m, uint32_t n, uint32_t c, uint32_t chain_length, Activation act,
                      const PeTraffic& traffic = {});

// Layer `layer` of the graph on a K x C shape: the graph says its protocol (sparse or dense kernel, whether
// its outputs carry the sentinel), induced sparsity and expected densities (FcLayer::in_density, out_density).
LayerCost predict_layer(const LayerGraph& graph, uint32_t layer, const LayerShape& shape);

}  // namespace wafer::mapper
