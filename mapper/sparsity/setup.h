// What `wafer infer` does about sparsity before it maps: the kernel (sparse by default), induced sparsity
// (a threshold, or a fraction calibrated into per-layer thresholds), and the densities the cost model plans
// with, measured on the batch; and the per-layer report after the run.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "mapper/check/ordered_fp32.h"
#include "mapper/cost/coupling.h"
#include "mapper/graph.h"
#include "mapper/plan.h"
#include "mapper/sparsity/induced.h"

namespace wafer::mapper {

struct SparsityOptions {
  bool dense_kernel = false;
  double fraction = -1;  // --induce-sparsity
  float threshold = -1;  // --sparsity-threshold
  bool fraction_given = false, threshold_given = false;
};

struct SparsitySetup {
  SparsityOptions options;
  InducedSparsity calibration;  // with a fraction
};

// Sets g.dense_kernel, the thresholds and the densities (measured on the batch); throws wafer::Error for a
// fraction outside [0, 1), a negative threshold, both given, or induced sparsity with the dense kernel.
SparsitySetup setup_sparsity(LayerGraph& g, const std::vector<double>& input, uint32_t batch,
                             const SparsityOptions& options);
std::string describe_sparsity(const LayerGraph& g, const SparsitySetup& s);
// Per layer: input density and the fraction induced sparsity zeroed, from the replay's hidden outputs.
std::string describe_measured_sparsity(const LayerGraph& g, const ReplayDetail& detail);

// The plan re-scored with the coupling model (cost/coupling.h) over the batch as a run deals it: replica 0's
// samples (s = 0, R, 2R, ...), with the wafer's own zeros (the fp32 replay). When the model applies (sparse
// kernel, at least 4 samples for replica 0) plan.interval becomes the modelled interval, rounded; `expected`
// keeps the expected-work model's.
struct CoupledPlan {
  CoupledPrediction prediction;
  uint64_t expected = 0;  // plan.interval before
  bool applied = false;
};
CoupledPlan couple_plan(const LayerGraph& g, Plan& plan, const std::vector<double>& input, uint32_t batch);
std::string describe_coupled(const CoupledPlan& c);

}  // namespace wafer::mapper
