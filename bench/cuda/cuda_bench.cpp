// CUDA engine throughput against the CPU engine, on the same workloads in one run: PE-cycles per second of
// each, their ratio, whether both ended in the same state, bytes per active and idle PE-cycle counted by
// recording the first cycles' accesses on the CPU (traffic_model.h) and the bandwidth that implies against
// a device-to-device copy measured in the same run. Only run() is timed: loading, graph capture (done at
// load, CudaLaunchConfig::graph_at_load) and the first launches (a warm-up run) are not. Prints a table and
// JSON (bench/results/ keeps them with the device, the commit and the command). --traffic-only prints the
// traffic columns without a GPU.
#include <chrono>
#include <cstdio>
#include <cxxopts.hpp>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "bench/cuda/copy_bandwidth.h"
#include "bench/cuda/traffic_model.h"
#include "bench/workloads.h"
#include "cuda/cuda_engine.h"
#include "host/cli/json_text.h"
#include "host/engine/engine.h"
#include "host/model/error.h"

using namespace wafer;

namespace {

struct Timing {
  double seconds = 0;
  uint64_t cycles = 0;
  uint64_t hash = 0;
  std::string stop;
  bool ended = false;  // warm-up only: the whole workload ran (quiescent or at its cycle limit)
};

struct Job {
  bench::Workload workload;
  bool until_quiescent = true;
};

// Loads (for CUDA: upload and graph capture), then times the run alone.
Timing time_run(Engine& e, const Job& job) {
  e.load(job.workload.image);
  const auto t0 = std::chrono::steady_clock::now();
  const RunResult r = bench::run_workload(e, job.workload, job.workload.max_cycles, job.until_quiescent);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (r.reason != StopReason::kCycleLimit && r.reason != StopReason::kQuiescent) {
    throw Error(job.workload.name + " on " + e.name() + ": run stopped: " + r.describe());
  }
  return {s, e.cycle(), e.state_hash(), stop_reason_name(r.reason)};
}

// The warm-up: the workload's first cycles (at most `cycles`), untimed.
Timing warm_up(Engine& e, const Job& job, uint64_t cycles) {
  Job warm = job;
  warm.workload.max_cycles = std::min<uint64_t>(job.workload.max_cycles, cycles);
  Timing t = time_run(e, warm);
  t.ended = t.stop == stop_reason_name(StopReason::kQuiescent) || e.cycle() >= job.workload.max_cycles;
  return t;
}

// Traffic recorded from where the warm-up left the engine (past a long workload's start-up), or from the
// start when the warm-up already ran the whole workload. `release` frees the engine's memory first (the CPU
// engine's state is as large as the copy being recorded).
bench::TrafficSample sample_job(std::unique_ptr<Engine>& e, const Job& job, const Timing& warm, uint64_t budget,
                                bool release) {
  if (warm.ended) e->load(job.workload.image);
  const uint64_t at = e->cycle();
  MachineState state = e->snapshot();
  if (release) e.reset();
  return bench::sample_traffic(std::move(state), at, job.workload.image, job.workload.max_cycles - at, budget);
}

// The commit measured, "+dirty" when the tree has changes: results must name what produced them.
std::string source_commit() {
  auto first_line = [](const std::string& cmd) {
    std::string out;
    if (FILE* f = popen(cmd.c_str(), "r")) {
      char buf[256];
      if (fgets(buf, sizeof buf, f)) out = buf;
      pclose(f);
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  };
  const std::string dir = WAFER_SOURCE_DIR;
  std::string commit = first_line("git -C '" + dir + "' rev-parse HEAD 2>/dev/null");
  if (commit.empty()) return "unknown";
  if (!first_line("git -C '" + dir + "' status --porcelain --untracked-files=no 2>/dev/null").empty())
    commit += "+dirty";
  return commit;
}

// The whole wafer with no kernel: every PE takes the idle path every cycle, so the traffic model is exact
// here and this row calibrates the others.
Job idle_wafer(uint64_t cycles) {
  Image im;
  im.width = kPresets[1].width, im.height = kPresets[1].height;
  return {{"wse3_idle", im, cycles, "762x1172 PEs, no kernel: the idle path only (traffic model exact)"},
          false};
}

}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options opts("wafer_bench_cuda", "CUDA vs CPU engine PE-cycles per second, and device bandwidth");
  opts.add_options()("quick", "few cycles: a smoke run")("json", "also write JSON to this file",
                                                         cxxopts::value<std::string>())(
      "cpu-threads", "CPU engine threads (0 = hardware threads)",
      cxxopts::value<unsigned>()->default_value("0"))("no-cpu",
                                                      "time the CUDA engine only (no ratio, no state check)")(
      "device", "CUDA device", cxxopts::value<int>()->default_value("0"))(
      "block", "threads per block", cxxopts::value<uint32_t>()->default_value("256"))(
      "batch", "cycles per host round trip", cxxopts::value<uint32_t>()->default_value("256"))(
      "no-graph", "launch cycles one by one instead of replaying a CUDA graph")(
      "copy-mib", "buffer size of the copy-bandwidth measurement",
      cxxopts::value<uint64_t>()->default_value("1024"))(
      "traffic-pe-cycles", "PE-cycles of each workload's start to record for the traffic columns",
      cxxopts::value<uint64_t>()->default_value("4000000"))(
      "traffic-only", "print each workload's recorded traffic (no GPU needed) and stop")("h,help", "show help");
  const auto args = opts.parse(argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", opts.help().c_str());
    return 0;
  }
  std::string command;
  for (int i = 0; i < argc; ++i) command += (i ? " " : "") + std::string(argv[i]);
  const bool quick = args.count("quick") > 0;
  const uint64_t traffic_budget = args["traffic-pe-cycles"].as<uint64_t>();
  std::vector<Job> jobs;
  for (auto& w : bench::standard_workloads(quick)) jobs.push_back({std::move(w), true});
  jobs.push_back(idle_wafer(quick ? 20 : 2000));
  const uint64_t warm_cycles = 2ull * args["batch"].as<uint32_t>();
  if (args.count("traffic-only")) {
    // The CPU engine plays the GPU's part: the same warm-up, the same state to record from.
    unsigned threads = args["cpu-threads"].as<unsigned>();
    std::printf("%-22s %8s %8s %6s %7s %8s %8s %8s\n", "workload", "PEs", "from", "rec", "act%", "B/act", "B/idle",
                "B/PE-c");
    for (const Job& job : jobs) {
      auto cpu = make_engine("cpu", EngineOptions{.threads = threads});
      const Timing warm = warm_up(*cpu, job, warm_cycles);
      const bench::TrafficSample t = sample_job(cpu, job, warm, traffic_budget, true);
      std::printf("%-22s %8llu %8llu %6llu %7.2f %8.1f %8.1f %8.1f\n", job.workload.name.c_str(),
                  (unsigned long long)job.workload.image.pe_count(), (unsigned long long)t.first_cycle,
                  (unsigned long long)t.cycles, 100.0 * t.active_fraction(), t.bytes_per_active, t.bytes_per_idle,
                  t.bytes_per_pe_cycle());
    }
    return 0;
  }
  const int device = args["device"].as<int>();
  const CudaDeviceInfo info = cuda_device_info(device);
  if (!info.present) {
    std::fprintf(stderr, "wafer_bench_cuda: %s: nothing to measure\n", info.why_not.c_str());
    return 2;
  }
  unsigned cpu_threads = args["cpu-threads"].as<unsigned>();
  if (cpu_threads == 0) cpu_threads = std::max(1u, std::thread::hardware_concurrency());
  const bool with_cpu = args.count("no-cpu") == 0;
  CudaLaunchConfig launch;
  launch.graph_at_load = true;  // capture is load's cost, not the run's
  launch.block_size = args["block"].as<uint32_t>();
  launch.batch_cycles = args["batch"].as<uint32_t>();
  launch.use_graph = args.count("no-graph") == 0;
  bool all_match = true;
  try {
    const bench::CopyBandwidth copy =
        bench::measure_copy_bandwidth(args["copy-mib"].as<uint64_t>() << 20, 10);
    const std::string commit = source_commit();
    std::printf("device %d: %s (sm_%d%d, %d SMs, %s), CUDA runtime %d, driver %d\n", device,
                info.name.c_str(), info.cc_major, info.cc_minor, info.multiprocessors,
                format_gib(info.total_bytes).c_str(), info.runtime_version, info.driver_version);
    std::printf("commit %s\ncommand %s\n", commit.c_str(), command.c_str());
    std::printf("device-to-device copy: %.1f GB/s (read + write, %llu MiB buffer)\n",
                copy.bytes_per_second / 1e9, (unsigned long long)(copy.bytes >> 20));
    std::printf("launch: block %u, batch %u, %s; CPU engine: %u threads\n\n", launch.block_size,
                launch.batch_cycles, launch.use_graph ? "graphs" : "loop", cpu_threads);

    nlohmann::ordered_json j = {
        {"benchmark", "cuda_engine"},
        {"commit", commit},
        {"command", command},
        {"device",
         {{"index", device},
          {"name", info.name},
          {"compute_capability", std::to_string(info.cc_major) + "." + std::to_string(info.cc_minor)},
          {"multiprocessors", info.multiprocessors},
          {"total_bytes", info.total_bytes},
          {"cuda_runtime", info.runtime_version},
          {"cuda_driver", info.driver_version}}},
        {"copy_bytes_per_second", copy.bytes_per_second},
        {"copy_buffer_bytes", copy.bytes},
        {"block_size", launch.block_size},
        {"batch_cycles", launch.batch_cycles},
        {"cuda_graphs", launch.use_graph},
        {"cpu_threads", cpu_threads},
        {"idle_pe_bytes_model", bench::kIdlePeBytes},
        {"traffic_pe_cycles_recorded", traffic_budget},
        {"results", nlohmann::ordered_json::array()}};

    std::printf("%-15s %8s %7s %11s %13s %11s %13s %8s %6s %7s %5s %6s %6s %6s %6s %8s %6s  %s\n", "workload",
                "PEs", "cycles", "cuda s", "cuda PE-c/s", "cpu s", "cpu PE-c/s", "ratio", "state", "from", "rec", "act%",
                "B/act", "B/idle", "B/PE-c", "GB/s", "%copy", "note");
    for (const Job& job : jobs) {
      const bench::Workload& w = job.workload;
      const uint64_t pes = w.image.pe_count();
      auto gpu = make_cuda_engine(EngineOptions{.device = device}, launch);
      // Warm-up: context, module load, first launches. The timed run's graph is captured by its own load.
      const Timing warm = warm_up(*gpu, job, warm_cycles);
      const bench::TrafficSample traffic = sample_job(gpu, job, warm, traffic_budget, false);
      const Timing g = time_run(*gpu, job);
      const uint64_t device_bytes =
          plan_device_memory(w.image.width, w.image.height, w.image.sram_words()).total();
      gpu.reset();  // give the memory back before the next workload
      Timing c;
      bool match = true;
      if (with_cpu) {
        auto cpu = make_engine("cpu", EngineOptions{.threads = cpu_threads});
        c = time_run(*cpu, job);
        match = c.cycles == g.cycles && c.hash == g.hash;
        all_match &= match;
      }
      const double pe_cycles = double(pes) * double(g.cycles);
      const double gpu_rate = pe_cycles / g.seconds;
      const double cpu_rate = with_cpu ? pe_cycles / c.seconds : 0.0;
      // The recorded bytes per PE-cycle of the workload's first cycles, at the measured rate.
      const double bw = traffic.bytes_per_pe_cycle() * gpu_rate;
      std::printf(
          "%-15s %8llu %7llu %11.3f %13.4g %11.3f %13.4g %8.1f %6s %7llu %5llu %6.2f %6.1f %6.1f %6.1f %8.1f %6.1f  "
          "%s\n",
          w.name.c_str(), (unsigned long long)pes, (unsigned long long)g.cycles, g.seconds, gpu_rate, c.seconds,
          cpu_rate, with_cpu ? gpu_rate / cpu_rate : 0.0, with_cpu ? (match ? "same" : "DIFF") : "-",
          (unsigned long long)traffic.first_cycle, (unsigned long long)traffic.cycles, 100.0 * traffic.active_fraction(), traffic.bytes_per_active,
          traffic.bytes_per_idle, traffic.bytes_per_pe_cycle(), bw / 1e9, 100.0 * bw / copy.bytes_per_second,
          w.note.c_str());
      // A rate over 0 seconds or 0 cycles is infinite or NaN: json_text prints it as null.
      nlohmann::ordered_json row = {{"workload", w.name},
                                    {"pes", pes},
                                    {"cycles", g.cycles},
                                    {"stop", g.stop},
                                    {"device_bytes", device_bytes},
                                    {"cuda_seconds", g.seconds},
                                    {"cuda_pe_cycles_per_second", gpu_rate},
                                    {"cuda_us_per_cycle", 1e6 * g.seconds / double(g.cycles)}};
      if (with_cpu) {
        row["cpu_seconds"] = c.seconds;
        row["cpu_pe_cycles_per_second"] = cpu_rate;
        row["cuda_over_cpu"] = gpu_rate / cpu_rate;
        row["same_state"] = match;
        row["cpu_cycles"] = c.cycles;
      }
      row["traffic_first_cycle"] = traffic.first_cycle;
      row["traffic_cycles_recorded"] = traffic.cycles;
      row["active_fraction"] = traffic.active_fraction();
      row["bytes_per_active_pe_cycle"] = traffic.bytes_per_active;
      row["bytes_per_idle_pe_cycle"] = traffic.bytes_per_idle;
      row["bytes_per_pe_cycle"] = traffic.bytes_per_pe_cycle();
      row["bytes_per_second"] = bw;
      row["fraction_of_copy"] = bw / copy.bytes_per_second;
      row["note"] = w.note;
      j["results"].push_back(std::move(row));
    }
    j["all_states_match"] = all_match;
    const std::string text = json_text(j);
    std::printf("\n%s\n", text.c_str());
    if (args.count("json")) std::ofstream(args["json"].as<std::string>()) << text << "\n";
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wafer_bench_cuda: error: %s\n", e.what());
    return 1;
  }
  if (!all_match) {
    std::fprintf(stderr,
                 "wafer_bench_cuda: the CUDA and CPU engines ended in different states (rows marked DIFF)\n");
    return 3;
  }
  return 0;
}
