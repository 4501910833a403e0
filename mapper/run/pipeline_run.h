// Running a mapped pipeline on an engine: the batch streams through, each sample's completion cycle is
// recorded (from the first output lane), and the run is measured: steady-state cycles per sample, per
// layer arithmetic-slot work, where the PEs' cycles went, and the emulator's own speed.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "host/engine/engine.h"
#include "mapper/graph.h"
#include "mapper/plan.h"

namespace wafer::mapper {

struct PipelineRunOptions {
  uint64_t max_cycles = 0;          // 0: a generous bound from the plan's prediction
  uint64_t watchdog_cycles = 50000;  // cycles without progress before a stall report
  // Called as each sample of replica 0 completes, with the cycle count reached (a progress line).
  std::function<void(uint32_t samples_done, uint64_t cycle)> on_sample = nullptr;
  TraceRecorder* trace = nullptr;  // records every run() of the pipeline (RunRequest::trace)
};

struct LayerMeasurement {
  uint64_t slot_per_sample = 0;  // arithmetic-slot uses of the layer's busiest PE, per sample
  uint64_t busy = 0, stall_in = 0, stall_out = 0, stall_other = 0, pe_cycles = 0;  // summed over its PEs
};

struct PipelineRun {
  std::vector<float> outputs;        // batch x M
  uint32_t replicas = 1;
  std::vector<uint64_t> sample_done;  // replica 0: cycle by which its k-th sample's first-lane outputs had all left
  uint64_t cycles = 0;               // cycles until the machine was quiescent
  double interval = 0;               // measured steady-state cycles per sample of one pipeline (0: < 4 timed)
  double seconds = 0;                // wall time of the run (load excluded)
  uint64_t grid_pes = 0, mapped_pes = 0;
  std::vector<LayerMeasurement> layers;  // replica 0's layers
  LayerMeasurement total;            // over the mapped PEs
  double pe_cycles_per_second() const { return seconds > 0 ? double(cycles) * double(grid_pes) / seconds : 0; }
  double samples_per_second() const;  // emulated, all replicas, at kClockHz, from the measured interval
};

// Loads nothing: the engine must hold build_pipeline_image(graph, plan, inputs, batch). Throws
// wafer::Error with the trap or stall report when the run does not complete.
PipelineRun run_pipeline(Engine& engine, const LayerGraph& graph, const Plan& plan, uint32_t batch,
                         const PipelineRunOptions& options = {});

// Steady-state interval from completion cycles: the mean spacing over the second half of the batch (the
// first half includes filling the pipeline), the last sample left out. 0 when fewer than 4 samples.
double steady_interval(const std::vector<uint64_t>& done);

}  // namespace wafer::mapper
