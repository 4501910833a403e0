// The seeds' sparsity table, emulated: the 34-layer FC network (data/models/fc34_relu_256.json, 256 wide,
// PyTorch's nn.Linear initialisation range) run (a) dense with a linear activation, (b) with ReLU, (c) ReLU +
// 25% and (d) ReLU + 50% induced sparsity (mapper/sparsity/induced.h: per-layer thresholds calibrated on the
// batch), plus (a0) the dense kernel on (a), which is what the sparse kernel's sentinel costs. Every case runs
// on the same shapes (the search's for (a) with its densities, one replica): only the kernel's traffic
// changes (the thresholded layers get one more chain position, the threshold epilogue). With --replan each
// case also runs on the shapes the search picks knowing that case's densities. Prints emulated cycles per
// sample (measured and predicted), samples/s at 850 MHz, each layer's measured input density, the
// speed-up against (a) next to the seeds' 1.7x (ReLU) and 2.4x (ReLU + 50%), and the counters (busy
// cycles, wavelets) that say what is left. Every run is checked bit for bit against the fp32 replay in the
// kernel's order (which gives the measured densities) and against the float64 bound; a failed check
// exits non-zero.
#include <cmath>
#include <cstdio>
#include <cxxopts.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "host/cli/json_text.h"
#include "host/engine/engine.h"
#include "host/model/constants.h"
#include "host/model/error.h"
#include "host/model/split_mix.h"
#include "mapper/check/ordered_fp32.h"
#include "mapper/check/tolerance.h"
#include "mapper/image/pipeline_image.h"
#include "mapper/place/staircase.h"
#include "mapper/plan_io.h"
#include "mapper/reference.h"
#include "mapper/run/pipeline_run.h"
#include "mapper/search/search.h"
#include "mapper/sparsity/density.h"
#include "mapper/sparsity/induced.h"

using namespace wafer;

