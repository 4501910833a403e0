// The seeds' area/speed trade-off for one FC layer, emulated: one N x N layer (fp32-exact random weights)
// mapped at the seeds' shapes 3x3, 3x6, 6x6, 6x12, 12x12 scaled by s (K lanes x C chain positions =
// 3s x 3s ... 12s x 12s), each on a grid just big enough, a batch streamed through on the CPU engine.
// Prints predicted and measured cycles per sample and latency, the speed-up against 6x6 next to the
// seeds' figure (3x3 4x slower ... 12x12 4x faster), emulated samples/s at 850 MHz, and the emulator's
// PE-cycles/s with all threads against a 1-thread baseline of the same image in the same run (both runs
// must end in the same state). Every run's outputs are checked against the float64 reference (error
// bound) and the fp32 replay in the kernel's order (bit for bit); a failed check exits non-zero.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cxxopts.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>
#include "host/model/split_mix.h"

#include "host/cli/json_text.h"
#include "host/engine/engine.h"
#include "host/kernels/block_split.h"
#include "host/model/constants.h"
#include "host/model/error.h"
#include "mapper/check/image_invariants.h"
#include "mapper/check/ordered_fp32.h"
#include "mapper/check/tolerance.h"
#include "mapper/image/pipeline_image.h"
#include "mapper/place/staircase.h"
#include "mapper/reference.h"
#include "mapper/run/pipeline_run.h"
#include "bench/command_line.h"

using namespace wafer;

