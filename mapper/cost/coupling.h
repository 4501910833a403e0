// The coupling model: a pipeline's interval when samples differ.
//
// The cost model (cost_model.h) predicts a layer's interval as its busiest PE's *expected* work per sample,
// and the pipeline's as the slowest layer's. With the sparse kernel a chain position's work is the number
// of non-zero x it receives, which differs from sample to sample; in a pipeline whose layers all sit at
// about the same interval (what the search builds) the slow samples of one position hold up what comes
// after it, and the completions come further apart than the largest expected work says (34 layers, 16
// samples: 366 cycles measured against 324 predicted).
//
// This model follows the batch's own samples through the placed pipeline instead: per chain position
// (lane 0, the lane with the most rows) and per sample, the work of that sample (fc_pe_interval with the
// sample's actual non-zero x count), in a max-plus recurrence (every event time is a max of earlier event
// times plus durations) that mirrors the kernel's protocol and the fabric's queues. The recurrence and the
// reason for each of its terms are in coupling.cpp; docs/mapper.md ("Where it errs") has the figures
// against measurement.
//
// It costs O(wavelets in the batch) and needs per-sample activations, so the search keeps the expected-work
// model in its inner loop; the chosen plan is re-scored with this one (sparsity/setup.h: couple_plan).
#pragma once
#include <cstdint>
#include <vector>

#include "mapper/graph.h"
#include "mapper/plan.h"

namespace wafer::mapper {

// One physical chain position of a layer (its lane 0) as the recurrence sees it.
struct CouplingStage {
  bool epilogue = false;
  // A position with a block of W (a data task): per sample, the x that arrive (the non-zero ones), then
  // the sentinel. Each x costs per_x slot cycles. The sentinel (FcKernelCounts) issues the reduction at
  // once (sentinel_issue instructions; the completion task of the previous reduction, done_task, has run
  // in an idle moment) or waits for that reduction (sentinel_wait), whose completion task then issues
  // (done_issue). The reduction's arithmetic elements (vfadd, a single position's vfmax) take `reduce`
  // slot cycles while it passes.
  std::vector<uint32_t> x;
  double per_x = 0, reduce = 0;
  double sentinel_issue = 0, sentinel_wait = 0, done_task = 0, done_issue = 0;
  // An epilogue: per sample its work (fc_pe_interval: plain m + s + its task, threshold 2-3 per element), of
  // which `lead` before its elements can pass (the plain epilogue's task re-issuing it; 0 for the threshold one).
  std::vector<double> work;
  double lead = 0;
};

struct CouplingLayer {
  std::vector<CouplingStage> stages;  // chain positions in order; the last one sends the layer's outputs
  uint32_t length = 1;                // elements of one reduction: m, + 1 for the sentinel
};

// The fabric's slack, in wavelets, from the machine model (host/model/constants.h: queues of kQueueDepth
// per color in every router and every core input), and the latency of a hop through a core.
struct CouplingSlack {
  uint32_t into_core;   // sender's router queue + receiver's router queue + receiver's core queue: 3 x depth
  uint32_t from_host;   // a host stream into lane 0: router queue + core queue: 2 x depth
  uint32_t along_chain; // partial sums, position to position: 3 x depth
  uint32_t per_lane;    // how far lane l's x may lag lane l-1's (a router queue and a core queue): 2 x depth
  double hop;           // a wavelet passing through a core (received and sent on by a vector op): 2 cycles
  static CouplingSlack machine();
};

// Modelled completion cycle of each sample at the last layer's chain end (up to a constant offset).
std::vector<double> couple_network(const std::vector<CouplingLayer>& layers, uint32_t samples,
                                   const CouplingSlack& slack = CouplingSlack::machine());

struct CoupledPrediction {
  bool modelled = false;     // false: the dense kernel (a sample's work does not depend on its values)
  uint32_t timed = 0;        // replica 0's samples followed (sample s goes to replica s mod R)
  std::vector<double> done;  // their modelled completion cycles, in order (up to a constant offset)
  double interval = 0;       // steady_spacing(done): 0 with fewer than 4 samples
};

// acts: acts[0] the batch's inputs (batch x N_0), acts[l + 1] layer l's outputs (batch x M_l), as the wafer
// computes them (sparsity/activations.h: wafer_activations; only which values are zero matters). The graph
// gives the protocol (sparse or dense kernel, thresholds), the plan the shapes and the replicas.
CoupledPrediction predict_coupled(const LayerGraph& graph, const Plan& plan,
                                  const std::vector<std::vector<double>>& acts, uint32_t batch);

// The rule run/pipeline_run.h's steady_interval applies to measured completions, on modelled ones: the mean
// spacing over the second half, the last sample left out; 0 with fewer than 4.
double steady_spacing(const std::vector<double>& done);

}  // namespace wafer::mapper
