// What `wafer run` and `wafer infer` share for seeing inside a finished run: a heatmap of one per-PE
// counter (--heatmap FILE.png, --counter NAME) and the counters summed per region (--counters: per kernel,
// or per layer and replica for a mapped model), as a table and as JSON.
#pragma once
#include <cxxopts.hpp>
#include <string>

#include "host/engine/counter_report.h"
#include "host/engine/machine_state.h"
#include "host/engine/trace.h"

namespace wafer::cli {

void add_observe_options(cxxopts::Options& opts);

// After the run: writes the heatmap when asked (title: what ran), and returns the per-region counters
// (always computed when --counters or --json is given; empty otherwise). Throws wafer::Error on an unknown
// counter name or an unwritable file.
struct Observation {
  std::vector<RegionCounters> regions;
  uint64_t cycles = 0;
  bool wanted = false;
};
// The heatmap greys the PEs in no region and calls them `outside` in its legend.
Observation observe_run(const cxxopts::ParseResult& args, const Engine& engine, uint32_t width, uint32_t height,
                        const RegionMap& regions, const std::string& title, const std::string& outside = "no kernel");

// --trace, --trace-out and --trace-limit (wafer run, wafer infer); `rect_forms` says what --trace takes.
void add_trace_options(cxxopts::Options& opts, const std::string& rect_forms);
// Writes a finished trace to --trace-out and says so, with where --trace-limit cut it.
void write_trace(const TraceRecorder& trace, const cxxopts::ParseResult& args, Rect rect, uint64_t cycle);

// "region  PEs  busy  stall_fabric_in ... idle" with each column as a fraction of the region's PE-cycles.
std::string region_table(const Observation& o);

// The PEs with pending work (what a stall report lists) at 1, the others at 0; PEs that run no kernel grey.
void write_waiting_heatmap(const MachineState& state, const std::string& title, const std::string& path);

}  // namespace wafer::cli
