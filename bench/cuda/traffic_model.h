// Bytes of device memory the step kernel touches per PE-cycle, counted by recording the cycle function's
// accesses on the CPU (tests/race: every distinct element a PE-cycle reads or writes, at its size), split by
// the path a PE takes: idle (nothing to do, nothing arriving) or active. Measuring real DRAM traffic needs a
// profiler (docs/cuda-engine.md gives the Nsight Compute command); this is what the code path itself moves,
// an upper bound on DRAM traffic when caches help and the floor when they do not.
#pragma once
#include <cstdint>

#include "host/engine/machine_state.h"
#include "host/image/image.h"

namespace wafer::bench {

// An idle PE reads its flags word (4 B), the four link-metadata words addressed to it (16 B) and its
// next-buffer queue counts (8 B, written back only when stale). RaceCheck.TrafficOfAllRunsAbove checks this
// figure against the recording.
inline constexpr uint64_t kIdlePeBytes = 4 + 4 * 4 + 8;

struct TrafficSample {
  uint64_t first_cycle = 0;  // cycle the recording started at
  uint64_t cycles = 0;       // cycles recorded
  uint64_t active_pe_cycles = 0, idle_pe_cycles = 0;
  double bytes_per_active = 0, bytes_per_idle = 0;
  double active_fraction() const {
    const uint64_t all = active_pe_cycles + idle_pe_cycles;
    return all ? double(active_pe_cycles) / double(all) : 0.0;
  }
  // Mean over the sample's PE-cycles.
  double bytes_per_pe_cycle() const {
    return active_fraction() * bytes_per_active + (1.0 - active_fraction()) * bytes_per_idle;
  }
};

// Records cycles of `image` from `state`, an engine's snapshot after `first_cycle` cycles: at most
// max_cycles, at most pe_cycle_budget PE-cycles in all, at least one; stops at quiescence. Traffic only, no
// race check: a full wafer would not fit that record.
TrafficSample sample_traffic(MachineState state, uint64_t first_cycle, const Image& image, uint64_t max_cycles,
                             uint64_t pe_cycle_budget);

}  // namespace wafer::bench
