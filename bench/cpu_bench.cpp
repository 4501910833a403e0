// CPU engine throughput: PE-cycles per second on the standard workloads, 1 thread vs all threads, as a
// table and as JSON. Every run drives the same image the same way (bench::run_workload: one run() call, or
// one per output sample) to the same cycle; the 1-thread run is the baseline of the same run. Also checks
// that both thread counts end in the same state.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cxxopts.hpp>
#include <fstream>
#include <thread>

#include "bench/workloads.h"
#include "host/cli/json.h"
#include "host/engine/engine.h"
#include "host/model/error.h"

using namespace wafer;

namespace {

struct Timing {
  double seconds;
  uint64_t cycles;
  uint64_t hash;
};

Timing time_run(const bench::Workload& w, unsigned threads) {
  auto e = make_engine("cpu", {.threads = threads});
  e->load(w.image);
  const auto t0 = std::chrono::steady_clock::now();
  bench::run_workload(*e, w, w.max_cycles);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {s, e->cycle(), e->state_hash()};
}

}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options opts("wafer_bench_cpu", "CPU engine PE-cycles per second");
  opts.add_options()("quick", "few cycles: a smoke run")("json", "also write JSON to this file",
                                                         cxxopts::value<std::string>())(
      "threads", "the 'all threads' count (0 = hardware threads)",
      cxxopts::value<unsigned>()->default_value("0"))(
      "workload", "run only the workloads with this name (repeatable)",
      cxxopts::value<std::vector<std::string>>())("h,help", "show help");
  const auto args = opts.parse(argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", opts.help().c_str());
    return 0;
  }
  unsigned all = args["threads"].as<unsigned>();
  if (all == 0) all = std::max(1u, std::thread::hardware_concurrency());
  try {
    JsonWriter j;
    j.begin_object()
        .field("benchmark", "cpu_engine")
        .field("hardware_threads", std::thread::hardware_concurrency());
    j.key("results").begin_array();
    const std::vector<bench::Workload> workloads = bench::standard_workloads(args.count("quick") > 0);
    std::vector<std::string> only;
    if (args.count("workload")) only = args["workload"].as<std::vector<std::string>>();
    for (const auto& name : only) {
      std::string names;
      for (const auto& w : workloads) names += (names.empty() ? "" : ", ") + w.name;
      if (std::none_of(workloads.begin(), workloads.end(), [&](const auto& w) { return w.name == name; }))
        throw Error("--workload " + name + ": no such workload (" + names + ")");
    }
    std::printf("%-21s %9s %7s %8s %10s %14s %8s  %s\n", "workload", "PEs", "cycles", "threads", "seconds",
                "PE-cycles/s", "speedup", "note");
    for (const auto& w : workloads) {
      if (!only.empty() && std::find(only.begin(), only.end(), w.name) == only.end()) continue;
      const Timing one = time_run(w, 1);
      const Timing many = all > 1 ? time_run(w, all) : one;
      if (one.hash != many.hash || one.cycles != many.cycles) {
        throw Error(w.name + ": 1-thread and " + std::to_string(all) + "-thread runs differ");
      }
      const uint64_t pe_cycles = uint64_t(w.image.pe_count()) * one.cycles;
      for (auto [threads, t] : {std::pair{1u, one}, std::pair{all, many}}) {
        const double rate = double(pe_cycles) / t.seconds;
        std::printf("%-21s %9u %7llu %8u %10.3f %14.4g %8.2f  %s\n", w.name.c_str(), w.image.pe_count(),
                    (unsigned long long)one.cycles, threads, t.seconds, rate, one.seconds / t.seconds,
                    w.note.c_str());
        j.begin_object()
            .field("workload", w.name)
            .field("pes", w.image.pe_count())
            .field("cycles", one.cycles);
        j.field("threads", threads).field("seconds", t.seconds).field("pe_cycles_per_second", rate);
        j.field("speedup_vs_1_thread", one.seconds / t.seconds).field("note", w.note).end_object();
        if (all == 1) break;
      }
    }
    j.end_array().end_object();
    std::printf("%s\n", j.str().c_str());
    if (args.count("json")) std::ofstream(args["json"].as<std::string>()) << j.str() << "\n";
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wafer_bench_cpu: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
