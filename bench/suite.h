// `wafer bench`: the emulator's benchmark suite. Runs workloads of the catalog (bench/workloads.h) on each
// engine present, with the CPU engine on 1 thread as the baseline of the same run, checks that every
// engine ends each workload in the same state (cycles and state hash), and reports PE-cycles per second
// (cycles x every PE of the grid, idle ones included, over the wall time of the runs; loading excluded),
// wavelets per second (wavelets put on links: the wavelets_out counter summed over the grid, each hop of a
// route counted) and, for a mapped model, samples per second of emulation (wall time, not the emulated
// machine's 850 MHz).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace wafer::bench {

struct SuiteOptions {
  bool quick = false;                // a smoke run: few cycles per workload
  std::vector<std::string> only;     // workload names; empty = all
  std::vector<std::string> engines;  // "cpu" (1 thread and `threads`), "cuda"; empty = every one present
  unsigned threads = 0;              // the CPU engine's second run; 0 = hardware threads
};

struct EngineRun {
  std::string engine;  // "cpu" or "cuda"
  unsigned threads = 0;  // CPU engine only
  double seconds = 0;
  double pe_cycles_per_second = 0;
  double wavelets_per_second = 0;
  double samples_per_second = 0;  // mapped models only
  double speedup = 0;  // against the CPU engine on 1 thread
};

struct WorkloadResult {
  std::string name, note;
  uint64_t pes = 0, cycles = 0;
  uint64_t wavelets = 0;  // wavelets put on links during the run (the same on every engine)
  uint32_t samples = 0;   // a mapped model's samples when the run did them all (not --quick), else 0
  std::vector<EngineRun> runs;  // the baseline first
};

struct SuiteResult {
  std::vector<WorkloadResult> workloads;
  std::vector<std::string> notes;  // e.g. why an engine did not run
};

// Throws wafer::Error when a workload traps or stalls, an engine is unknown, or two runs of a workload end
// in different states. `progress` gets a line as each run starts (may be empty).
SuiteResult run_suite(const SuiteOptions& options, const std::function<void(const std::string&)>& progress = {});

std::string suite_table(const SuiteResult& r);
std::string suite_json(const SuiteResult& r);  // pretty-printed
// PE-cycles per second against PEs, log-log, one colour per engine (and CPU thread count).
void write_suite_plot(const SuiteResult& r, const std::string& png_path);

}  // namespace wafer::bench
