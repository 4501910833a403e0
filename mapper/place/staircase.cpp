#include "mapper/place/staircase.h"

#include <algorithm>
#include <sstream>

#include "host/model/constants.h"
#include "host/model/error.h"
#include "host/kernels/fc_kernel.h"
#include "mapper/cost/io.h"
#include "mapper/cost/latency.h"

namespace wafer::mapper {

namespace {

uint32_t ceil_div(uint32_t a, uint32_t b) {
  return (a + b - 1) / b;
}

// The colors of a layer: x arrives on x_color; the two reduction colors are the other two of {0, 1, 2}.
// Routes are per PE and wavelets never leave a layer except on the chain end's color, so three colors
// serve the whole network.
void assign_colors(LayerPlan& l, uint32_t x_color) {
  l.x_color = x_color;
  uint32_t k = 0;
  for (uint32_t c = 0; c < 3; ++c)
    if (c != x_color) l.reduce_colors[k++] = c;
}

}  // namespace

uint64_t Plan::pes() const {
  uint64_t n = 0;
  for (const auto& l : layers) n += uint64_t(l.rect().w) * l.rect().h;
  return n * replicas;
}

double Plan::samples_per_second() const {
  return interval ? replicas * kClockHz / double(interval) : 0.0;
}

BandColors band_colors(const Plan& p, uint32_t band) {
  const uint32_t B = p.bands();
  if (band >= B) throw Error("plan: band " + std::to_string(band) + " of " + std::to_string(B));
  if (B > kMaxBands) throw Error("plan: " + std::to_string(B) + " bands; the colors allow " + std::to_string(kMaxBands));
  BandColors c;
  c.in = band == 0 ? p.layers.front().x_color : 3 + (band - 1);
  c.exit = band + 1 == B ? p.layers.back().output_color() : 3 + (B - 1) + band;
  return c;
}

LayerPlan Plan::layer_of_replica(uint32_t layer, uint32_t replica) const {
  LayerPlan l = layers.at(layer);
  if (replica >= replicas) throw Error("plan: replica " + std::to_string(replica) + " of " + std::to_string(replicas));
  l.x += position_of(replica) * replica_pitch;
  l.y += band_of(replica) * band_pitch;
  if (bands() > 1) {
    const BandColors c = band_colors(*this, band_of(replica));
    if (layer == 0) l.x_color = c.in;  // its reduce colors stay those of band 0, other than c.in
    if (layer + 1 == layers.size()) l.reduce_colors[(l.positions - 1) % 2] = c.exit;
  }
  return l;
}

Plan staircase_for_shapes(const LayerGraph& g, uint32_t grid_width, uint32_t grid_height, uint32_t chain0,
                          const std::vector<uint32_t>& lanes, uint32_t replicas, bool with_latency) {
  Plan plan;
  plan.model = g.source;
  plan.grid_width = grid_width, plan.grid_height = grid_height;
  uint32_t x = 0, y = 0, x_color = 0;
  uint32_t chain = chain0;
  for (uint32_t i = 0; i < g.layers.size(); ++i) {
    const FcLayer& fc = g.layers[i];
    LayerPlan l;
    l.index = i;
    l.name = fc.name;
    l.chain = chain;
    l.lanes = lanes.at(i);
    l.positions = chain_positions(l.chain, fc.act, fc.zero_below > 0);
    l.lanes_are_rows = i % 2 == 0;
    l.x = x, l.y = y;
    assign_colors(l, x_color);
    l.cost = predict_layer(g, uint32_t(i), l.shape());
    const Rect r = l.rect();
    plan.extent_width = std::max(plan.extent_width, r.x + r.w);
    plan.extent_height = std::max(plan.extent_height, r.y + r.h);
    // The next layer starts where this one's outputs leave.
    if (l.lanes_are_rows)
      x += r.w;
    else
      y += r.h;
    x_color = l.output_color();
    chain = l.lanes;
    if (l.cost.interval >= plan.interval) {
      plan.interval = l.cost.interval;
      plan.bottleneck = i;
    }
    plan.layers.push_back(l);
  }
  set_replicas(g, plan, replicas);
  if (with_latency) predict_latency(g, plan);
  return plan;
}

ReplicaLayout replica_layout(const Plan& one, bool replicated, bool banded) {
  const LayerPlan& last = one.layers.back();
  ReplicaLayout l;
  if (banded && !last.lanes_are_rows)
    l.route = OutputRoute::kCorridor;
  else if (replicated && last.lanes_are_rows)
    l.route = OutputRoute::kTurnSouth;
  const bool turns = l.route != OutputRoute::kStraight, corridor = l.route == OutputRoute::kCorridor;
  l.pitch = one.extent_width + (turns ? last.lanes : 0);
  l.band_pitch = one.extent_height + (corridor ? last.lanes : 0);
  l.last_band_height = one.extent_height + (corridor ? last.lanes : 0);
  return l;
}

void set_replicas(const LayerGraph& g, Plan& plan, uint32_t replicas) {
  plan.replicas = std::max(replicas, 1u);
  // Bands: as many replicas side by side as the grid's width holds, the rest in bands below.
  auto lay_out = [&](bool banded) {
    const ReplicaLayout l = replica_layout(plan, plan.replicas > 1, banded);
    plan.output_route = l.route, plan.replica_pitch = l.pitch, plan.band_pitch = l.band_pitch;
    plan.replicas_per_band = std::max(1u, std::min(plan.replicas, plan.grid_width / std::max(l.pitch, 1u)));
  };
  lay_out(false);
  if (plan.bands() > 1) lay_out(true);
  plan.io_interval = io_interval(g, plan, plan.bands());
  plan.interval = std::max(plan.layers.at(plan.bottleneck).cost.interval, plan.io_interval);
}

Plan staircase_for_block(const LayerGraph& g, uint32_t grid_width, uint32_t grid_height, uint32_t block) {
  std::vector<uint32_t> lanes;
  for (const auto& fc : g.layers) lanes.push_back(std::min(fc.out, ceil_div(fc.out, block)));
  Plan plan = staircase_for_shapes(g, grid_width, grid_height,
                                   std::min(g.layers.front().in, ceil_div(g.layers.front().in, block)), lanes, 1);
  plan.block = block;
  std::ostringstream rule;
  rule << "uniform rule, block side b=" << block << ": K = ceil(M/b) lanes, C_0 = ceil(N/b), C_{l+1} = K_l";
  plan.rule = rule.str();
  return plan;
}

Plan place_staircase(const LayerGraph& g, uint32_t grid_width, uint32_t grid_height,
                     const PlacementOptions& options) {
  g.validate();
  auto fits_sram = [](const Plan& p, std::string* why) {
    for (const auto& l : p.layers) {
      if (!l.cost.fits_sram()) {
        if (why)
          *why = "layer " + std::to_string(l.index) + " ('" + l.name + "') needs " +
                 std::to_string(l.cost.data_words + l.cost.code_words) + " SRAM words per PE (a " +
                 std::to_string(l.cost.m_max) + "x" + std::to_string(l.cost.n_max) + " block), over the " +
                 std::to_string(kSramWords) + "-word SRAM";
        return false;
      }
    }
    return true;
  };
  auto fits_grid = [&](const Plan& p) { return p.extent_width <= grid_width && p.extent_height <= grid_height; };
  const uint32_t widest = [&] {
    uint32_t w = g.layers.front().in;
    for (const auto& l : g.layers) w = std::max(w, l.out);
    return w;
  }();

  if (options.block) {
    Plan p = staircase_for_block(g, grid_width, grid_height, options.block);
    std::string why;
    if (!fits_sram(p, &why)) throw Error(g.source + ": with block side " + std::to_string(options.block) + ", " + why);
    if (!fits_grid(p))
      throw Error(g.source + ": with block side " + std::to_string(options.block) + " the pipeline needs a " +
                  std::to_string(p.extent_width) + "x" + std::to_string(p.extent_height) + " region; the grid is " +
                  std::to_string(grid_width) + "x" + std::to_string(grid_height));
    return p;
  }
  // Larger b: fewer, fuller PEs (a smaller staircase) but more SRAM per PE. Take the smallest b that fits.
  Plan last;
  bool sram_ok_seen = false;
  for (uint32_t b = 1; b <= widest; ++b) {
    Plan p = staircase_for_block(g, grid_width, grid_height, b);
    const bool sram_ok = fits_sram(p, nullptr);
    if (sram_ok && fits_grid(p)) return p;
    if (sram_ok) {
      sram_ok_seen = true;
      last = p;
    } else if (sram_ok_seen) {
      break;  // blocks only grow from here
    }
  }
  if (!sram_ok_seen) {
    std::string why;
    fits_sram(staircase_for_block(g, grid_width, grid_height, widest), &why);
    throw Error(g.source + ": the model does not fit: even one PE per lane overflows a PE's SRAM: " + why);
  }
  // The smallest staircase whose blocks fit SRAM is still larger than the grid.
  uint64_t weights_words = g.weight_count();
  std::ostringstream msg;
  msg << g.source << ": the model does not fit the " << grid_width << "x" << grid_height
      << " grid: with the largest blocks a PE's SRAM holds (b=" << last.block << ") the layer pipeline needs a "
      << last.extent_width << "x" << last.extent_height << " region";
  if (last.extent_width > grid_width) msg << ", " << (last.extent_width - grid_width) << " columns too wide";
  if (last.extent_height > grid_height) msg << ", " << (last.extent_height - grid_height) << " rows too tall";
  msg << " (" << weights_words << " weights; the grid's SRAM holds " << uint64_t(grid_width) * grid_height * kSramWords
      << " words in all)";
  throw Error(msg.str());
}

}  // namespace wafer::mapper
