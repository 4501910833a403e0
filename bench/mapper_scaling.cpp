// How the mapping search scales with the wafer: the bundled wide network (8 x 4096, model parallel) and
// the digits MLP (64-128-10, small: data-parallel replicas) searched on grids of 1/16, 1/4 and all of
// wse3's area (aspect kept: 190x293, 381x586, 762x1172). Prints the chosen blend (replicas, lanes per
// layer, PEs, area used, predicted samples/s) and the speed-up against the 1/16 grid next to the area
// ratio, and where the emulation is affordable on the CPU engine runs it: predicted against measured
// samples/s, every run's outputs checked against the float64 reference (error bound) and the fp32 replay
// (bit for bit); a failed check exits non-zero.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cxxopts.hpp>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "host/cli/json_text.h"
#include "host/engine/engine.h"
#include "host/io/npy.h"
#include "host/model/constants.h"
#include "host/model/error.h"
#include "mapper/check/ordered_fp32.h"
#include "mapper/check/tolerance.h"
#include "mapper/image/pipeline_image.h"
#include "mapper/import/onnx_reference.h"
#include "mapper/plan_io.h"
#include "mapper/reference.h"
#include "mapper/run/batch_input.h"
#include "mapper/run/pipeline_run.h"
#include "mapper/search/search.h"
#include "mapper/sparsity/density.h"
#include "bench/command_line.h"

#ifndef WAFER_MODELS_DIR
#define WAFER_MODELS_DIR "data/models"
#endif

using namespace wafer;