namespace {

// One layer N -> M, no activation: weights uniform in [-2^-k, 2^-k) with 2^-k the power of two at or
// below 1/sqrt(N), bias in [-0.5, 0.5).
mapper::LayerGraph random_layer(uint32_t n, uint32_t m, uint64_t seed) {
  SplitMix r{seed};
  mapper::LayerGraph g;
  g.source = "random " + std::to_string(m) + "x" + std::to_string(n) + " (seed " + std::to_string(seed) + ")";
  mapper::FcLayer l;
  l.name = "fc0";
  l.in = n, l.out = m;
  const double scale = std::ldexp(1.0, -int(std::ceil(std::log2(std::sqrt(double(n))))));
  l.weight.resize(uint64_t(n) * m);
  for (auto& w : l.weight) w = (2 * r.unit() - 1) * scale;
  l.bias.resize(m);
  for (auto& b : l.bias) b = r.unit() - 0.5;
  l.act = Activation::kNone;
  g.layers.push_back(std::move(l));
  return g;
}

std::vector<double> random_inputs(uint32_t batch, uint32_t n, uint64_t seed) {
  SplitMix r{seed};
  std::vector<double> x(uint64_t(batch) * n);
  for (auto& v : x) v = r.unit();
  return x;
}

// The seeds' options (001: "Automatically Exploring the Optimization Search Space"), in units of s:
// lanes x chain positions, and the seeds' speed relative to 6x6.
struct SeedShape {
  uint32_t lanes, chain;
  double seed_speedup;
  const char* seed_words;
};
constexpr SeedShape kSeedShapes[] = {{3, 3, 0.25, "4x slower"},
                                     {3, 6, 0.5, "2x slower"},
                                     {6, 6, 1.0, "36 cores"},
                                     {6, 12, 2.0, "2x faster"},
                                     {12, 12, 4.0, "4x faster"}};
constexpr size_t kReference = 2;  // 6x6

struct Row {
  uint32_t scale = 0, lanes = 0, chain = 0;  // K, C in PEs
  std::string seed_shape;
  double seed_speedup = 0;
  mapper::Plan plan;
  uint64_t grid_pes = 0;
  double interval = 0;      // measured cycles per sample
  uint64_t first_done = 0;  // measured in the batch run: sample 0's first-lane outputs out
  uint64_t alone = 0;       // measured: one sample alone, until its last output (every lane) is out
  uint64_t cycles = 0;
  double seconds_1 = 0, seconds_n = 0;  // wall time of the 1-thread baseline and the all-threads run
  double worst_ratio = 0;               // worst error / bound
  bool bits_equal = false;
};

uint32_t threads_or_all(unsigned t) {
  return t ? t : std::max(1u, std::thread::hardware_concurrency());
}

std::vector<uint32_t> parse_list(const std::string& s, const char* what) {
  std::vector<uint32_t> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    size_t used = 0;
    unsigned long v = 0;
    try {
      v = std::stoul(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || v == 0 || v > 1000)
      throw Error(std::string(what) + " '" + s + "': expected positive integers separated by commas");
    out.push_back(uint32_t(v));
  }
  if (out.empty()) throw Error(std::string(what) + ": empty");
  return out;
}

struct Timed {
  mapper::PipelineRun run;
  uint64_t hash = 0;
};

Timed run_once(const Image& im, const mapper::LayerGraph& g, const mapper::Plan& plan, uint32_t batch,
               unsigned threads) {
  auto engine = make_engine("cpu", {.threads = threads});
  engine->load(im);
  Timed t;
  t.run = mapper::run_pipeline(*engine, g, plan, batch);
  t.hash = engine->state_hash();
  return t;
}

// One sample alone through the layer: the cycle by which every lane's outputs have reached their host
// stream (what the cost model's latency predicts; the batch run times lane 0 only, and there the next
// samples' x compete with sample 0's reduction for the arithmetic slot). Lanes are waited on in order,
// each only if still incomplete, so the final cycle is the latest lane's completion, exactly.
uint64_t one_sample_latency(const mapper::LayerGraph& g, const mapper::Plan& plan,
                            const std::vector<double>& x, unsigned threads) {
  const std::vector<double> first(x.begin(), x.begin() + g.input_size());
  auto engine = make_engine("cpu", {.threads = threads});
  engine->load(mapper::build_pipeline_image(g, plan, first, 1));
  const mapper::LayerPlan& last = plan.layers.back();
  const BlockSplit rows{g.output_size(), last.lanes};
  const uint64_t limit = 4 * plan.latency + 100000;
  for (uint32_t l = 0; l < last.lanes; ++l) {
    const uint32_t stream = mapper::output_stream_of_lane(plan, 0, l);
    if (engine->output(stream).size() >= rows.size(l)) continue;
    const RunResult r =
        engine->run({.max_cycles = limit, .output_stream = int32_t(stream), .output_count = rows.size(l)});
    if (r.reason != StopReason::kOutputs) throw Error("one-sample run: " + r.describe());
  }
  return engine->cycle();
}

Row measure(const mapper::LayerGraph& g, const std::vector<double>& x, uint32_t batch, uint32_t s,
            const SeedShape& shape, unsigned threads) {
  Row row;
  row.scale = s;
  row.lanes = shape.lanes * s, row.chain = shape.chain * s;
  row.seed_shape = std::to_string(shape.lanes) + "x" + std::to_string(shape.chain);
  row.seed_speedup = shape.seed_speedup;
  // A grid just big enough: the staircase's own extent (one layer: K rows x C columns; its outputs leave
  // east straight into the host streams on the edge).
  const mapper::Plan probe = mapper::staircase_for_shapes(g, 1, 1, row.chain, {row.lanes}, 1);
  row.plan =
      mapper::staircase_for_shapes(g, probe.extent_width, probe.extent_height, row.chain, {row.lanes}, 1);
  const mapper::LayerCost& cost = row.plan.layers.front().cost;
  if (!cost.fits_sram())
    throw Error(row.seed_shape + " at s=" + std::to_string(s) + ": a " + std::to_string(cost.m_max) + "x" +
                std::to_string(cost.n_max) + " block needs " +
                std::to_string(cost.data_words + cost.code_words) + " SRAM words, over " +
                std::to_string(kSramWords) + "; use a larger --scale or a smaller --size");
  row.grid_pes = uint64_t(row.plan.grid_width) * row.plan.grid_height;
  const Image im = mapper::build_pipeline_image(g, row.plan, x, batch);
  const mapper::InvariantReport inv = mapper::check_image_invariants(im);
  if (!inv.ok())
    throw Error(row.seed_shape + " at s=" + std::to_string(s) + ": image invariant: " + inv.problems.front());

  const Timed one = run_once(im, g, row.plan, batch, 1);
  const Timed all = threads > 1 ? run_once(im, g, row.plan, batch, threads) : one;
  if (one.hash != all.hash || one.run.cycles != all.run.cycles || one.run.outputs != all.run.outputs)
    throw Error(row.seed_shape + " at s=" + std::to_string(s) + ": the 1-thread and " +
                std::to_string(threads) + "-thread runs end in different states");
  const mapper::PipelineRun& run = all.run;
  row.interval = run.interval, row.first_done = run.sample_done.front(), row.cycles = run.cycles;
  row.seconds_1 = one.run.seconds, row.seconds_n = run.seconds;
  row.alone = one_sample_latency(g, row.plan, x, threads);

  const std::vector<double> ref = mapper::evaluate_layer_graph(g, x, batch);
  const mapper::CheckResult c = mapper::compare_with_reference(
      run.outputs, ref, mapper::output_error_bound(g, row.plan, x, batch), g.output_size());
  const mapper::BitCompare bits =
      mapper::compare_bits(run.outputs, mapper::ordered_fp32_forward(g, row.plan, x, batch));
  row.worst_ratio = c.worst_ratio, row.bits_equal = bits.equal();
  if (!c.pass())
    throw Error("CHECK FAILED: " + row.seed_shape + " at s=" + std::to_string(s) + ": " +
                std::to_string(c.outside) + " outputs outside the float64 bound (worst error " +
                std::to_string(c.worst_error) + ", bound " + std::to_string(c.worst_bound) + ")");
  if (!bits.equal())
    throw Error("CHECK FAILED: " + row.seed_shape + " at s=" + std::to_string(s) + ": " +
                std::to_string(bits.differing) + " outputs differ from the fp32 replay (first " +
                std::to_string(bits.first) + ")");
  if (run.interval <= 0) throw Error("--batch must be at least 4 to measure the interval");
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options opts(
      "wafer_bench_mapper_tradeoff",
      "One FC layer at the seeds' shapes (3x3 ... 12x12, scaled): predicted vs emulated speed");
  opts.add_options()("size", "the layer is SIZE x SIZE", cxxopts::value<uint32_t>()->default_value("1024"))(
      "scale", "the seeds' shapes times s, comma-separated list",
      cxxopts::value<std::string>()->default_value("4,8"))("batch", "samples per run (at least 4)",
                                                           cxxopts::value<uint32_t>()->default_value("12"))(
      "seed", "weights' seed (inputs use seed + 1)", cxxopts::value<uint64_t>()->default_value("1024"))(
      "threads", "the 'all threads' count (0 = hardware threads); 1 thread is the baseline",
      cxxopts::value<unsigned>()->default_value("0"))("json", "also write the table as JSON to this file",
                                                      cxxopts::value<std::string>())("h,help", "show help");
  try {
    const auto args = opts.parse(argc, argv);
    if (args.count("help")) {
      std::printf("%s\n", opts.help().c_str());
      return 0;
    }
    const uint32_t n = args["size"].as<uint32_t>(), batch = args["batch"].as<uint32_t>();
    const uint64_t seed = args["seed"].as<uint64_t>();
    const unsigned threads = threads_or_all(args["threads"].as<unsigned>());
    const std::vector<uint32_t> scales = parse_list(args["scale"].as<std::string>(), "--scale");
    if (batch < 4)
      throw Error("--batch " + std::to_string(batch) + ": at least 4 samples to measure an interval");

    const mapper::LayerGraph g = random_layer(n, n, seed);
    const std::vector<double> x = random_inputs(batch, n, seed + 1);
    std::printf(
        "layer %ux%u, fp32-exact random weights (seed %llu), inputs seed %llu, batch %u; CPU engine, "
        "%u thread(s) against a 1-thread baseline; %u hardware threads\n",
        n, n, (unsigned long long)seed, (unsigned long long)(seed + 1), batch, threads,
        std::thread::hardware_concurrency());
    std::fflush(stdout);

    std::vector<Row> rows;
    for (uint32_t s : scales)
      for (const SeedShape& shape : kSeedShapes) {
        rows.push_back(measure(g, x, batch, s, shape, threads));
        const Row& r = rows.back();
        std::printf(
            "  s=%u %s: %ux%u PEs, %.1f cycles/sample measured, %llu predicted; %.2f s + %.2f s wall\n", s,
            r.seed_shape.c_str(), r.lanes, r.chain, r.interval, (unsigned long long)r.plan.interval,
            r.seconds_1, r.seconds_n);
        std::fflush(stdout);
      }

    nlohmann::ordered_json j = {{"benchmark", "mapper_tradeoff"},
                                {"command", bench::command_line(argc, argv)},
                                {"layer", std::to_string(n) + "x" + std::to_string(n)},
                                {"seed", seed},
                                {"batch", batch},
                                {"threads", threads},
                                {"hardware_threads", std::thread::hardware_concurrency()},
                                {"clock_hz", kClockHz},
                                {"rows", nlohmann::ordered_json::array()}};
    std::printf("\n%2s %-6s %-9s %6s %7s %5s %6s %7s %6s %8s %8s %6s %8s %6s %6s %6s %10s %11s %11s %5s\n",
                "s", "shape", "KxC", "PEs", "block", "fma%", "pred", "meas", "err", "lat_pred", "lat_meas",
                "err", "lat_bat0", "x_meas", "x_pred", "seeds", "samples/s", "PE-cyc/s 1t", "PE-cyc/s Nt",
                "Nt/1t");
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row& r = rows[i];
      const Row& ref = rows[i - i % std::size(kSeedShapes) + kReference];  // 6x6 at the same s
      const mapper::LayerCost& cost = r.plan.layers.front().cost;
      const double speed_meas = ref.interval / r.interval;
      const double speed_pred = double(ref.plan.interval) / double(r.plan.interval);
      const double err = 100.0 * (double(r.plan.interval) - r.interval) / r.interval;
      const double lat_err = 100.0 * (double(r.plan.latency) - double(r.alone)) / double(r.alone);
      const double sps = kClockHz / r.interval;
      // The busiest PE's multiply-adds per sample against its measured cycles per sample: the part of the
      // interval that is the layer's arithmetic; the rest is per-x overhead, the reduction and fixed costs.
      const double fma_share = 100.0 * double(cost.m_max) * double(cost.n_max) / r.interval;
      const double pe_cycles = double(r.cycles) * double(r.grid_pes);
      const double rate_1 = pe_cycles / r.seconds_1, rate_n = pe_cycles / r.seconds_n;
      const std::string kc = std::to_string(r.lanes) + "x" + std::to_string(r.chain);
      const std::string block = std::to_string(cost.m_max) + "x" + std::to_string(cost.n_max);
      std::printf(
          "%2u %-6s %-9s %6llu %7s %4.0f%% %6llu %7.1f %+5.1f%% %8llu %8llu %+5.1f%% %8llu %6.2f %6.2f %6.2f "
          "%10.4g "
          "%11.3g %11.3g %5.2f\n",
          r.scale, r.seed_shape.c_str(), kc.c_str(), (unsigned long long)r.plan.pes(), block.c_str(),
          fma_share, (unsigned long long)r.plan.interval, r.interval, err, (unsigned long long)r.plan.latency,
          (unsigned long long)r.alone, lat_err, (unsigned long long)r.first_done, speed_meas, speed_pred,
          r.seed_speedup, sps, rate_1, rate_n, r.seconds_1 / r.seconds_n);
      const std::string grid = std::to_string(r.plan.grid_width) + "x" + std::to_string(r.plan.grid_height);
      j["rows"].push_back({{"scale", r.scale},
                           {"seed_shape", r.seed_shape},
                           {"lanes", r.lanes},
                           {"chain", r.chain},
                           {"grid", grid},
                           {"pes", r.plan.pes()},
                           {"block_m", cost.m_max},
                           {"block_n", cost.n_max},
                           {"sram_words", cost.data_words + cost.code_words},
                           {"fma_share_of_interval", fma_share / 100.0},
                           {"interval_predicted", r.plan.interval},
                           {"interval_measured", r.interval},
                           {"latency_predicted", r.plan.latency},
                           {"latency_measured_alone", r.alone},
                           {"batch_sample0_done", r.first_done},
                           {"speedup_vs_6x6_measured", speed_meas},
                           {"speedup_vs_6x6_predicted", speed_pred},
                           {"speedup_vs_6x6_seeds", r.seed_speedup},
                           {"samples_per_second_measured", sps},
                           {"samples_per_second_predicted", r.plan.samples_per_second()},
                           {"cycles", r.cycles},
                           {"grid_pes", r.grid_pes},
                           {"seconds_1_thread", r.seconds_1},
                           {"seconds_all_threads", r.seconds_n},
                           {"pe_cycles_per_second_1_thread", rate_1},
                           {"pe_cycles_per_second_all_threads", rate_n},
                           {"check_worst_error_over_bound", r.worst_ratio},
                           {"check_fp32_replay_bit_identical", r.bits_equal}});
    }
    std::printf(
        "\n"
        "fma%%: the busiest PE's m x n multiply-adds per sample over the measured cycles per sample\n"
        "pred, meas: cycles per sample, plan.interval vs the median completion spacing of the batch's second "
        "half\n"
        "lat_pred, lat_meas: one sample alone, first input to the last lane's last output at its stream\n"
        "lat_bat0: run.sample_done[0], when the batch's sample 0 had left lane 0 (its reduction shares the "
        "slot with sample 1's x)\n"
        "x_meas, x_pred: speed-up against 6x6 at the same s; seeds: the seeds' figure\n"
        "samples/s: emulated, at %.0f MHz\n"
        "PE-cyc/s: grid PEs x cycles / wall time of the run, 1 thread (the baseline) and %u threads\n"
        "checks: every run's %u x %u outputs within the float64 bound and bit-identical to the fp32 replay: "
        "PASS\n",
        kClockHz / 1e6, threads, batch, n);
    if (args.count("json")) std::ofstream(args["json"].as<std::string>()) << json_text(j) << "\n";
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wafer_bench_mapper_tradeoff: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
