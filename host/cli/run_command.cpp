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
#include "host/cli/run_summary.h"
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
      "dtype", "f32 (default) or u32 for --input, --write, --read and written outputs",
      cxxopts::value<std::string>()->default_value("f32"))("json", "print JSON")("h,help", "show help");
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
  for (const DataOption& d : data) {
    if (d.name == "write") before.push_back({parse_copy_spec(d.value, "--write"), std::nullopt});
    if (d.name == "launch") before.push_back({std::nullopt, parse_launch_spec(d.value)});
    if (d.name == "read") reads.push_back(parse_copy_spec(d.value, "--read"));
    if (d.name == "input") inputs.push_back(d.value);
  }

  const AsmParams params = parse_params(list(args, "param"));
  Program program = Program::open(args["file"].as<std::string>(), params.overrides);
  for (const std::string& in : inputs) set_input_from_npy(program, in, dtype);
  Runtime rt(args["engine"].as<std::string>(), {.threads = args["threads"].as<unsigned>()});
  rt.load(std::move(program));
  for (const auto& [write, launch] : before) {
    if (write) write_from_npy(rt, *write, order, dtype);
    if (launch) rt.launch(launch->task, launch->rect);
  }

  const auto t0 = std::chrono::steady_clock::now();
  const RunOutcome outcome = rt.run({.max_cycles = args["max-cycles"].as<uint64_t>(),
                                     .until_quiescent = true,
                                     .watchdog_cycles = args["watchdog"].as<uint64_t>()});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const RunResult& r = outcome.result;
  const Image& im = rt.image();

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
    JsonWriter j;
    j.begin_object();
    json_run(j, rt.engine(), r, im.pe_count(), seconds);
    j.field("ok", failure.empty()).field("failure", failure);
    j.key("outputs").begin_array();
    for (const std::string& name : rt.output_names()) {
      const std::vector<uint32_t> out = rt.output_u32(name);
      const uint64_t expect = im.out_streams[out_stream_index(im, name)].expect;
      j.begin_object().field("name", name).field("received", uint64_t(out.size())).field("expect", expect);
      j.key("values").begin_array();
      for (uint64_t i = 0; i < out.size() && i < outputs.show; ++i) {
        if (dtype == DataType::kF32) {
          j.value(as_float(out[i]));
        } else {
          j.value(out[i]);
        }
      }
      j.end_array().field("values_cut", out.size() > outputs.show).end_object();
    }
    j.end_array();
    j.key("files").begin_array();
    for (const std::string& w : written) j.value(w);
    j.end_array().end_object();
    std::printf("%s\n", j.str().c_str());
  } else {
    print_run(rt.engine(), r, im.pe_count(), seconds);
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
        std::printf(" ... (%llu of %zu shown: --outputs N or all)", (unsigned long long)outputs.show, out.size());
      }
      std::printf("\n");
    }
    for (const std::string& w : written) std::printf("wrote %s\n", w.c_str());
  }
  if (!failure.empty()) {
    std::fprintf(stderr, "wafer run: failed: %s\n", failure.c_str());
    return 1;
  }
  return 0;
}

}  // namespace wafer::cli
