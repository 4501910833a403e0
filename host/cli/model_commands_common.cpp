#include "host/cli/model_commands_common.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "host/engine/host_memory.h"
#include "host/engine/machine_state.h"
#include "host/model/error.h"
#include "mapper/image/pipeline_image.h"

namespace wafer::cli {

void add_plan_options(cxxopts::Options& opts) {
  opts.add_options()("grid", "wse2, wse3 or WIDTHxHEIGHT", cxxopts::value<std::string>()->default_value("wse3"))(
      "block", "use the uniform rule with this block side instead of the search",
      cxxopts::value<uint32_t>()->default_value("0"))(
      "replicas", "force this many data-parallel replicas (0: searched)",
      cxxopts::value<uint32_t>()->default_value("0"))(
      "shape", "force layer I to K lanes x C chain positions: I=KxC (repeatable)",
      cxxopts::value<std::vector<std::string>>());
}

namespace {

std::pair<uint32_t, std::pair<uint32_t, uint32_t>> parse_shape(const std::string& s) {
  const auto eq = s.find('='), x = s.find('x', eq == std::string::npos ? 0 : eq);
  try {
    if (eq != std::string::npos && x != std::string::npos) {
      size_t a = 0, b = 0, c = 0;
      const unsigned long i = std::stoul(s.substr(0, eq), &a);
      const unsigned long k = std::stoul(s.substr(eq + 1, x - eq - 1), &b);
      const unsigned long ch = std::stoul(s.substr(x + 1), &c);
      if (a == eq && b == x - eq - 1 && c == s.size() - x - 1 && k <= UINT32_MAX && ch <= UINT32_MAX)
        return {uint32_t(i), {uint32_t(k), uint32_t(ch)}};
    }
  } catch (const std::exception&) {
  }
  throw Error("--shape '" + s + "': expected LAYER=KxC, for example 0=16x8 (16 lanes, 8 chain positions)");
}

std::string blend(const mapper::Plan& p) {
  std::ostringstream o;
  o << p.replicas << " replica(s)";
  if (p.bands() > 1) o << " in " << p.bands() << " bands";
  o << " x " << p.layers.size() << " layers, " << p.pes() << " PEs ("
    << 100.0 * double(p.pes()) / (double(p.grid_width) * p.grid_height) << "% of the grid), " << p.interval
    << " cycles/sample per pipeline, " << p.samples_per_second() << " samples/s predicted; lanes per layer:";
  for (const auto& l : p.layers) o << " " << l.lanes;
  o << ", C0 " << p.layers.front().chain;
  return o.str();
}

}  // namespace

PlanChoice choose_plan(const mapper::LayerGraph& g, const GridSize& grid, const cxxopts::ParseResult& args,
                       uint32_t max_replicas) {
  PlanChoice c;
  const uint32_t block = args["block"].as<uint32_t>();
  const bool forced = args["replicas"].as<uint32_t>() || args.count("shape");
  if (block) {
    if (forced) throw Error("--block (the uniform rule) cannot be combined with --replicas or --shape");
    c.plan = mapper::place_staircase(g, grid.width, grid.height, {.block = block});
    return c;
  }
  mapper::SearchOptions o;
  o.replicas = args["replicas"].as<uint32_t>();
  o.max_replicas = max_replicas;
  if (args.count("shape"))
    for (const auto& s : args["shape"].as<std::vector<std::string>>()) {
      const auto [layer, kc] = parse_shape(s);
      if (!o.shapes.emplace(layer, kc).second) throw Error("--shape: layer " + std::to_string(layer) + " given twice");
    }
  c.search = mapper::search_plan(g, grid.width, grid.height, o);
  c.plan = c.search->plan;
  return c;
}

std::string describe_choice(const PlanChoice& c) {
  std::string s = "blend: " + blend(c.plan) + "\n";
  if (c.search && c.search->forced) {
    if (c.search->unforced.layers.empty())
      s += "without the forced choices: nothing fits\n";
    else
      s += "the search alone would choose: " + blend(c.search->unforced) + "\n";
  }
  return s;
}

void check_image_fits_memory(const std::string& model, const mapper::Plan& plan, bool and_cpu_state) {
  // Building an image takes about its SRAM contents (measured: the wide network on wse3 with 3 replicas,
  // 1.6 GB of blocks, 1.6 GB more resident; save_image streams to the file), plus room for validation.
  const uint64_t sram = mapper::pipeline_image_sram_bytes(plan), image = sram + sram / 2;
  // The CPU engine's state sizes every PE's SRAM to the largest block (Image::sram_words), beside the image.
  uint32_t words = 0;
  for (const auto& l : plan.layers) words = std::max(words, l.cost.data_words);
  const uint64_t state =
      and_cpu_state ? MachineState::bytes_needed(plan.grid_width, plan.grid_height, std::min(words, kSramWords)) : 0;
  const HostMemory mem = host_memory();
  if (mem.available && image + state > mem.available) {
    std::string what = "the image of this plan (" + std::to_string(plan.replicas) + " replica(s), " + gib(sram) +
                       " of SRAM contents) needs about " + gib(image);
    if (state) what += " and the CPU engine's machine state " + gib(state);
    throw Error(model + ": " + what + " of host memory, but " + gib(mem.available) +
                " is available: use fewer --replicas or a smaller --grid" +
                (and_cpu_state ? std::string() : " (or --no-image, for plan.json and the pictures only)"));
  }
}

}  // namespace wafer::cli