namespace {

constexpr uint32_t kWse3Width = 762, kWse3Height = 1172;

struct GridChoice {
  const char* name;  // the fraction of wse3's area
  uint32_t divisor;  // of each side
};
constexpr GridChoice kGrids[] = {{"1/16", 4}, {"1/4", 2}, {"1", 1}};

struct Measured {
  double samples_per_second = 0;  // emulated, all replicas, at kClockHz, from the measured interval
  double interval = 0;
  uint32_t samples = 0;
  uint64_t cycles = 0;
  double run_seconds = 0, total_seconds = 0;  // the run alone; image build + run + checks
  double pe_cycles_per_second = 0, mapped_pe_cycles_per_second = 0;
  double worst_ratio = 0;
  uint64_t slot_measured = 0, slot_predicted = 0;  // the busiest layer's arithmetic-slot work per sample
};

struct Row {
  std::string model, grid_name;
  uint64_t weights = 0;
  uint32_t width = 0, height = 0;
  mapper::Plan plan;
  std::optional<Measured> measured;
  std::string note;  // why it was not measured
};

std::string lanes_of(const mapper::Plan& p) {
  std::string s;
  for (const auto& l : p.layers) s += (s.empty() ? "" : ",") + std::to_string(l.lanes);
  return s;
}

// The file's samples cycled up to `want` (0: the file's batch itself).
mapper::Batch cycled_batch(const mapper::LayerGraph& g, const mapper::Batch& file, uint32_t want) {
  if (want == 0 || want == file.size) return file;
  mapper::Batch b;
  b.size = want;
  const uint64_t n = g.input_size();
  for (uint32_t s = 0; s < want; ++s) {
    const auto from = file.values.begin() + int64_t((s % file.size) * n);
    b.values.insert(b.values.end(), from, from + int64_t(n));
  }
  return b;
}

Measured emulate(const std::string& path, const mapper::LayerGraph& g, const mapper::Plan& plan,
                 const mapper::Batch& batch, const NpyArray& raw, bool batch_is_file, unsigned threads) {
  const auto t0 = std::chrono::steady_clock::now();
  const Image im = mapper::build_pipeline_image(g, plan, batch.values, batch.size);
  auto engine = make_engine("cpu", {.threads = threads});
  engine->load(im);
  const mapper::PipelineRun run = mapper::run_pipeline(*engine, g, plan, batch.size);
  // The ONNX model is evaluated from its file (independent of the import) when the batch is the file's.
  const std::vector<double> ref = mapper::is_onnx_path(path) && batch_is_file
                                      ? mapper::evaluate_onnx_reference(path, raw.data, raw.shape)
                                      : mapper::evaluate_layer_graph(g, batch.values, batch.size);
  const mapper::CheckResult c = mapper::compare_with_reference(
      run.outputs, ref, mapper::output_error_bound(g, plan, batch.values, batch.size), g.output_size());
  const mapper::BitCompare bits =
      mapper::compare_bits(run.outputs, mapper::ordered_fp32_forward(g, plan, batch.values, batch.size));
  const std::string where =
      path + " on " + std::to_string(plan.grid_width) + "x" + std::to_string(plan.grid_height);
  if (!c.pass())
    throw Error("CHECK FAILED: " + where + ": " + std::to_string(c.outside) +
                " outputs outside the float64 bound (worst error " + std::to_string(c.worst_error) +
                ", bound " + std::to_string(c.worst_bound) + ")");
  if (!bits.equal())
    throw Error("CHECK FAILED: " + where + ": " + std::to_string(bits.differing) +
                " outputs differ from the fp32 replay (first " + std::to_string(bits.first) + ")");
  if (run.interval <= 0)
    throw Error(where + ": fewer than 4 samples reached replica 0; the interval cannot be measured");
  Measured m;
  m.samples_per_second = run.samples_per_second();
  m.interval = run.interval;
  m.samples = batch.size;
  m.cycles = run.cycles;
  m.run_seconds = run.seconds;
  m.total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  m.pe_cycles_per_second = run.pe_cycles_per_second();
  m.mapped_pe_cycles_per_second =
      run.seconds > 0 ? double(run.cycles) * double(run.mapped_pes) / run.seconds : 0;
  m.worst_ratio = c.worst_ratio;
  for (size_t i = 0; i < run.layers.size(); ++i) {
    m.slot_measured = std::max(m.slot_measured, run.layers[i].slot_per_sample);
    m.slot_predicted = std::max(m.slot_predicted, plan.layers[i].cost.slot_work);
  }
  return m;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options opts(
      "wafer_bench_mapper_scaling",
      "The mapping search on 1/16, 1/4 and all of wse3: chosen blends, predicted and emulated speed");
  opts.add_options()("models", "the bundled models' folder",
                     cxxopts::value<std::string>()->default_value(WAFER_MODELS_DIR))(
      "wide-samples", "samples per replica for the wide network's runs (the file's 2 cycled; at least 4)",
      cxxopts::value<uint32_t>()->default_value("8"))(
      "measure-wide", "grids (1/16, 1/4, 1; comma-separated, or none) on which to emulate the wide network",
      cxxopts::value<std::string>()->default_value("1/16,1/4"))(
      "digits-samples", "samples per replica for the digits runs (the 360 test samples cycled; at least 4)",
      cxxopts::value<uint32_t>()->default_value("8"))(
      "measure-digits", "grids on which to emulate digits",
      cxxopts::value<std::string>()->default_value("1/16,1/4,1"))(
      "threads", "CPU engine threads (0 = all)", cxxopts::value<unsigned>()->default_value("0"))(
      "json", "also write the table as JSON to this file", cxxopts::value<std::string>())("h,help",
                                                                                          "show help");
  try {
    const auto args = opts.parse(argc, argv);
    if (args.count("help")) {
      std::printf("%s\n", opts.help().c_str());
      return 0;
    }
    const std::string dir = args["models"].as<std::string>();
    unsigned threads = args["threads"].as<unsigned>();
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    for (const auto& opt : {"measure-wide", "measure-digits"})
      for (const auto& g : split_list(args[opt].as<std::string>()))
        if (g != "none" && std::none_of(std::begin(kGrids), std::end(kGrids),
                                        [&](const GridChoice& c) { return g == c.name; }))
          throw Error(std::string("--") + opt + " '" + g + "': the grids are 1/16, 1/4 and 1 (or none)");
    struct Model {
      std::string name, file, input;
      uint32_t per_replica;  // samples per replica (0: the file's batch as it is)
      std::vector<std::string> measure;
    };
    const std::vector<Model> models = {
        {"wide_8x4096", dir + "/wide_8x4096.json", dir + "/wide_8x4096_x.npy",
         args["wide-samples"].as<uint32_t>(), split_list(args["measure-wide"].as<std::string>())},
        {"digits_mlp", dir + "/digits_mlp.onnx", dir + "/digits_test_x.npy", args["digits-samples"].as<uint32_t>(),
         split_list(args["measure-digits"].as<std::string>())},
    };
    std::printf("CPU engine, %u thread(s); grids: 1/16, 1/4 and all of wse3 (%ux%u), aspect kept\n", threads,
                kWse3Width, kWse3Height);

    std::vector<Row> rows;
    for (const Model& md : models) {
      mapper::LayerGraph g = mapper::import_model(md.file);
      std::printf("\n%s: %zu layers, %llu weights\n", md.file.c_str(), g.layers.size(),
                  (unsigned long long)g.weight_count());
      std::fflush(stdout);
      const NpyArray raw = read_npy(md.input);
      const mapper::Batch file = mapper::batch_from_npy(raw, g, md.input);
      // Plan with the inputs' densities, as `wafer infer` does: the sparse kernel's work, and a banded plan's
      // port load, follow the non-zero inputs (the digits' pixels are 51 % non-zero).
      mapper::measure_densities(g, file.values, file.size);
      const bool batch_is_file = md.per_replica == 0;
      double rate_seen = 0;  // mapped PE-cycles per second of this model's last emulation, for estimates
      for (const GridChoice& gc : kGrids) {
        Row row;
        row.model = md.name, row.grid_name = gc.name, row.weights = g.weight_count();
        row.width = kWse3Width / gc.divisor, row.height = kWse3Height / gc.divisor;
        const auto t0 = std::chrono::steady_clock::now();
        row.plan = mapper::search_plan(g, row.width, row.height).plan;
        const double search_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const mapper::Plan& p = row.plan;
        std::printf(
            "  %s of wse3 (%ux%u): %u replica(s) in %u band(s), lanes %s, C0 %u, %llu PEs (%.1f%%), region %ux%u, "
            "interval %llu, latency %llu, %.4g samples/s predicted (search %.2f s)\n",
            gc.name, row.width, row.height, p.replicas, p.bands(), lanes_of(p).c_str(), p.layers.front().chain,
            (unsigned long long)p.pes(), 100.0 * double(p.pes()) / (double(row.width) * row.height),
            p.used_width(), p.used_height(), (unsigned long long)p.interval, (unsigned long long)p.latency,
            p.samples_per_second(), search_s);
        std::fflush(stdout);
        // Replica 0 must see 4 samples for the interval to be measured: the batch grows with R.
        const mapper::Batch batch = cycled_batch(g, file, md.per_replica * p.replicas);
        if (std::find(md.measure.begin(), md.measure.end(), gc.name) != md.measure.end()) {
          row.measured = emulate(md.file, g, p, batch, raw, batch_is_file, threads);
          const Measured& m = *row.measured;
          rate_seen = m.mapped_pe_cycles_per_second;
          std::printf(
              "    emulated %u samples: %.1f cycles/sample measured (%llu predicted), %.4g samples/s; "
              "%llu cycles in %.1f s (%.1f s with image and checks), %.3g PE-cycles/s over the grid, "
              "%.3g over the mapped PEs; busiest layer's slot work per sample %llu measured, %llu predicted; "
              "checks PASS (worst error %.2f of its bound, fp32 replay "
              "bit-identical)\n",
              m.samples, m.interval, (unsigned long long)p.interval, m.samples_per_second,
              (unsigned long long)m.cycles, m.run_seconds, m.total_seconds, m.pe_cycles_per_second,
              m.mapped_pe_cycles_per_second, (unsigned long long)m.slot_measured,
              (unsigned long long)m.slot_predicted, m.worst_ratio);
        } else {
          // An estimate of what the emulation would cost: the predicted cycles for replica 0's share of the
          // batch at the mapped PE-cycle rate this model reached on a smaller grid.
          const uint64_t per_replica = (batch.size + p.replicas - 1) / p.replicas;
          const double cycles = double(p.latency) + double(per_replica) * double(p.interval);
          std::ostringstream why;
          why << "not emulated (--measure-" << (md.name == "digits_mlp" ? "digits" : "wide") << ")";
          if (rate_seen > 0)
            why << "; estimated " << cycles * double(p.pes()) / rate_seen / 60.0 << " min for " << batch.size
                << " samples at the " << rate_seen << " mapped PE-cycles/s measured on the smaller grid";
          row.note = why.str();
          std::printf("    %s\n", row.note.c_str());
        }
        std::fflush(stdout);
        rows.push_back(std::move(row));
      }
    }

    nlohmann::ordered_json j = {{"benchmark", "mapper_scaling"},
                                {"command", bench::command_line(argc, argv)},
                                {"threads", threads},
                                {"hardware_threads", std::thread::hardware_concurrency()},
                                {"clock_hz", kClockHz},
                                {"rows", nlohmann::ordered_json::array()}};
    std::printf("\n%-12s %-5s %-9s %4s %-31s %4s %8s %6s %5s %7s %10s %10s %7s %7s %6s %7s\n", "model",
                "grid", "WxH", "R", "lanes per layer", "C0", "PEs", "area", "fma%", "interval", "pred/s",
                "meas/s", "err", "x_pred", "x_meas", "x_area");
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row& r = rows[i];
      const Row& base = rows[i - i % std::size(kGrids)];  // the model's 1/16 grid
      const mapper::Plan& p = r.plan;
      const double area = 100.0 * double(p.pes()) / (double(r.width) * r.height);
      // Predicted share of the mapped PEs' cycles that are multiply-adds: weights x samples per cycle / PEs.
      const double fma_share =
          100.0 * double(r.weights) * p.replicas / (double(p.interval) * double(p.pes()));
      const double x_pred = p.samples_per_second() / base.plan.samples_per_second();
      const double x_area = double(r.width) * r.height / (double(base.width) * base.height);
      const std::string wh = std::to_string(r.width) + "x" + std::to_string(r.height);
      char meas[32] = "-", err[32] = "-", x_meas[32] = "-";
      if (r.measured) {
        std::snprintf(meas, sizeof meas, "%.4g", r.measured->samples_per_second);
        std::snprintf(err, sizeof err, "%+.1f%%",
                      100.0 * (p.samples_per_second() - r.measured->samples_per_second) /
                          r.measured->samples_per_second);
        if (base.measured)
          std::snprintf(x_meas, sizeof x_meas, "%.2f",
                        r.measured->samples_per_second / base.measured->samples_per_second);
      }
      std::printf(
          "%-12s %-5s %-9s %4u %-31s %4u %8llu %5.1f%% %4.0f%% %7llu %10.4g %10s %7s %7.2f %6s %7.2f\n",
          r.model.c_str(), r.grid_name.c_str(), wh.c_str(), p.replicas, lanes_of(p).c_str(),
          p.layers.front().chain, (unsigned long long)p.pes(), area, fma_share,
          (unsigned long long)p.interval, p.samples_per_second(), meas, err, x_pred, x_meas, x_area);
      nlohmann::ordered_json row = {
          {"model", r.model},
          {"grid_fraction", r.grid_name},
          {"grid", wh},
          {"replicas", p.replicas},
          {"bands", p.bands()},
          {"lanes_per_layer", lanes_of(p)},
          {"chain0", p.layers.front().chain},
          {"pes", p.pes()},
          {"area_used_percent", area},
          {"fma_share_of_mapped_pe_cycles_predicted", fma_share / 100.0},
          {"region", std::to_string(p.used_width()) + "x" + std::to_string(p.used_height())},
          {"interval_predicted", p.interval},
          {"latency_predicted", p.latency},
          {"samples_per_second_predicted", p.samples_per_second()},
          {"speedup_vs_1_16_predicted", x_pred},
          {"area_ratio_vs_1_16", x_area}};
      if (r.measured) {
        const Measured& m = *r.measured;
        row["samples"] = m.samples;
        row["interval_measured"] = m.interval;
        row["samples_per_second_measured"] = m.samples_per_second;
        row["cycles"] = m.cycles;
        row["run_seconds"] = m.run_seconds;
        row["seconds_with_image_and_checks"] = m.total_seconds;
        row["pe_cycles_per_second"] = m.pe_cycles_per_second;
        row["mapped_pe_cycles_per_second"] = m.mapped_pe_cycles_per_second;
        row["slot_work_per_sample_busiest_layer_measured"] = m.slot_measured;
        row["slot_work_per_sample_busiest_layer_predicted"] = m.slot_predicted;
        row["check_worst_error_over_bound"] = m.worst_ratio;
        row["check_fp32_replay_bit_identical"] = true;
        if (base.measured)
          row["speedup_vs_1_16_measured"] = m.samples_per_second / base.measured->samples_per_second;
      } else {
        row["measured"] = false;
        row["note"] = r.note;
      }
      j["rows"].push_back(std::move(row));
    }
    std::printf(
        "\n"
        "R: data-parallel replicas; lanes per layer: K_l (C_{l+1} = K_l); C0: layer 0's chain positions\n"
        "area: mapped PEs / grid PEs; fma%%: predicted share of the mapped PEs' cycles that are "
        "multiply-adds "
        "(weights x R / interval / PEs)\n"
        "interval: predicted cycles per sample of one pipeline\n"
        "pred/s, meas/s: samples/s of all replicas at %.0f MHz (measured: from the emulated interval)\n"
        "x_pred, x_meas: speed-up against the model's 1/16 grid; x_area: the grid's area against the 1/16 "
        "grid\n",
        kClockHz / 1e6);
    if (args.count("json")) std::ofstream(args["json"].as<std::string>()) << json_text(j) << "\n";
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wafer_bench_mapper_scaling: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
