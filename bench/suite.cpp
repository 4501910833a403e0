#include "bench/suite.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "bench/workloads.h"
#include "host/engine/engine.h"
#include "host/model/error.h"
#include "host/picture/plot.h"

namespace wafer::bench {

namespace {

struct Timed {
  double seconds = 0;
  uint64_t cycles = 0, hash = 0, wavelets = 0;
  bool finished = false;  // ran to quiescence (a --quick run stops at its cycle cap first)
};

Timed time_run(const Workload& w, const std::string& engine, unsigned threads) {
  auto e = make_engine(engine, {.threads = threads});
  if (engine == "cuda") {  // warm-up: the first run pays for module loading and graph capture
    e->load(w.image);
    run_workload(*e, w, w.max_cycles);
  }
  e->load(w.image);
  const auto t0 = std::chrono::steady_clock::now();
  const RunResult r = run_workload(*e, w, w.max_cycles);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {s, e->cycle(), e->state_hash(), e->counter_totals()[kCtrWaveletsOut], r.reason == StopReason::kQuiescent};
}

std::string run_label(const EngineRun& r) {
  return r.engine == "cpu" ? "cpu " + std::to_string(r.threads) + (r.threads == 1 ? " thread" : " threads") : r.engine;
}

}  // namespace

SuiteResult run_suite(const SuiteOptions& o, const std::function<void(const std::string&)>& progress) {
  SuiteResult result;
  std::vector<std::string> engines = o.engines;
  if (engines.empty()) {
    engines.push_back("cpu");
    if (cuda_engine_built() && gpu_status().present) {
      engines.push_back("cuda");
    } else {
      result.notes.push_back("cuda: not run (" + std::string(cuda_engine_built() ? gpu_status().summary : "not built") + ")");
    }
  }
  for (const auto& e : engines) {
    if (e != "cpu" && e != "cuda") throw Error("--engine " + e + ": no such engine (cpu, cuda)");
    if (e == "cuda" && !(cuda_engine_built() && gpu_status().present))
      throw Error("--engine cuda: " + std::string(cuda_engine_built() ? gpu_status().summary : "the CUDA engine is not built"));
  }
  unsigned all = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  for (const WorkloadSpec& spec : select_workloads(o.quick, o.only)) {
    if (progress) progress("building " + spec.name);
    const Workload w = spec.build();
    WorkloadResult wr{w.name, w.note, w.image.pe_count(), 0, 0, 0, {}};
    std::vector<std::pair<std::string, unsigned>> runs = {{"cpu", 1}};
    for (const auto& e : engines) {
      if (e == "cpu" && all > 1) runs.push_back({"cpu", all});
      if (e == "cuda") runs.push_back({"cuda", 0});
    }
    Timed base;
    for (size_t i = 0; i < runs.size(); ++i) {
      const auto& [engine, threads] = runs[i];
      if (progress) progress(w.name + " on " + engine + (engine == "cpu" ? " (" + std::to_string(threads) + " threads)" : ""));
      const Timed t = time_run(w, engine, threads);
      if (i == 0) {
        base = t;
        wr.cycles = t.cycles;
        wr.wavelets = t.wavelets;
        wr.samples = t.finished ? w.samples : 0;  // samples per second only of a run that did them all
      } else if (t.cycles != base.cycles || t.hash != base.hash || t.wavelets != base.wavelets) {
        throw Error(w.name + ": " + engine + " ended at cycle " + std::to_string(t.cycles) + " with state hash " +
                    std::to_string(t.hash) + ", the baseline at cycle " + std::to_string(base.cycles) + " with " +
                    std::to_string(base.hash));
      }
      const double pe_cycles = double(wr.pes) * double(t.cycles);
      wr.runs.push_back({engine, threads, t.seconds, pe_cycles / t.seconds, double(t.wavelets) / t.seconds,
                         double(wr.samples) / t.seconds, base.seconds / t.seconds});
    }
    result.workloads.push_back(std::move(wr));
  }
  return result;
}

std::string suite_table(const SuiteResult& r) {
  std::string s;
  char line[512];
  std::snprintf(line, sizeof line, "%-26s %9s %8s %-12s %9s %13s %11s %10s %8s  %s\n", "workload", "PEs", "cycles",
                "engine", "seconds", "PE-cycles/s", "wavelets/s", "samples/s", "speedup", "note");
  s += line;
  for (const auto& w : r.workloads) {
    for (const auto& run : w.runs) {
      char samples[32] = "-";
      if (w.samples) std::snprintf(samples, sizeof samples, "%.4g", run.samples_per_second);
      std::snprintf(line, sizeof line, "%-26s %9llu %8llu %-12s %9.3f %13.4g %11.4g %10s %8.2f  %s\n", w.name.c_str(),
                    (unsigned long long)w.pes, (unsigned long long)w.cycles, run_label(run).c_str(), run.seconds,
                    run.pe_cycles_per_second, run.wavelets_per_second, samples, run.speedup,
                    &run == &w.runs.front() ? w.note.c_str() : "");
      s += line;
    }
  }
  for (const auto& n : r.notes) s += n + "\n";
  return s;
}

std::string suite_json(const SuiteResult& r) {
  nlohmann::json j;
  j["benchmark"] = "wafer bench";
  j["hardware_threads"] = std::thread::hardware_concurrency();
  j["notes"] = r.notes;
  j["results"] = nlohmann::json::array();
  for (const auto& w : r.workloads) {
    for (const auto& run : w.runs) {
      j["results"].push_back({{"workload", w.name}, {"pes", w.pes}, {"cycles", w.cycles}, {"engine", run.engine},
                              {"threads", run.threads}, {"seconds", run.seconds},
                              {"pe_cycles_per_second", run.pe_cycles_per_second},
                              {"wavelets", w.wavelets}, {"wavelets_per_second", run.wavelets_per_second},
                              {"samples", w.samples},
                              {"samples_per_second", w.samples ? nlohmann::json(run.samples_per_second) : nlohmann::json(nullptr)},
                              {"speedup_vs_cpu_1_thread", run.speedup}, {"note", w.note}});
    }
  }
  return j.dump(2);
}

void write_suite_plot(const SuiteResult& r, const std::string& png_path) {
  static constexpr Rgb kColours[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44}, {214, 39, 40}};
  std::map<std::string, size_t> series_of;
  PlotInput p{"wafer bench: PE-cycles per second against PEs", "PEs of the grid", "PE-cycles per second", {}};
  for (const auto& w : r.workloads) {
    for (const auto& run : w.runs) {
      const std::string label = run_label(run);
      auto [it, fresh] = series_of.emplace(label, p.series.size());
      if (fresh) p.series.push_back({label, kColours[p.series.size() % 4], {}});
      p.series[it->second].points.push_back({double(w.pes), run.pe_cycles_per_second});
    }
  }
  write_log_plot_png(p, png_path);
}

}  // namespace wafer::bench
