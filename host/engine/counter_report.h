// The per-PE counters of a run, read once from an engine and summed per region of the grid: per kernel
// for any image, per layer and replica for a mapped model. Idle cycles are what is left of the run's
// cycles once the core was busy or stalled (state.h: idle is derived), so for every PE
//   busy + stall_fabric_in + stall_fabric_out + stall_slot + stall_thread + idle = cycles.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "host/engine/engine.h"

namespace wafer {

// The counters the core's cycle is split into (the router's and the wavelet counters are not part of it).
inline constexpr std::array<Counter, 5> kCoreCycleCounters = {kCtrBusy, kCtrStallFabricIn, kCtrStallFabricOut,
                                                              kCtrStallSlot, kCtrStallThread};

struct CounterArrays {
  uint32_t width = 0, height = 0;
  uint64_t cycles = 0;                              // cycles since load
  std::array<std::vector<uint64_t>, kCounterCount> per_pe;  // counter c of PE (x, y) at [c][y * width + x]
  // Cycles PE p neither advanced nor stalled. Throws wafer::Error if the core counters exceed the cycles
  // (a broken counter must not hide as a huge unsigned idle count).
  uint64_t idle(uint64_t p) const;
};

CounterArrays read_counters(const Engine& engine, uint32_t width, uint32_t height);

// A labelling of the grid into named regions; of_pe[p] is an index into names, or -1 for no region.
struct RegionMap {
  std::vector<std::string> names;
  std::vector<int32_t> of_pe;
};

// One region per kernel of the image, holding the PEs that run it once the placements are resolved (later
// placements override earlier ones, as at load).
RegionMap regions_by_kernel(const Image& image);
// Named rectangles (a later one overrides an earlier one where they overlap); rectangles off the grid are
// clipped.
RegionMap regions_from_rects(uint32_t width, uint32_t height,
                             const std::vector<std::pair<std::string, Rect>>& rects);

struct RegionCounters {
  std::string name;
  uint64_t pes = 0;
  std::array<uint64_t, kCounterCount> sums{};
  uint64_t idle = 0;
};

// One entry per region (in RegionMap order), then, when any PE is in no region, one named "(other)".
std::vector<RegionCounters> sum_regions(const CounterArrays& counters, const RegionMap& regions);

// The per-PE values of a counter by name (counter_name(), or "idle"), [y * width + x]. Throws wafer::Error
// listing the valid names otherwise. counter_values: the same as doubles, for heatmaps.
std::vector<uint64_t> counter_by_name(const CounterArrays& counters, const std::string& name);
std::vector<double> counter_values(const CounterArrays& counters, const std::string& name);

}  // namespace wafer
