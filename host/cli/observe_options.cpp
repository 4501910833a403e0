#include "host/cli/observe_options.h"

#include <algorithm>
#include <cstdio>

#include "host/picture/heatmap.h"

namespace wafer::cli {

void add_observe_options(cxxopts::Options& opts) {
  opts.add_options("observe")("heatmap", "write a heatmap of a per-PE counter to this PNG file",
                              cxxopts::value<std::string>())(
      "counter", "the heatmap's counter: busy, stall_fabric_in, stall_fabric_out, stall_slot, stall_thread, "
                 "router_blocked, wavelets_in, wavelets_out, arith, wavelets_in_north (east, south, west), "
                 "wavelets_out_north (east, south, west), idle",
      cxxopts::value<std::string>()->default_value("busy"))(
      "counters", "print the counters per region (kernel, or layer and replica)");
}

void add_trace_options(cxxopts::Options& opts, const std::string& rect_forms) {
  opts.add_options("observe")(
      "trace", rect_forms + ": record what the PEs of this rectangle do, cycle by cycle (either engine)",
      cxxopts::value<std::string>())(
      "trace-out", "where --trace writes (Chrome trace event JSON: ui.perfetto.dev, chrome://tracing)",
      cxxopts::value<std::string>()->default_value("trace.json"))(
      "trace-limit", "events --trace records at most", cxxopts::value<uint64_t>()->default_value("1000000"));
}

void write_trace(const TraceRecorder& trace, const cxxopts::ParseResult& args, Rect rect, uint64_t cycle) {
  const std::string path = args["trace-out"].as<std::string>();
  trace.write(path, cycle);
  std::printf("trace: %llu event(s) of PEs (%u,%u) %ux%u written to %s%s\n", (unsigned long long)trace.events(), rect.x,
              rect.y, rect.w, rect.h, path.c_str(),
              trace.cut() ? (" (cut at cycle " + std::to_string(trace.cut_cycle()) + " by --trace-limit)").c_str() : "");
}

Observation observe_run(const cxxopts::ParseResult& args, const Engine& engine, uint32_t width, uint32_t height,
                        const RegionMap& regions, const std::string& title, const std::string& outside) {
  Observation o;
  const bool heatmap = args.count("heatmap") > 0;
  o.wanted = args.count("counters") > 0 || args.count("json") > 0;
  if (!heatmap && !o.wanted) return o;
  const CounterArrays counters = read_counters(engine, width, height);
  o.cycles = counters.cycles;
  if (heatmap) {
    const std::string name = args["counter"].as<std::string>();
    HeatmapInput in;
    in.width = width, in.height = height;
    in.values = counter_values(counters, name);
    in.present.resize(regions.of_pe.size());
    for (size_t p = 0; p < regions.of_pe.size(); ++p) in.present[p] = regions.of_pe[p] >= 0;
    in.title = title + ", " + std::to_string(counters.cycles) + " cycles";
    in.quantity = name + " (cycles or wavelets per PE)";
    in.absent_label = outside;
    write_heatmap_png(in, args["heatmap"].as<std::string>());
  }
  if (o.wanted) o.regions = sum_regions(counters, regions);
  return o;
}

void write_waiting_heatmap(const MachineState& state, const std::string& title, const std::string& path) {
  HeatmapInput in;
  in.width = state.width, in.height = state.height;
  in.values.resize(state.n);
  in.present.resize(state.n);
  uint64_t waiting = 0;
  for (uint64_t p = 0; p < state.n; ++p) {
    in.values[p] = (state.flags[p] & kFlagHasWork) ? 1.0 : 0.0;
    in.present[p] = state.kernel[p] != kNoKernel || in.values[p] > 0;
    waiting += in.values[p] > 0;
  }
  in.title = title + ": " + std::to_string(waiting) + " PE(s) with pending work";
  in.quantity = "pending work (1) or none (0)";
  in.range_lo = 0, in.range_hi = 1;
  write_heatmap_png(in, path);
}

std::string region_table(const Observation& o) {
  std::string s;
  char line[1024];
  int width = 6;  // the longest region name, so that kernel instances with parameters stay whole
  for (const auto& r : o.regions) width = std::max(width, int(std::min<size_t>(r.name.size(), 200)));
  std::snprintf(line, sizeof line, "%-*s %8s %7s %9s %9s %7s %8s %7s %12s %12s\n", width, "region", "PEs", "busy", "stall_in",
                "stall_out", "slot", "thread", "idle", "wavelets_in", "wavelets_out");
  s += line;
  for (const auto& r : o.regions) {
    const double pc = double(r.pes) * double(o.cycles);
    auto f = [&](uint64_t v) { return pc > 0 ? 100.0 * double(v) / pc : 0.0; };
    std::snprintf(line, sizeof line, "%-*.*s %8llu %6.1f%% %8.1f%% %8.1f%% %6.1f%% %7.1f%% %6.1f%% %12llu %12llu\n",
                  width, width, r.name.c_str(), (unsigned long long)r.pes, f(r.sums[kCtrBusy]), f(r.sums[kCtrStallFabricIn]),
                  f(r.sums[kCtrStallFabricOut]), f(r.sums[kCtrStallSlot]), f(r.sums[kCtrStallThread]), f(r.idle),
                  (unsigned long long)r.sums[kCtrWaveletsIn], (unsigned long long)r.sums[kCtrWaveletsOut]);
    s += line;
  }
  return s;
}

}  // namespace wafer::cli