namespace {

struct Case {
  std::string name;   // a0, a, b, c, d
  std::string what;
  bool relu = true, dense_kernel = false;
  double induced = 0;  // fraction
  double seeds = 0;    // the seeds' speed-up, 0: none given
};

struct Row {
  Case c;
  bool replanned = false;
  std::string shapes;
  uint64_t pes = 0, predicted = 0, busy = 0, wavelets = 0;
  double measured = 0, seconds = 0;
  std::vector<double> density;  // per layer input, measured (replay)
};

std::string shapes_of(const mapper::Plan& p) {
  std::string s = "C0 " + std::to_string(p.layers.front().chain) + ", lanes";
  for (size_t i = 0; i < p.layers.size() && i < 4; ++i) s += " " + std::to_string(p.layers[i].lanes);
  return s + " ...";
}

mapper::LayerGraph graph_for(const mapper::LayerGraph& model, const Case& c, const std::vector<double>& x,
                             uint32_t batch) {
  mapper::LayerGraph g = model;
  g.dense_kernel = c.dense_kernel;
  if (!c.relu)
    for (auto& l : g.layers) l.act = Activation::kNone;
  if (c.induced > 0) mapper::calibrate_induced_sparsity(g, c.induced, x, batch);
  if (!c.dense_kernel) mapper::measure_densities(g, x, batch);
  return g;
}

// The search's shapes for g with one replica.
mapper::Plan search(const mapper::LayerGraph& g, uint32_t w, uint32_t h) {
  return mapper::search_plan(g, w, h, {.replicas = 1}).plan;
}

Row run_case(const mapper::LayerGraph& g, const mapper::Plan& plan, const Case& c, const std::vector<double>& x,
             uint32_t batch, unsigned threads, bool per_layer) {
  Row r;
  r.c = c;
  r.shapes = shapes_of(plan);
  r.pes = plan.pes();
  r.predicted = plan.interval;
  auto engine = make_engine("cpu", {.threads = threads});
  engine->load(mapper::build_pipeline_image(g, plan, x, batch));
  const mapper::PipelineRun run = mapper::run_pipeline(*engine, g, plan, batch);
  r.measured = run.interval;
  r.seconds = run.seconds;
  if (per_layer)
    for (size_t l = 0; l < plan.layers.size(); ++l)
      std::printf("    layer %zu: slot/sample measured %llu predicted %llu\n", l,
                  (unsigned long long)run.layers[l].slot_per_sample, (unsigned long long)plan.layers[l].cost.slot_work);
  if (per_layer) {
    std::printf("    completion gaps:");
    for (size_t i = 1; i < run.sample_done.size(); ++i)
      std::printf(" %llu", (unsigned long long)(run.sample_done[i] - run.sample_done[i - 1]));
    std::printf("\n");
  }
  const auto totals = engine->counter_totals();
  r.busy = totals[kCtrBusy], r.wavelets = totals[kCtrWaveletsOut];
  mapper::ReplayDetail d;
  const auto replay = mapper::ordered_fp32_forward(g, plan, x, batch, &d);
  const auto bits = mapper::compare_bits(run.outputs, replay);
  if (!bits.equal())
    throw Error("case " + c.name + ": " + std::to_string(bits.differing) + " outputs differ from the fp32 replay");
  const auto check = mapper::compare_with_reference(run.outputs, mapper::evaluate_layer_graph(g, x, batch),
                                                    mapper::output_error_bound(g, plan, x, batch), g.output_size());
  if (!check.pass()) throw Error("case " + c.name + ": outside the float64 bound");
  std::vector<float> xin(x.begin(), x.end());
  r.density.push_back(mapper::nonzero_fraction(xin));
  for (size_t l = 0; l + 1 < g.layers.size(); ++l) r.density.push_back(mapper::nonzero_fraction(d.outputs[l]));
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options opts("wafer_bench_mapper_sparsity",
                        "The 34-layer FC network dense, with ReLU and with induced sparsity: emulated speed-ups");
  opts.add_options()("model", "the network", cxxopts::value<std::string>()->default_value(
                                                  std::string(WAFER_MODELS_DIR) + "/fc34_relu_256.json"))(
      "grid", "WIDTHxHEIGHT", cxxopts::value<std::string>()->default_value("190x293"))(
      "batch", "samples (at least 4)", cxxopts::value<uint32_t>()->default_value("16"))(
      "seed", "inputs' seed (uniform [0, 1), as the model's own _x.npy)", cxxopts::value<uint64_t>()->default_value("34256"))(
      "replan", "also run each case on the shapes the search picks for its densities")(
      "per-layer", "print each layer's slot work per sample (measured, predicted) and the completion gaps")(
      "threads", "CPU engine threads", cxxopts::value<unsigned>()->default_value("1"))(
      "json", "also write the rows as JSON to this file", cxxopts::value<std::string>())("h,help", "show help");
  try {
    const auto args = opts.parse(argc, argv);
    if (args.count("help")) {
      std::printf("%s\n", opts.help().c_str());
      return 0;
    }
    const std::string grid = args["grid"].as<std::string>();
    const auto xpos = grid.find('x');
    if (xpos == std::string::npos) throw Error("--grid " + grid + ": expected WIDTHxHEIGHT");
    const uint32_t w = uint32_t(std::stoul(grid.substr(0, xpos))), h = uint32_t(std::stoul(grid.substr(xpos + 1)));
    const uint32_t batch = args["batch"].as<uint32_t>();
    if (batch < 4) throw Error("--batch: at least 4 samples to measure an interval");
    const unsigned threads = args["threads"].as<unsigned>();
    const bool per_layer = args.count("per-layer") > 0;
    const mapper::LayerGraph model = mapper::import_model(args["model"].as<std::string>());
    SplitMix rng{args["seed"].as<uint64_t>()};
    std::vector<double> x(uint64_t(batch) * model.input_size());
    for (double& v : x) v = float(rng.unit());
    std::printf("%s: %zu layers of %u; %u samples uniform in [0, 1) (seed %llu); grid %ux%u, one replica; CPU "
                "engine, %u thread(s)\n",
                model.source.c_str(), model.layers.size(), model.layers.front().out, batch,
                (unsigned long long)args["seed"].as<uint64_t>(), w, h, threads);

    const std::vector<Case> cases = {
        {"a0", "dense kernel, linear", false, true, 0, 0},     {"a", "sparse kernel, linear", false, false, 0, 0},
        {"b", "ReLU", true, false, 0, 1.7},                     {"c", "ReLU + 25% induced", true, false, 0.25, 0},
        {"d", "ReLU + 50% induced", true, false, 0.5, 2.4}};
    // The shapes: the search's for (a) (linear, densities ~1) on the grid, kept for every case. ReLU and
    // thresholds add an epilogue position to a layer (up to one column and one row per two layers), so the
    // cases run on a grid that much larger (idle PEs cost the emulator almost nothing).
    const mapper::Plan base = search(graph_for(model, cases[1], x, batch), w, h);
    const uint32_t run_w = w + uint32_t(model.layers.size() / 2) + 2, run_h = h + uint32_t(model.layers.size() / 2) + 2;
    std::vector<uint32_t> lanes;
    for (const auto& l : base.layers) lanes.push_back(l.lanes);
    std::vector<Row> rows;
    for (const Case& c : cases) {
      const mapper::LayerGraph g = graph_for(model, c, x, batch);
      const mapper::Plan plan = mapper::staircase_for_shapes(g, run_w, run_h, base.layers.front().chain, lanes, 1);
      rows.push_back(run_case(g, plan, c, x, batch, threads, per_layer));
      std::printf("  %s %s: %.1f cycles/sample measured, %llu predicted (%.1f s)\n", c.name.c_str(), c.what.c_str(),
                  rows.back().measured, (unsigned long long)rows.back().predicted, rows.back().seconds);
      std::fflush(stdout);
      if (args.count("replan") && !c.dense_kernel) {
        rows.push_back(run_case(g, search(g, w, h), c, x, batch, threads, per_layer));
        rows.back().replanned = true;
        std::printf("  %s replanned (%s): %.1f measured, %llu predicted\n", c.name.c_str(), rows.back().shapes.c_str(),
                    rows.back().measured, (unsigned long long)rows.back().predicted);
        std::fflush(stdout);
      }
    }

    const double base_interval = rows[1].measured;  // (a) on its own shapes
    std::printf("\n| case | shapes | PEs | cycles/sample measured | predicted | samples/s at 850 MHz | speed-up vs (a) "
                "| seeds | busy PE-cycles per sample | wavelets per sample | mean input density (layers 1..33) |\n"
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (const Row& r : rows) {
      double mean = 0;
      for (size_t l = 1; l < r.density.size(); ++l) mean += r.density[l];
      mean /= double(r.density.size() - 1);
      std::printf("| (%s) %s%s | %s | %llu | %.1f | %llu | %.4g | %.2f | %s | %.0f | %.0f | %.3f |\n", r.c.name.c_str(),
                  r.c.what.c_str(), r.replanned ? ", replanned" : "", r.shapes.c_str(), (unsigned long long)r.pes,
                  r.measured, (unsigned long long)r.predicted, kClockHz / r.measured, base_interval / r.measured,
                  r.c.seeds > 0 ? (std::to_string(r.c.seeds).substr(0, 3) + "x").c_str() : "-",
                  double(r.busy) / batch, double(r.wavelets) / batch, mean);
    }
    std::printf("\nmeasured input density per layer (0 = the network's input):\n");
    for (const Row& r : rows) {
      if (r.replanned) continue;
      std::printf("(%s)", r.c.name.c_str());
      for (double d : r.density) std::printf(" %.2f", d);
      std::printf("\n");
    }
    if (args.count("json")) {
      nlohmann::ordered_json j = nlohmann::ordered_json::array();
      for (const Row& r : rows) {
        j.push_back({{"case", r.c.name},
                     {"what", r.c.what},
                     {"replanned", r.replanned},
                     {"shapes", r.shapes},
                     {"pes", r.pes},
                     {"measured", r.measured},
                     {"predicted", r.predicted},
                     {"speedup", base_interval / r.measured},  // measured 0: infinite, printed as null
                     {"busy", r.busy},
                     {"wavelets", r.wavelets},
                     {"density", r.density}});
      }
      std::ofstream(args["json"].as<std::string>()) << json_text(j) << "\n";
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wafer_bench_mapper_sparsity: %s\n", e.what());
    return 1;
  }
}
