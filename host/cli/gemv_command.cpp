// wafer gemv: the GEMV checkerboard example end to end: build, run, check against float64, report cycles.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cxxopts.hpp>
#include <fstream>
#include <map>
#include <sstream>

#include "host/cli/commands.h"
#include "host/cli/json_text.h"
#include "host/cli/run_summary.h"
#include "host/kernels/gemv.h"
#include "host/model/error.h"

namespace wafer::cli {

namespace {

// Reads "key = value" lines ('#' starts a comment) into a map; errors name the file and line.
std::map<std::string, uint64_t> read_config(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw Error(path + ": cannot open config file");
  std::map<std::string, uint64_t> kv;
  std::string line;
  for (int no = 1; std::getline(f, line); ++no) {
    line = line.substr(0, line.find('#'));
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto eq = line.find('=');
    std::istringstream key(line.substr(0, eq)), val(eq == std::string::npos ? "" : line.substr(eq + 1));
    std::string k, rest;
    uint64_t v = 0;
    if (eq == std::string::npos || !(key >> k) || !(val >> v) || (val >> rest)) {
      throw Error(path + ":" + std::to_string(no) + ": expected 'key = unsigned integer', got '" + line +
                  "'");
    }
    kv[k] = v;
  }
  return kv;
}

}  // namespace

int gemv_command(int argc, char** argv) {
  cxxopts::Options opts("wafer gemv",
                        "GEMV y = A x + b in the checkerboard pattern, checked against float64");
  opts.add_options()("config", "key = value file with m, n, pe_rows, pe_cols, seed",
                     cxxopts::value<std::string>())("m,rows", "rows of A",
                                                    cxxopts::value<uint32_t>()->default_value("256"))(
      "n,cols", "columns of A", cxxopts::value<uint32_t>()->default_value("256"))(
      "pe-rows", "P: PE rows", cxxopts::value<uint32_t>()->default_value("16"))(
      "pe-cols", "Q: PE columns", cxxopts::value<uint32_t>()->default_value("16"))(
      "seed", "random seed of A, x, b", cxxopts::value<uint64_t>()->default_value("1"))(
      "engine", "cpu or cuda", cxxopts::value<std::string>()->default_value("cpu"))(
      "threads", "CPU engine threads (0 = all)", cxxopts::value<unsigned>()->default_value("0"))(
      "save", "also write the image to this file", cxxopts::value<std::string>())("json", "print JSON")(
      "h,help", "show help");
  const auto args = opts.parse(argc, argv);
  if (args.count("help")) {
    std::printf("%s\n", opts.help().c_str());
    return 0;
  }
  uint32_t m = args["rows"].as<uint32_t>(), n = args["cols"].as<uint32_t>();
  GemvLayout layout{args["pe-rows"].as<uint32_t>(), args["pe-cols"].as<uint32_t>()};
  uint64_t seed = args["seed"].as<uint64_t>();
  if (args.count("config")) {
    const std::string path = args["config"].as<std::string>();
    for (const auto& [k, v] : read_config(path)) {
      if (v > 0xFFFFFFFFull) throw Error(path + ": " + k + " = " + std::to_string(v) + " is too large");
      if (k == "m")
        m = uint32_t(v);
      else if (k == "n")
        n = uint32_t(v);
      else if (k == "pe_rows")
        layout.pe_rows = uint32_t(v);
      else if (k == "pe_cols")
        layout.pe_cols = uint32_t(v);
      else if (k == "seed")
        seed = v;
      else
        throw Error(path + ": unknown key '" + k + "' (m, n, pe_rows, pe_cols, seed)");
    }
  }
  const GemvProblem g = random_gemv(m, n, seed);
  const Image im = build_gemv_image(g, layout);
  if (args.count("save")) save_image(im, args["save"].as<std::string>());

  auto engine = make_engine(args["engine"].as<std::string>(), {.threads = args["threads"].as<unsigned>()});
  engine->load(im);
  const auto t0 = std::chrono::steady_clock::now();
  // Phase 1 ends when the first y element leaves the wafer: x broadcast, local products, and the
  // reduction of row 0 have run. Phase 2 drains the remaining partial sums.
  RunResult r = engine->run({.max_cycles = 100000000, .output_stream = 0, .output_count = 1});
  const uint64_t first_out = engine->cycle();
  if (r.reason == StopReason::kOutputs) r = engine->run({.max_cycles = 100000000, .until_quiescent = true});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (r.reason != StopReason::kQuiescent) {
    std::fprintf(stderr, "%s\n", r.describe().c_str());
    return 1;
  }
  const std::vector<float> y = gemv_result(*engine, g, layout);
  const std::vector<double> ref = gemv_reference(g), bound = gemv_error_bound(g, layout);
  double max_err = 0, max_rel_to_bound = 0;
  uint32_t bad = 0;
  for (uint32_t i = 0; i < m; ++i) {
    const double err = std::fabs(double(y[i]) - ref[i]);
    max_err = std::max(max_err, err);
    if (bound[i] > 0) max_rel_to_bound = std::max(max_rel_to_bound, err / bound[i]);
    if (err > bound[i]) ++bad;
  }
  const uint64_t pes = uint64_t(layout.pe_rows) * layout.pe_cols;
  if (args.count("json")) {
    nlohmann::ordered_json j = {{"m", m},
                                {"n", n},
                                {"pe_rows", layout.pe_rows},
                                {"pe_cols", layout.pe_cols},
                                {"seed", seed},
                                {"first_output_cycle", first_out},
                                {"max_abs_error", max_err},
                                {"rows_outside_bound", bad},
                                {"check", bad == 0 ? "pass" : "fail"}};
    json_run(j, *engine, r, pes, seconds);
    std::printf("%s\n", json_text(j).c_str());
  } else {
    std::printf("GEMV y = A x + b, A %u x %u, on %u x %u PEs (seed %llu)\n", m, n, layout.pe_rows,
                layout.pe_cols, (unsigned long long)seed);
    std::printf(
        "cycles: %llu total; %llu until the first y element leaves (x broadcast + local fmac + row-0 "
        "reduction),"
        " %llu draining the rest\n",
        (unsigned long long)engine->cycle(), (unsigned long long)first_out,
        (unsigned long long)(engine->cycle() - first_out));
    print_run(*engine, r, pes, seconds);
    std::printf(
        "check vs float64: max |error| %.3g, at most %.3f of the fp32 accumulation bound; %u row(s) outside: "
        "%s\n",
        max_err, max_rel_to_bound, bad, bad == 0 ? "PASS" : "FAIL");
  }
  return bad == 0 ? 0 : 1;
}

}  // namespace wafer::cli
