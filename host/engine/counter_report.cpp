#include "host/engine/counter_report.h"

#include <algorithm>

#include "host/model/error.h"

namespace wafer {

uint64_t CounterArrays::idle(uint64_t p) const {
  uint64_t used = 0;
  for (Counter c : kCoreCycleCounters) used += per_pe[c][p];
  if (used > cycles) {
    throw Error("counters of PE(" + std::to_string(p % width) + "," + std::to_string(p / width) + ") add up to " +
                std::to_string(used) + " busy and stalled cycles in a run of " + std::to_string(cycles) + " cycles");
  }
  return cycles - used;
}

CounterArrays read_counters(const Engine& engine, uint32_t width, uint32_t height) {
  CounterArrays a;
  a.width = width, a.height = height, a.cycles = engine.cycle();
  for (uint32_t c = 0; c < kCounterCount; ++c) {
    a.per_pe[c] = engine.counter_per_pe(Counter(c));
    if (a.per_pe[c].size() != uint64_t(width) * height) {
      throw Error("counter " + std::string(counter_name(c)) + ": the engine gave " + std::to_string(a.per_pe[c].size()) +
                  " values for a " + std::to_string(width) + "x" + std::to_string(height) + " grid");
    }
  }
  return a;
}

RegionMap regions_by_kernel(const Image& image) {
  RegionMap m;
  for (const Kernel& k : image.kernels) m.names.push_back(k.name);
  m.of_pe.assign(image.pe_count(), -1);
  for (const Placement& pl : image.placements) {
    for (uint32_t y = pl.rect.y; y < pl.rect.y + pl.rect.h; ++y)
      std::fill_n(m.of_pe.begin() + (uint64_t(y) * image.width + pl.rect.x), pl.rect.w, int32_t(pl.kernel));
  }
  return m;
}

RegionMap regions_from_rects(uint32_t width, uint32_t height, const std::vector<std::pair<std::string, Rect>>& rects) {
  RegionMap m;
  m.of_pe.assign(uint64_t(width) * height, -1);
  for (const auto& [name, r] : rects) {
    const int32_t id = int32_t(m.names.size());
    m.names.push_back(name);
    const uint32_t x1 = std::min<uint64_t>(uint64_t(r.x) + r.w, width), y1 = std::min<uint64_t>(uint64_t(r.y) + r.h, height);
    for (uint32_t y = r.y; y < y1; ++y)
      for (uint32_t x = r.x; x < x1; ++x) m.of_pe[uint64_t(y) * width + x] = id;
  }
  return m;
}

std::vector<RegionCounters> sum_regions(const CounterArrays& a, const RegionMap& regions) {
  const uint64_t n = uint64_t(a.width) * a.height;
  if (regions.of_pe.size() != n) throw Error("region map of " + std::to_string(regions.of_pe.size()) + " PEs for " + std::to_string(n));
  std::vector<RegionCounters> out(regions.names.size() + 1);
  for (size_t i = 0; i < regions.names.size(); ++i) out[i].name = regions.names[i];
  out.back().name = "(other)";
  for (uint64_t p = 0; p < n; ++p) {
    const int32_t r = regions.of_pe[p];
    RegionCounters& rc = out[r < 0 ? out.size() - 1 : size_t(r)];
    ++rc.pes;
    for (uint32_t c = 0; c < kCounterCount; ++c) rc.sums[c] += a.per_pe[c][p];
    rc.idle += a.idle(p);
  }
  if (out.back().pes == 0) out.pop_back();
  return out;
}

std::vector<uint64_t> counter_by_name(const CounterArrays& a, const std::string& name) {
  const uint64_t n = uint64_t(a.width) * a.height;
  if (name == "idle") {
    std::vector<uint64_t> v(n);
    for (uint64_t p = 0; p < n; ++p) v[p] = a.idle(p);
    return v;
  }
  std::string names;
  for (uint32_t c = 0; c < kCounterCount; ++c) {
    if (name == counter_name(c)) return a.per_pe[c];
    names += std::string(names.empty() ? "" : ", ") + counter_name(c);
  }
  throw Error("no counter named '" + name + "' (counters: " + names + ", idle)");
}

std::vector<double> counter_values(const CounterArrays& a, const std::string& name) {
  const std::vector<uint64_t> v = counter_by_name(a, name);
  return std::vector<double>(v.begin(), v.end());
}

}  // namespace wafer
