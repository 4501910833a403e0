#include "mapper/plan_io.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "host/model/error.h"
#include "mapper/import/json_import.h"
#include "mapper/import/onnx_import.h"

namespace wafer::mapper {

bool is_onnx_path(const std::string& path) {
  return path.size() >= 5 && path.compare(path.size() - 5, 5, ".onnx") == 0;
}

LayerGraph import_model(const std::string& path) {
  if (is_onnx_path(path)) return import_onnx(path);
  if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0) return import_json_layers(path);
  throw Error(path + ": expected an ONNX model (.onnx) or a JSON layer list (.json)");
}

std::string plan_json(const LayerGraph& g, const Plan& p) {
  nlohmann::ordered_json j;
  j["model"] = p.model;
  j["grid"] = {{"width", p.grid_width}, {"height", p.grid_height}};
  j["rule"] = p.rule;
  j["block"] = p.block;
  j["region"] = {{"width", p.extent_width}, {"height", p.extent_height}};
  j["pes"] = p.pes();
  j["replicas"] = {{"count", p.replicas},
                   {"pitch_columns", p.replica_pitch},
                   {"outputs_turn_south", p.outputs_turn_south()},
                   {"outputs_corridor", p.output_route == OutputRoute::kCorridor},
                   {"per_band", p.replicas_per_band},
                   {"bands", p.bands()},
                   {"band_pitch_rows", p.band_pitch}};
  j["predicted"] = {{"interval_cycles", p.interval},
                    {"io_interval_cycles", p.io_interval},
                    {"latency_cycles", p.latency},
                    {"bottleneck_layer", p.bottleneck},
                    {"samples_per_second_at_850MHz", p.samples_per_second()}};  // all replicas
  auto& layers = j["layers"] = nlohmann::ordered_json::array();
  for (const LayerPlan& l : p.layers) {
    const FcLayer& fc = g.layers.at(l.index);
    const Rect r = l.rect();
    layers.push_back({{"index", l.index},
                      {"name", l.name},
                      {"op", std::string("fc+") + activation_name(fc.act)},
                      {"weight_shape", {fc.out, fc.in}},
                      {"lanes", l.lanes},
                      {"chain", l.chain},
                      {"epilogue", l.positions > l.chain},
                      {"orientation", l.lanes_are_rows ? "lanes are rows (x from north, outputs east)"
                                                       : "lanes are columns (x from west, outputs south)"},
                      {"rect", {{"x", r.x}, {"y", r.y}, {"w", r.w}, {"h", r.h}}},
                      {"pes", uint64_t(r.w) * r.h},
                      {"block", {l.cost.m_max, l.cost.n_max}},
                      {"sram_words_per_pe", {{"data", l.cost.data_words}, {"code", l.cost.code_words}}},
                      {"colors", {{"x", l.x_color}, {"reduce", {l.reduce_colors[0], l.reduce_colors[1]}}}},
                      {"predicted", {{"interval_cycles", l.cost.interval}, {"latency_cycles", l.cost.latency}}}});
  }
  return j.dump(2);
}

std::string plan_table(const LayerGraph& g, const Plan& p) {
  std::ostringstream o;
  char line[1024];
  std::snprintf(line, sizeof line, "%-5s %-22s %-6s %-11s %-9s %-12s %7s %-8s %-10s %9s %9s\n", "layer", "name", "act",
                "W (MxN)", "KxC", "at (x,y)", "PEs", "block", "SRAM/PE", "interval", "latency");
  o << line;
  for (const LayerPlan& l : p.layers) {
    const FcLayer& fc = g.layers.at(l.index);
    const Rect r = l.rect();
    std::string name = l.name.size() > 22 ? l.name.substr(0, 19) + "..." : l.name;
    std::snprintf(line, sizeof line, "%-5u %-22s %-6s %-11s %-9s %-12s %7llu %-8s %-10s %9llu %9llu\n", l.index,
                  name.c_str(), activation_name(fc.act), (std::to_string(fc.out) + "x" + std::to_string(fc.in)).c_str(),
                  (std::to_string(l.lanes) + "x" + std::to_string(l.chain) + (l.positions > l.chain ? "+1" : "")).c_str(),
                  ("(" + std::to_string(r.x) + "," + std::to_string(r.y) + ")").c_str(),
                  (unsigned long long)(uint64_t(r.w) * r.h),
                  (std::to_string(l.cost.m_max) + "x" + std::to_string(l.cost.n_max)).c_str(),
                  (std::to_string(l.cost.data_words + l.cost.code_words) + " w").c_str(),
                  (unsigned long long)l.cost.interval, (unsigned long long)l.cost.latency);
    o << line;
  }
  std::snprintf(line, sizeof line,
                "%zu layers x %u replica(s) on %llu PEs (a %ux%u region of the %ux%u grid, %.2f%%); %s\n",
                p.layers.size(), p.replicas, (unsigned long long)p.pes(), p.used_width(), p.used_height(), p.grid_width,
                p.grid_height, 100.0 * double(p.pes()) / (double(p.grid_width) * p.grid_height), p.rule.c_str());
  o << line;
  if (p.bands() > 1) {
    std::snprintf(line, sizeof line,
                  "bands: %u, of up to %u replica(s) each, %u rows apart; they share the edge ports, which allow one "
                  "sample per %llu cycles per pipeline\n",
                  p.bands(), p.replicas_per_band, p.band_pitch, (unsigned long long)p.io_interval);
    o << line;
  }
  const std::string what =
      p.io_bound() ? "the shared edge ports are the bottleneck" : "layer " + std::to_string(p.bottleneck) + " is the bottleneck";
  std::snprintf(line, sizeof line,
                "predicted: %llu cycles/sample per pipeline (%s), latency %llu cycles, %.3g samples/s at 850 MHz\n",
                (unsigned long long)p.interval, what.c_str(), (unsigned long long)p.latency, p.samples_per_second());
  o << line;
  return o.str();
}

}  // namespace wafer::mapper
