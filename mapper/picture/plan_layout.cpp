#include "mapper/picture/plan_layout.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "host/model/constants.h"
#include "host/model/error.h"
#include "host/picture/bitmap_font.h"

namespace wafer::mapper {

namespace {

constexpr uint32_t kMapMinSide = 1200;  // small grids are scaled up until the longer side reaches this
constexpr uint32_t kMapMaxSide = 2350;  // large grids are kept within this (at least 1 pixel a PE)
constexpr uint32_t kTickTextScale = 2;
constexpr uint32_t kMinLabelScale = 2;  // smaller labels are unreadable once the picture is shown scaled down
constexpr uint32_t kReadableLabelScale = 3;  // labels with the replica are preferred from this size on
constexpr uint32_t kMaxLabelScale = 16;
constexpr size_t kMaxLegendChars = 42;
constexpr uint32_t kMargin = 12;
constexpr uint32_t kTickLength = 5;
constexpr double kGoldenAngle = 137.50776405003785;
constexpr double kFirstHue = 210.0;  // layer 0 is blue
constexpr double kSaturation = 0.68;
// Four lightnesses, so that layers whose golden-angle hues come close (13, 21, 34 layers apart: the
// Fibonacci distances) differ in lightness.
constexpr double kLightness[4] = {0.50, 0.70, 0.38, 0.60};
constexpr double kReplicaLightnessStep = 0.10;

Rgb hsl(double hue, double s, double l) {
  const double c = (1 - std::fabs(2 * l - 1)) * s;
  const double hp = std::fmod(hue, 360.0) / 60.0;
  const double x = c * (1 - std::fabs(std::fmod(hp, 2.0) - 1));
  double r = 0, g = 0, b = 0;
  if (hp < 1)
    r = c, g = x;
  else if (hp < 2)
    r = x, g = c;
  else if (hp < 3)
    g = c, b = x;
  else if (hp < 4)
    g = x, b = c;
  else if (hp < 5)
    r = x, b = c;
  else
    r = c, b = x;
  const double m = l - c / 2;
  auto to8 = [m](double v) { return uint8_t(std::lround(std::clamp(v + m, 0.0, 1.0) * 255)); };
  return {to8(r), to8(g), to8(b)};
}

double luminance(Rgb c) {
  return 0.299 * c.r + 0.587 * c.g + 0.114 * c.b;
}

std::string to_str(uint64_t v) {
  return std::to_string(v);
}

// 7.26e+08 -> "726M".
std::string si(double v) {
  const char* suffix[] = {"", "k", "M", "G", "T"};
  int k = 0;
  while (v >= 1000 && k < 4) v /= 1000, ++k;
  char s[32];
  std::snprintf(s, sizeof s, v >= 100 || k == 0 ? "%.0f%s" : "%.3g%s", v, suffix[k]);
  return s;
}

std::string basename(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string truncate(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  return max < 3 ? s.substr(0, max) : s.substr(0, max - 2) + "..";
}

// The largest text scale at which `lines` fit in w x h pixels (0 when they do not fit at scale 1).
uint32_t fit_scale(const std::vector<std::string>& lines, uint32_t w, uint32_t h) {
  size_t chars = 0;
  for (const auto& l : lines) chars = std::max(chars, l.size());
  if (chars == 0) return 0;
  const uint32_t text_w = uint32_t(chars * kGlyphAdvance - 1);
  const uint32_t text_h = uint32_t((lines.size() - 1) * kLineAdvance + kCapHeight);
  return std::min({w / text_w, h / text_h, kMaxLabelScale});
}

struct Fit {
  std::vector<std::string> lines;
  uint32_t scale = 0;
};

Fit best_fit(const std::vector<std::vector<std::string>>& candidates, uint32_t w, uint32_t h) {
  Fit best;
  for (const auto& c : candidates) {
    const uint32_t s = fit_scale(c, w, h);
    if (s > best.scale) best = {c, s};
  }
  return best;
}

std::vector<std::string> stacked(const std::string& s) {
  std::vector<std::string> lines;
  for (char c : s) lines.push_back(std::string(1, c));
  return lines;
}

// The region's label: the layer index, with "r<k>" below or beside it for replicas when that still reads
// at a reasonable size; digits stacked in tall, narrow regions. The choice is made for the widest replica
// number, so that every replica of a layer (all the same size) is labelled alike.
void place_label(RegionLayout& r, uint32_t replicas) {
  const PixelBox& b = r.box;
  const uint32_t pad = std::max(1u, std::min(b.w, b.h) / 12) + r.region.border;
  if (b.w <= 2 * pad || b.h <= 2 * pad) return;
  const uint32_t w = b.w - 2 * pad, h = b.h - 2 * pad;
  const std::string index = to_str(r.region.layer);
  Fit fit = best_fit({{index}, stacked(index)}, w, h);
  if (replicas > 1) {
    const std::string widest = "r" + std::string(to_str(replicas - 1).size(), '8');
    const std::string replica = "r" + to_str(r.region.replica);
    Fit with_replica = best_fit({{index, widest}, {index + " " + widest}}, w, h);
    if (with_replica.scale >= std::max(kMinLabelScale, std::min(fit.scale / 2, kReadableLabelScale))) {
      for (std::string& line : with_replica.lines) {
        const size_t at = line.find(widest);
        if (at != std::string::npos) line.replace(at, widest.size(), replica);
      }
      fit = with_replica;
    }
  }
  if (fit.scale < kMinLabelScale) return;
  const uint32_t s = fit.scale;
  const uint32_t text_h = uint32_t((fit.lines.size() - 1) * kLineAdvance + kCapHeight) * s;
  uint32_t y = b.y + (b.h - text_h) / 2;
  for (const std::string& line : fit.lines) {
    const uint32_t tw = text_width(line, s);
    r.label.push_back({line, b.x + (b.w - tw) / 2, y, s, r.text_colour});
    r.region.label += (r.region.label.empty() ? "" : "\n") + line;
    y += kLineAdvance * s;
  }
}

// The smallest 1, 2, 5 x 10^k step whose spacing in pixels is at least `min_pixels`.
uint32_t nice_step(uint32_t scale, uint32_t min_pixels) {
  for (uint64_t decade = 1;; decade *= 10)
    for (uint64_t m : {1, 2, 5})
      if (m * decade * scale >= min_pixels) return uint32_t(m * decade);
}

struct LegendEntry {
  std::string text;
  uint32_t scale = 2;
  bool swatch = false;
  Rgb fill, border;
  uint32_t group = 0;
};

std::string layer_tooltip(const LayerGraph& g, const Plan& p, const LayerPlan& l, uint32_t replica) {
  const Rect r = l.rect();
  std::string s = "L" + to_str(l.index) + " " + l.name;
  if (p.replicas > 1) s += " (replica " + to_str(replica) + ")";
  if (l.index < g.layers.size()) {
    const FcLayer& fc = g.layers[l.index];
    s += ": W " + to_str(fc.out) + "x" + to_str(fc.in) + " fc+" + activation_name(fc.act);
  }
  s += "; " + to_str(l.lanes) + " lanes x " + to_str(l.chain) + " chain" +
       (l.positions > l.chain ? " + ReLU epilogue" : "") + ", block " + to_str(l.cost.m_max) + "x" +
       to_str(l.cost.n_max) + "; PEs (" + to_str(r.x) + "," + to_str(r.y) + ") " + to_str(r.w) + "x" +
       to_str(r.h) + "; predicted interval " + to_str(l.cost.interval) + " cycles/sample";
  return s;
}

void check_inside(const Plan& p, const Rect& r, const std::string& what) {
  if (uint64_t(r.x) + r.w > p.grid_width || uint64_t(r.y) + r.h > p.grid_height)
    throw Error("plan picture: " + what + " covers PEs (" + to_str(r.x) + "," + to_str(r.y) + ") " +
                to_str(r.w) + "x" + to_str(r.h) + ", outside the " + to_str(p.grid_width) + "x" +
                to_str(p.grid_height) + " grid");
}

// The last layer's output paths of one replica, as the image routes them (fc_output_path), in the
// picture's half-PE units (2x + 1 is a PE's centre, 2x its west edge); also their extent. With bands, a
// band's paths are drawn down to the next band only: below, they pass through the lower bands' regions
// on colors of their own, and the lowest band's paths carry on to the edge in the same columns.
std::vector<LanePath> output_paths(const Plan& p, uint32_t replica, Rect& extent) {
  const LayerPlan l = p.layer_of_replica(uint32_t(p.layers.size() - 1), replica);
  const uint32_t W = p.grid_width;
  const uint32_t band = p.band_of(replica);
  const uint32_t H = band + 1 < p.bands() ? (band + 1) * p.band_pitch : p.grid_height;  // rows drawn
  std::vector<LanePath> paths;
  uint32_t x0 = UINT32_MAX, y0 = UINT32_MAX, x1 = 0, y1 = 0;  // extent, inclusive
  for (uint32_t lane = 0; lane < l.lanes; ++lane) {
    OutputPath op;
    try {
      op = fc_output_path(l, lane, p.output_route, W, p.grid_height, p.corridor_x(replica));
      for (auto& [x, y] : op.corners) y = std::min(y, H - 1);  // the last run, cut at the next band
      op.corners.erase(std::unique(op.corners.begin(), op.corners.end()), op.corners.end());
    } catch (const Error& e) {
      throw Error("plan picture: replica " + to_str(replica) + ": " + e.what());
    }
    if (op.corners.empty()) continue;  // the chain ends at the grid's edge: the output stream is right there
    LanePath path;
    // From the chain end's edge into the first PE, through each corner's centre, out over the grid's edge.
    const auto [fx, fy] = op.corners.front();
    const bool from_west = l.chain_out_port() == kEast;
    path.points.push_back(from_west ? std::pair{2 * fx, 2 * fy + 1} : std::pair{2 * fx + 1, 2 * fy});
    for (const auto& [x, y] : op.corners) {
      path.points.push_back({2 * x + 1, 2 * y + 1});
      x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
    }
    const auto [lx, ly] = op.corners.back();
    path.points.back() = op.port.port == kEast ? std::pair{2 * W, 2 * ly + 1} : std::pair{2 * lx + 1, 2 * H};
    paths.push_back(std::move(path));
  }
  if (!paths.empty()) extent = {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
  return paths;
}

}  // namespace

Rgb plan_layer_colour(uint32_t layer, uint32_t replica) {
  const double hue = std::fmod(kFirstHue + layer * kGoldenAngle, 360.0);
  double l = kLightness[layer % 4];
  if (replica % 2) l += l < 0.55 ? kReplicaLightnessStep : -kReplicaLightnessStep;
  return hsl(hue, kSaturation, l);
}

Rgb plan_output_colour(uint32_t last_layer) {
  return mix(plan_layer_colour(last_layer, 0), Rgb{150, 150, 150}, 0.45);
}

PlanLayout layout_plan(const LayerGraph& g, const Plan& p, const PictureOptions& options) {
  if (p.layers.empty()) throw Error("plan picture: the plan has no layers");
  if (p.grid_width == 0 || p.grid_height == 0)
    throw Error("plan picture: the grid is " + to_str(p.grid_width) + "x" + to_str(p.grid_height));
  PlanLayout out;
  out.grid_width = p.grid_width, out.grid_height = p.grid_height;
  const uint32_t longer = std::max(p.grid_width, p.grid_height);
  out.scale = std::max(1u, std::min(kMapMaxSide / longer, (kMapMinSide + longer - 1) / longer));
  const uint32_t s = out.scale;
  const uint32_t map_w = p.grid_width * s, map_h = p.grid_height * s;
  const uint32_t text = std::max(map_w, map_h) >= 1000 ? 3 : 2;  // legend text scale

  // Coordinates along the north and west sides: a tick at the west / north edge of every step-th PE.
  const uint32_t ts = kTickTextScale;
  const std::string widest_tick = to_str(std::max(p.grid_width, p.grid_height) - 1);
  const uint32_t step = nice_step(s, std::max(text_width(widest_tick, ts) + 8 * ts, 24 * ts));
  const uint32_t top = kMargin + kCapHeight * ts + 3 + kTickLength + out.outline;
  const uint32_t left = kMargin + text_width(widest_tick, ts) + 3 + kTickLength + out.outline;
  out.map = {left, top, map_w, map_h};
  for (uint32_t x = 0; x < p.grid_width; x += step) {
    const uint32_t px = out.map.x + x * s;
    out.tick_marks.push_back({px, top - out.outline - kTickLength, 1, kTickLength});
    const std::string label = to_str(x);
    const uint32_t w = text_width(label, ts);
    out.texts.push_back({label, px >= w / 2 ? px - w / 2 : 0, kMargin, ts, kTextColour});
  }
  for (uint32_t y = 0; y < p.grid_height; y += step) {
    const uint32_t py = out.map.y + y * s;
    out.tick_marks.push_back({left - out.outline - kTickLength, py, kTickLength, 1});
    const std::string label = to_str(y);
    const uint32_t ty = py >= kCapHeight * ts / 2 ? py - kCapHeight * ts / 2 : 0;
    out.texts.push_back(
        {label, left - out.outline - kTickLength - 3 - text_width(label, ts), ty, ts, kTextColour});
  }

  auto box_of = [&](const Rect& r) {
    return PixelBox{out.map.x + r.x * s, out.map.y + r.y * s, r.w * s, r.h * s};
  };
  const uint32_t last = uint32_t(p.layers.size() - 1);
  bool any_outputs = false;
  if (options.outputs) {
    out.lane_line = s >= 4 ? std::clamp(s / 5, 1u, 10u) : 0;
    for (uint32_t r = 0; r < p.replicas; ++r) {
      RegionLayout reg;
      reg.lanes = output_paths(p, r, reg.region.pes);
      if (reg.lanes.empty()) continue;
      check_inside(p, reg.region.pes, "the output paths of replica " + to_str(r));
      const LayerPlan l = p.layer_of_replica(last, r);
      reg.region.kind = PictureRegion::Kind::kOutputs;
      reg.region.layer = last, reg.region.replica = r;
      reg.region.colour = plan_output_colour(last);
      reg.region.tooltip = "outputs of L" + to_str(last) + (p.replicas > 1 ? " replica " + to_str(r) : "") +
                           ": " + to_str(l.lanes) + " lane(s) passed on to the grid's " +
                           (l.lanes_are_rows && !p.outputs_turn_south() ? "east" : "south") + " edge";
      reg.box = box_of(reg.region.pes);
      out.regions.push_back(std::move(reg));
      any_outputs = true;
    }
  }
  for (uint32_t r = 0; r < p.replicas; ++r) {
    for (uint32_t i = 0; i < p.layers.size(); ++i) {
      const LayerPlan l = p.layer_of_replica(i, r);
      RegionLayout reg;
      reg.region.layer = i, reg.region.replica = r;
      reg.region.pes = l.rect();
      check_inside(p, reg.region.pes, "layer " + to_str(i) + " of replica " + to_str(r));
      reg.region.colour = plan_layer_colour(i, r);
      reg.region.tooltip = layer_tooltip(g, p, l, r);
      reg.box = box_of(reg.region.pes);
      reg.region.border = reg.box.w >= 6 && reg.box.h >= 6 ? std::clamp(s / 8, 1u, 3u) : 0;
      reg.region.border_colour = mix(reg.region.colour, Rgb{0, 0, 0}, 0.45);
      reg.text_colour = luminance(reg.region.colour) > 150 ? kTextColour : Rgb{255, 255, 255};
      if (options.labels) place_label(reg, p.replicas);
      out.regions.push_back(std::move(reg));
    }
  }

  // The legend, in three groups: the model, grid and blend figures; one line per layer; the key.
  std::vector<LegendEntry> legend;
  uint32_t group = 0;
  auto add = [&](const std::string& t, uint32_t scale = 0) {
    LegendEntry e;
    e.text = truncate(t, kMaxLegendChars), e.scale = scale ? scale : text, e.group = group;
    legend.push_back(e);
  };
  auto add_swatch = [&](const std::string& t, Rgb fill) {
    add(t);
    legend.back().swatch = true;
    legend.back().fill = fill, legend.back().border = mix(fill, Rgb{0, 0, 0}, 0.45);
  };
  add(truncate(p.model.empty() ? std::string("plan") : basename(p.model), kMaxLegendChars * 3 / 4), text + 1);
  add("grid " + to_str(p.grid_width) + "x" + to_str(p.grid_height) + ", " + to_str(s) + " px per PE");
  add(to_str(p.replicas) + (p.replicas > 1 ? " replicas" : " replica") + " x " + to_str(p.layers.size()) +
      (p.layers.size() > 1 ? " layers" : " layer"));
  if (p.bands() > 1) add("in " + to_str(p.bands()) + " bands of " + to_str(p.replicas_per_band));
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.2f%%", 100.0 * double(p.pes()) / (double(p.grid_width) * p.grid_height));
  add(to_str(p.pes()) + " PEs used (" + pct + ")");
  add("interval " + to_str(p.interval) + " cycles/sample (" + (p.io_bound() ? std::string("ports") : "L" + to_str(p.bottleneck)) + ")");
  add("latency " + to_str(p.latency) + " cycles");
  add(si(p.samples_per_second()) + " samples/s at " + si(kClockHz) + "Hz");
  group = 1;
  for (const LayerPlan& l : p.layers) {
    const std::string shape = to_str(l.lanes) + "x" + to_str(l.chain) + (l.positions > l.chain ? "+1" : "");
    add_swatch("L" + to_str(l.index) + " " + shape + " " + l.name, plan_layer_colour(l.index, 0));
  }
  group = 2;
  add_swatch("unused PE", kUnusedPeColour);
  if (any_outputs) add_swatch("output paths", plan_output_colour(last));

  auto line_height = [](const LegendEntry& e) { return (kLineAdvance + 2) * e.scale; };
  auto entry_width = [](const LegendEntry& e) {
    return (e.swatch ? (kCapHeight + 2) * e.scale + 3 * e.scale : 0) + text_width(e.text, e.scale);
  };
  uint32_t group_h[3] = {}, tallest = 0;
  for (const auto& e : legend)
    group_h[e.group] += line_height(e), tallest = std::max(tallest, line_height(e));
  const uint32_t gap = 8 * text, blank = line_height(legend.back());
  // East of the map the groups follow each other down one column (a new one where the map ends); south of
  // it each group starts a column, the layers' wrapping to the summary's height.
  const bool legend_east = p.grid_width <= p.grid_height;
  const uint32_t lx = legend_east ? out.map.x + map_w + out.outline + gap : out.map.x;
  const uint32_t ly = legend_east ? out.map.y : out.map.y + map_h + out.outline + gap;
  const uint32_t column_h = legend_east ? std::max(map_h, tallest) : std::max(group_h[0], group_h[2]);
  uint32_t x = lx, y = ly, column_w = 0, right = lx, bottom = ly;
  for (size_t i = 0; i < legend.size(); ++i) {
    const LegendEntry& e = legend[i];
    const uint32_t h = line_height(e);
    const bool new_group = i > 0 && e.group != legend[i - 1].group;
    if (new_group && legend_east) y += blank;
    if (y > ly && ((new_group && !legend_east) || y + h > ly + column_h))
      x += column_w + gap, y = ly, column_w = 0;
    uint32_t tx = x;
    if (e.swatch) {
      const uint32_t side = (kCapHeight + 2) * e.scale;
      out.swatches.push_back({{x, y, side, side}, e.fill, e.border});
      tx += side + 3 * e.scale;
    }
    out.texts.push_back({e.text, tx, y + e.scale, e.scale, kTextColour});
    column_w = std::max(column_w, entry_width(e));
    right = std::max(right, x + column_w);
    bottom = std::max(bottom, y + h);
    y += h;
  }
  out.width = std::max(out.map.x + map_w + out.outline, right) + kMargin;
  out.height = std::max(out.map.y + map_h + out.outline, bottom) + kMargin;
  return out;
}

}  // namespace wafer::mapper
