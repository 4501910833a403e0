// wafer run FILE: load an image file (or a text program) and run it on an engine.
#include <chrono>
#include <cstdio>
#include <cxxopts.hpp>
#include <fstream>

#include "host/asm/assembler.h"
#include "host/cli/commands.h"
#include "host/cli/run_summary.h"
#include "host/engine/engine.h"
#include "host/image/image.h"
#include "host/image/program_loader.h"

namespace wafer::cli {

int run_command(int argc, char** argv) {
  cxxopts::Options opts("wafer run", "Run an image file (.wimg) or a text program");
  opts.add_options()("file", "image or program", cxxopts::value<std::string>())(
      "engine", "cpu or cuda", cxxopts::value<std::string>()->default_value("cpu"))(
      "threads", "CPU engine threads (0 = all)", cxxopts::value<unsigned>()->default_value("0"))(
      "max-cycles", "stop after this many cycles", cxxopts::value<uint64_t>()->default_value("10000000"))(
      "watchdog", "cycles without progress before a stall report",
      cxxopts::value<uint64_t>()->default_value("10000"))(
      "outputs", "print up to this many elements of each output stream",
      cxxopts::value<uint64_t>()->default_value("8"))(
      "param", "override a text program's param: NAME=VALUE (repeatable)",
      cxxopts::value<std::vector<std::string>>())("json", "print JSON")("h,help", "show help");
  opts.parse_positional({"file"});
  opts.positional_help("FILE");
  const auto args = opts.parse(argc, argv);
  if (args.count("help") || !args.count("file")) {
    std::printf("%s\n", opts.help().c_str());
    return args.count("help") ? 0 : 2;
  }
  const AsmParams params = parse_params(args.count("param") ? args["param"].as<std::vector<std::string>>()
                                                            : std::vector<std::string>{});
  const Image im = load_program_or_image(args["file"].as<std::string>(), params.overrides);
  auto engine = make_engine(args["engine"].as<std::string>(), {.threads = args["threads"].as<unsigned>()});
  engine->load(im);
  const auto t0 = std::chrono::steady_clock::now();
  const RunResult r = engine->run({.max_cycles = args["max-cycles"].as<uint64_t>(),
                                   .until_quiescent = true,
                                   .watchdog_cycles = args["watchdog"].as<uint64_t>()});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const uint64_t show = args["outputs"].as<uint64_t>();
  if (args.count("json")) {
    JsonWriter j;
    j.begin_object();
    json_run(j, *engine, r, im.pe_count(), seconds);
    j.key("outputs").begin_array();
    for (uint32_t s = 0; s < im.out_streams.size(); ++s) {
      const auto out = engine->output(s);
      j.begin_object().field("name", im.out_streams[s].name).field("received", uint64_t(out.size()));
      j.key("values").begin_array();
      for (uint64_t i = 0; i < out.size() && i < show; ++i) j.value(double(out[i].as_float()));
      j.end_array().end_object();
    }
    j.end_array().end_object();
    std::printf("%s\n", j.str().c_str());
  } else {
    print_run(*engine, r, im.pe_count(), seconds);
    for (uint32_t s = 0; s < im.out_streams.size(); ++s) {
      const auto out = engine->output(s);
      std::printf("output '%s': %zu wavelet(s)", im.out_streams[s].name.c_str(), out.size());
      for (uint64_t i = 0; i < out.size() && i < show; ++i) std::printf(" %g", double(out[i].as_float()));
      std::printf("%s\n", out.size() > show ? " ..." : "");
    }
  }
  return r.reason == StopReason::kTrap || r.reason == StopReason::kStall ? 1 : 0;
}

}  // namespace wafer::cli
