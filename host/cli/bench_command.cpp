// wafer bench: the benchmark suite (bench/suite.h) from the command line: a table on screen, JSON and a
// plot on request.
#include <cstdio>
#include <cxxopts.hpp>
#include <fstream>
#include <unistd.h>

#include "bench/suite.h"
#include "bench/workloads.h"
#include "host/cli/commands.h"
#include "host/cli/output_paths.h"
#include "host/model/error.h"

namespace wafer::cli {

int bench_command(int argc, char** argv) {
  cxxopts::Options opts("wafer bench", "PE-cycles per second of the emulator on named workloads, per engine, "
                                       "against the CPU engine on 1 thread in the same run");
  opts.add_options()("quick", "a smoke run: a few cycles per workload")(
      "workload", "run only this workload (repeatable; --list names them)", cxxopts::value<std::vector<std::string>>())(
      "engine", "cpu or cuda (repeatable); default: every engine present", cxxopts::value<std::vector<std::string>>())(
      "threads", "the CPU engine's second run (0 = hardware threads)", cxxopts::value<unsigned>()->default_value("0"))(
      "json", "write the results as JSON to this file", cxxopts::value<std::string>())(
      "plot", "write PE-cycles per second against PEs (PNG) to this file", cxxopts::value<std::string>())(
      "list", "list the workloads and exit")("h,help", "show help");
  const auto args = opts.parse(argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", opts.help().c_str());
    return 0;
  }
  if (args.count("list")) {
    for (const auto& s : bench::workload_catalog(true)) std::printf("%s\n", s.name.c_str());
    return 0;
  }
  // Output files before the (minutes-long) suite.
  if (args.count("json")) require_writable(args["json"].as<std::string>(), "--json");
  if (args.count("plot")) require_writable(args["plot"].as<std::string>(), "--plot");
  bench::SuiteOptions o;
  o.quick = args.count("quick") > 0;
  if (args.count("workload")) o.only = args["workload"].as<std::vector<std::string>>();
  if (args.count("engine")) o.engines = args["engine"].as<std::vector<std::string>>();
  o.threads = args["threads"].as<unsigned>();
  // A progress line on a terminal only: redirected output stays the table alone.
  const bool tty = isatty(fileno(stderr));
  const bench::SuiteResult r = bench::run_suite(o, [&](const std::string& what) {
    if (tty) std::fprintf(stderr, "\r\033[K%s ...", what.c_str());
  });
  if (tty) std::fprintf(stderr, "\r\033[K");
  std::printf("%s", bench::suite_table(r).c_str());
  if (args.count("json")) {
    const std::string path = args["json"].as<std::string>();
    std::ofstream f(path);
    f << bench::suite_json(r) << "\n";
    if (!f) throw Error(path + ": cannot write the JSON results");
  }
  if (args.count("plot")) bench::write_suite_plot(r, args["plot"].as<std::string>());
  return 0;
}

}  // namespace wafer::cli
