// Shared by the mapper tests: random layer graphs with fp32-exact values, a plain float64 forward pass
// (independent of the mapper; it applies FcLayer::zero_below), and map -> build -> run -> check in one call.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "host/engine/engine.h"
#include "mapper/check/tolerance.h"
#include "mapper/graph.h"
#include "mapper/plan.h"
#include "mapper/run/pipeline_run.h"

namespace wafer::mapper::testing {

// Layer sizes {N0, M0, M1, ...}; every layer but the last gets `act`. Weights uniform in
// [-1/sqrt(N), 1/sqrt(N)), fp32-exact; bias in [-0.5, 0.5).
LayerGraph random_graph(const std::vector<uint32_t>& sizes, Activation act, uint64_t seed);
std::vector<double> random_inputs(uint32_t batch, uint32_t n, uint64_t seed);  // [0, 1), fp32-exact
std::vector<double> forward64(const LayerGraph& g, const std::vector<double>& input, uint32_t batch);

struct MappedRun {
  Plan plan;
  PipelineRun run;
  CheckResult check;
  std::vector<double> reference;
  std::vector<uint64_t> totals;        // the engine's counters summed over the grid (index: Counter)
  std::vector<uint64_t> wavelets_out;  // per PE (y * width + x)
};
// Maps with the given block side (0: the rule's choice) on a W x H grid, runs on `engine`, checks.
MappedRun map_run_check(const LayerGraph& g, uint32_t width, uint32_t height, uint32_t block,
                        const std::vector<double>& input, uint32_t batch, const std::string& engine = "cpu");

}  // namespace wafer::mapper::testing
