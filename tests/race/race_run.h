// The race checker's driver: runs an image cycle by cycle through host/model/cycle.h instantiated with the
// recording view, every PE and stream thread every cycle (as the GPU does), and reports every element one
// thread wrote and another read or wrote within a cycle. Also the distinct bytes each PE-cycle touched,
// split by the path the PE took (idle, active, trapped): bench/cuda's traffic figures.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "host/engine/machine_state.h"
#include "host/image/image.h"
#include "host/model/run_control.h"
#include "tests/race/recording_view.h"

namespace wafer::race {

struct RaceRunOptions {
  uint64_t max_cycles = 2000;
  bool until_quiescent = true;
  uint64_t watchdog_cycles = 2000;
  bool check_races = true;  // false: traffic figures only (AccessLog's traffic mode), for large grids
  // Start from this state (an engine's snapshot after `first_cycle` cycles) instead of the loaded image.
  // Moved from: a full wafer's state is gigabytes.
  MachineState* start = nullptr;
  uint64_t first_cycle = 0;
  // Test hook: called as thread p right after PE p's step in cycle t, to inject an access the cycle function
  // does not make (the checker must see it).
  std::function<void(const RecordingView&, uint32_t p, uint64_t t)> after_pe = nullptr;
};

// Distinct bytes read + written per PE-cycle, by the path the PE took.
struct Traffic {
  uint64_t idle_pe_cycles = 0, idle_bytes = 0;
  uint64_t active_pe_cycles = 0, active_bytes = 0;
  uint64_t trapped_pe_cycles = 0, trapped_bytes = 0;
  uint64_t idle_min = UINT64_MAX, idle_max = 0;  // bytes of the cheapest and dearest idle PE-cycle
  void add(const Traffic& o);
  double per_idle() const { return idle_pe_cycles ? double(idle_bytes) / double(idle_pe_cycles) : 0.0; }
  double per_active() const { return active_pe_cycles ? double(active_bytes) / double(active_pe_cycles) : 0.0; }
};

struct RaceRunResult {
  uint64_t cycles = 0;
  RunProgress progress;
  uint64_t races = 0;
  std::vector<std::string> first_races;
  Traffic traffic;
  MachineState state;  // after the run: equal to the CPU engine's after as many cycles
};

RaceRunResult run_recorded(const Image& image, const RaceRunOptions& options);

}  // namespace wafer::race
