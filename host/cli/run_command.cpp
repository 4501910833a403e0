// wafer run FILE: load an image file (or a text program), put data in, launch tasks by name, run, take data
// out (host/cli/data_path.h), and exit non-zero on any failure: a trap, a stall, the cycle limit reached with
// work pending (unless --allow-partial), an output stream short of what the program expects.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <cxxopts.hpp>

#include "host/asm/assembler.h"
#include "host/cli/commands.h"
#include "host/cli/data_path.h"
#include "host/cli/json_text.h"
#include "host/cli/observe_options.h"
#include "host/cli/output_paths.h"
#include "host/cli/progress.h"
#include "host/cli/run_summary.h"
#include "host/engine/reports.h"
#include "host/engine/state_file.h"
#include "host/engine/trace.h"
#include "host/model/error.h"
#include "host/runtime/runtime.h"

namespace wafer::cli {

namespace {

std::vector<std::string> list(const cxxopts::ParseResult& args, const char* name) {
  return args.count(name) ? args[name].as<std::vector<std::string>>() : std::vector<std::string>{};
}

// --outputs N prints up to N values per stream; --outputs all prints 8 and writes every stream to .npy.
struct OutputsChoice {
  uint64_t show = 8;
  bool write_all = false;
};
OutputsChoice parse_outputs(const std::string& text) {
  if (text == "all") return {8, true};
  try {
    size_t used = 0;
    const unsigned long long n = std::stoull(text, &used);
    if (used == text.size()) return {n, false};
  } catch (const std::exception&) {
  }
  throw Error("--outputs '" + text + "': expected a count of values to print, or 'all'");
}

}  // namespace

int run_command(int argc, char** argv) {
  std::vector<char*> rest(argv, argv + argc);
  const std::vector<DataOption> data = take_data_options(rest);
  cxxopts::Options opts("wafer run", "Run an image file (.wimg) or a text program");
  opts.add_options()("file", "image or program", cxxopts::value<std::string>())(
      "engine", "cpu or cuda", cxxopts::value<std::string>()->default_value("cpu"))(
      "threads", "CPU engine threads (0 = all)", cxxopts::value<unsigned>()->default_value("0"))(
      "max-cycles", "stop after this many cycles", cxxopts::value<uint64_t>()->default_value("10000000"))(
      "allow-partial", "--max-cycles is a budget: reaching it with work pending is not a failure")(
      "watchdog", "cycles without progress before a stall report",
      cxxopts::value<uint64_t>()->default_value("10000"))(
      "outputs", "print up to N values of each output stream; 'all': also write each to OUT_DIR/NAME.npy",
      cxxopts::value<std::string>()->default_value("8"))(
      "out-dir", "where --outputs all writes", cxxopts::value<std::string>()->default_value("."))(
      "param", "override a text program's param: NAME=VALUE (repeatable)",
      cxxopts::value<std::vector<std::string>>())(
      // Declared for --help only: take_data_options has taken them out of argv.
      "input", "STREAM=FILE.npy: an input stream's values (repeatable)", cxxopts::value<std::string>())(
      "write", "SYMBOL@X,Y,WxH[:row|col]=FILE.npy: copy into a symbol before the run (repeatable, in order)",
      cxxopts::value<std::string>())(
      "launch", "TASK[@X,Y,WxH]: activate a local task by name before the run (repeatable, in order)",
      cxxopts::value<std::string>())(
      "read", "SYMBOL@X,Y,WxH[:row|col]=FILE.npy: copy out of a symbol after the run (repeatable, in order)",
      cxxopts::value<std::string>())(
      "order", "row (row-major, default) or col (column-major): --write and --read that name none",
      cxxopts::value<std::string>()->default_value("row"))(
      "dtype", "f32 (default) or u32 for --input, --write, --read and written outputs; printed outputs: each stream as its words look unless given",
      cxxopts::value<std::string>()->default_value("f32"))(
      "dump-at", "CYCLE FILE: stop at CYCLE, save the machine state to FILE and exit (docs/state-file.md)",
      cxxopts::value<std::string>())(
      "resume", "continue from a state FILE saved by --dump-at (same program and parameters)",
      cxxopts::value<std::string>())(
      "stall-report", "after the run, say what every PE with pending work waits on, grouped (as a stall does)")(
      "stall-heatmap", "with a stall or --stall-report: a heatmap of the waiting PEs to this PNG file",
      cxxopts::value<std::string>())("json", "print JSON")("h,help", "show help");
  add_observe_options(opts);
  add_trace_options(opts, "X,Y,WxH");  // --trace itself is taken out of argv with the data options
  opts.parse_positional({"file"});
  opts.positional_help("FILE");
  const auto args = opts.parse(int(rest.size()), rest.data());
  if (args.count("help") || !args.count("file")) {
    std::printf("%s\n", opts.help().c_str());
    return args.count("help") ? 0 : 2;
  }
  // Everything the command line says is checked before the (possibly long) run.
  const Order order = parse_order(args["order"].as<std::string>());
  const DataType dtype = parse_dtype(args["dtype"].as<std::string>());
  const OutputsChoice outputs = parse_outputs(args["outputs"].as<std::string>());
  // Writes and launches before the run, in command-line order (a launch may follow the write it needs).
  std::vector<std::pair<std::optional<CopySpec>, std::optional<LaunchSpec>>> before;
  std::vector<CopySpec> reads;
  std::vector<std::string> inputs;
  std::optional<Rect> trace_rect;
  std::optional<std::pair<uint64_t, std::string>> dump_at;
  for (const DataOption& d : data) {
    if (d.name == "trace") trace_rect = parse_rect(d.value);
    if (d.name == "dump-at") {
      size_t used = 0;
      uint64_t cycle = 0;
      try {
        cycle = std::stoull(d.value, &used);
      } catch (const std::exception&) {
      }
      if (used == 0 || used != d.value.size()) throw Error("--dump-at '" + d.value + "': expected a cycle count, then a file");
      dump_at = {cycle, d.value2};
    }
    if (d.name == "write") before.push_back({parse_copy_spec(d.value, "--write"), std::nullopt});
    if (d.name == "launch") before.push_back({std::nullopt, parse_launch_spec(d.value)});
    if (d.name == "read") reads.push_back(parse_copy_spec(d.value, "--read"));
    if (d.name == "input") inputs.push_back(d.value);
  }

  // Output files first: a long run must not end on a typo in an output path.
  if (trace_rect) require_writable(args["trace-out"].as<std::string>(), "--trace-out");
  if (args.count("heatmap")) require_writable(args["heatmap"].as<std::string>(), "--heatmap");
  if (args.count("stall-heatmap")) require_writable(args["stall-heatmap"].as<std::string>(), "--stall-heatmap");
  for (const CopySpec& c : reads) require_writable(c.file, "--read");
  if (dump_at) require_writable(dump_at->second, "--dump-at");
  if (outputs.write_all) require_writable_folder(args["out-dir"].as<std::string>(), "--out-dir");

  const AsmParams params = parse_params(list(args, "param"));
  Program program = Program::open(args["file"].as<std::string>(), params.overrides);
  for (const std::string& in : inputs) set_input_from_npy(program, in, dtype);
  Runtime rt(args["engine"].as<std::string>(), {.threads = args["threads"].as<unsigned>()});
  rt.load(std::move(program));
  if (args.count("resume")) {
    rt.resume(args["resume"].as<std::string>());
    std::printf("resumed at cycle %llu from %s\n", (unsigned long long)rt.cycle(), args["resume"].as<std::string>().c_str());
  }
  for (const auto& [write, launch] : before) {
    if (write) write_from_npy(rt, *write, order, dtype);
    if (launch) rt.launch(launch->task, launch->rect);
  }

  const Image& im = rt.image();
  std::optional<TraceRecorder> trace;
  if (trace_rect) {
    trace.emplace(im, *trace_rect, args["trace-limit"].as<uint64_t>());
  }
  uint64_t max_cycles = args["max-cycles"].as<uint64_t>();
  if (dump_at) {
    if (dump_at->first < rt.cycle())
      throw Error("--dump-at " + std::to_string(dump_at->first) + ": the run is already at cycle " + std::to_string(rt.cycle()));
    max_cycles = std::min(max_cycles, dump_at->first - rt.cycle());
  }
  ProgressLine progress(im.pe_count(), 0, ProgressLine::on_terminal() && !args.count("json"));
  const auto t0 = std::chrono::steady_clock::now();
  const RunOutcome outcome = rt.run({.max_cycles = max_cycles,
                                     .until_quiescent = true,
                                     .watchdog_cycles = args["watchdog"].as<uint64_t>(),
                                     .trace = trace ? &*trace : nullptr,
                                     .on_progress = [&](uint64_t c) { progress.update(c); },
                                     .progress_every = 1024});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  progress.finish();
  const RunResult& r = outcome.result;
  if (trace) write_trace(*trace, args, *trace_rect, rt.cycle());
  if (dump_at) {
    rt.save_state(dump_at->second);
    if (rt.cycle() < dump_at->first && r.reason != StopReason::kCycleLimit) {
      std::printf("the run ended at cycle %llu (%s), before cycle %llu; ", (unsigned long long)rt.cycle(),
                  stop_reason_name(r.reason), (unsigned long long)dump_at->first);
    }
    std::printf("saved the machine state at cycle %llu to %s (continue with --resume %s)\n",
                (unsigned long long)rt.cycle(), dump_at->second.c_str(), dump_at->second.c_str());
    return r.reason == StopReason::kTrap || r.reason == StopReason::kStall ? 1 : 0;
  }
  const Observation observed = observe_run(args, rt.engine(), im.width, im.height, regions_by_kernel(im),
                                           args["file"].as<std::string>());
  if (args.count("stall-report") || (args.count("stall-heatmap") && r.stall)) {
    rt.engine().inspect([&](const MachineState& state) {
      if (args.count("stall-report") && !r.stall) std::printf("%s\n", describe_stall(state, rt.cycle(), 0).describe().c_str());
      if (args.count("stall-heatmap")) {
        write_waiting_heatmap(state, args["file"].as<std::string>() + ", cycle " + std::to_string(rt.cycle()),
                              args["stall-heatmap"].as<std::string>());
        std::printf("wrote %s\n", args["stall-heatmap"].as<std::string>().c_str());
      }
    });
  }

  // Reads and output files are written even after a failure: they are what one looks at to see why.
  std::vector<std::string> written;
  for (const CopySpec& c : reads) written.push_back(read_to_npy(rt, c, order, dtype));
  if (outputs.write_all) {
    for (const std::string& p : write_outputs_npy(rt, args["out-dir"].as<std::string>(), dtype)) written.push_back(p);
  }
  const bool allow_partial = args.count("allow-partial") > 0;
  std::string failure = outcome.failure(allow_partial);
  if (outcome.cycle_limit_with_work_pending() && !allow_partial) {
    failure += "; raise --max-cycles, or add --allow-partial to make it a budget";
  }

  auto as_float = [](uint32_t payload) {
    float f;
    std::memcpy(&f, &payload, 4);
    return double(f);
  };
  if (args.count("json")) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    json_run(j, rt.engine(), r, im.pe_count(), seconds);
    j["ok"] = failure.empty();
    j["failure"] = failure;
    if (args.count("dtype")) {  // the user said how to read the words
      auto& streams = j["outputs"] = nlohmann::ordered_json::array();
      for (const std::string& name : rt.output_names()) {
        const std::vector<uint32_t> out = rt.output_u32(name);
        const uint64_t expect = im.out_streams[out_stream_index(im, name)].expect;
        nlohmann::ordered_json values = nlohmann::ordered_json::array();
        for (uint64_t i = 0; i < out.size() && i < outputs.show; ++i) {
          if (dtype == DataType::kF32) {
            values.push_back(as_float(out[i]));  // NaN or infinity prints as null
          } else {
            values.push_back(out[i]);
          }
        }
        streams.push_back({{"name", name},
                           {"received", uint64_t(out.size())},
                           {"expect", expect},
                           {"type", dtype == DataType::kF32 ? "float32" : "uint32"},
                           {"values", std::move(values)},
                           {"shown", std::min<uint64_t>(out.size(), outputs.show)},
                           {"truncated", out.size() > outputs.show}});
      }
    } else {  // each stream in the type its words look like (run_summary.h: payload_type)
      j["outputs"] = json_outputs(rt.engine(), im, outputs.show);
    }
    j["files"] = written;
    auto& regions = j["regions"] = nlohmann::ordered_json::array();  // counters per kernel (counter_report.h)
    for (const RegionCounters& rc : observed.regions) {
      nlohmann::ordered_json counters = nlohmann::ordered_json::object();
      for (uint32_t k = 0; k < kCounterCount; ++k) counters[counter_name(k)] = rc.sums[k];
      counters["idle"] = rc.idle;
      regions.push_back({{"name", rc.name},
                         {"pes", rc.pes},
                         {"pe_cycles", rc.pes * observed.cycles},
                         {"counters", std::move(counters)}});
    }
    std::printf("%s\n", json_text(j).c_str());
  } else {
    print_run(rt.engine(), r, im.pe_count(), seconds);
    if (!args.count("dtype")) {
      print_outputs(rt.engine(), im, outputs.show);
    } else {
      for (const std::string& name : rt.output_names()) {
        const std::vector<uint32_t> out = rt.output_u32(name);
        std::printf("output '%s': %zu wavelet(s)", name.c_str(), out.size());
        for (uint64_t i = 0; i < out.size() && i < outputs.show; ++i) {
          if (dtype == DataType::kF32) {
            std::printf(" %g", as_float(out[i]));
          } else {
            std::printf(" %u", out[i]);
          }
        }
        if (out.size() > outputs.show) {
          std::printf(" ... (%llu of %zu shown; --outputs N shows more)", (unsigned long long)outputs.show, out.size());
        }
        std::printf("\n");
      }
    }
    for (const std::string& w : written) std::printf("wrote %s\n", w.c_str());
    if (args.count("counters")) std::printf("%s", region_table(observed).c_str());
    if (args.count("heatmap")) std::printf("wrote %s\n", args["heatmap"].as<std::string>().c_str());
  }
  if (!failure.empty()) {
    // The text output above holds the whole report; stderr gets its first line (JSON output: all of it).
    const size_t nl = failure.find('\n');
    const bool cut = !args.count("json") && nl != std::string::npos;
    std::fflush(stdout);  // "above" also when both go to one pipe (stdout is block-buffered there)
    std::fprintf(stderr, "wafer run: failed: %s%s\n", cut ? failure.substr(0, nl).c_str() : failure.c_str(),
                 cut ? " (the report is above)" : "");
    return 1;
  }
  return 0;
}

}  // namespace wafer::cli
