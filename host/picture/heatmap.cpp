#include "host/picture/heatmap.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "host/model/error.h"
#include "host/picture/bitmap_font.h"
#include "host/picture/png_file.h"

namespace wafer {

namespace {

constexpr Rgb kBackground{255, 255, 255};
constexpr Rgb kInk{40, 40, 40};
constexpr uint32_t kMargin = 12;
constexpr uint32_t kTargetMapSide = 512;  // pixels the longer grid side aims for on small grids
constexpr uint32_t kMaxScale = 64;
constexpr uint32_t kBarWidth = 18;
constexpr uint32_t kPeEdgeMinScale = 8;  // pixels per PE from which PE edges are drawn

// Short, exact-enough labels: integers as integers, others with 4 significant digits.
std::string label(double v) {
  char buf[32];
  if (std::fabs(v) < 1e15 && v == std::floor(v)) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.4g", v);
  }
  return buf;
}

}  // namespace

Rgb viridis(double t) {
  static constexpr Rgb kAnchors[5] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
  if (!(t > 0)) return kAnchors[0];  // also NaN
  if (t >= 1) return kAnchors[4];
  const double u = t * 4;
  const int i = std::min(3, int(u));
  return mix(kAnchors[i], kAnchors[i + 1], u - i);
}

Heatmap render_heatmap(const HeatmapInput& in) {
  const uint64_t n = uint64_t(in.width) * in.height;
  if (n == 0) throw Error("heatmap: the grid is empty (" + std::to_string(in.width) + "x" + std::to_string(in.height) + ")");
  if (in.values.size() != n || (!in.present.empty() && in.present.size() != n)) {
    throw Error("heatmap: " + std::to_string(in.values.size()) + " values and " + std::to_string(in.present.size()) +
                " presence flags for a " + std::to_string(in.width) + "x" + std::to_string(in.height) + " grid");
  }
  Heatmap h;
  bool any = false;
  for (uint64_t p = 0; p < n; ++p) {
    if (!in.present.empty() && !in.present[p]) continue;
    const double v = in.values[p];
    if (!std::isfinite(v)) continue;
    h.lo = any ? std::min(h.lo, v) : v;
    h.hi = any ? std::max(h.hi, v) : v;
    any = true;
  }
  if (in.range_lo < in.range_hi) h.lo = in.range_lo, h.hi = in.range_hi;
  h.scale = std::clamp<uint32_t>(kTargetMapSide / std::max(in.width, in.height), 1, kMaxScale);
  const uint32_t map_w = in.width * h.scale, map_h = in.height * h.scale;
  // Text twice as large once the picture has room for it; the 762 x 1172 wafer gets 2.
  const uint32_t ts = std::max(map_w, map_h) >= 400 ? 2 : 1;
  const uint32_t line = kLineAdvance * ts;
  const std::string hi_text = label(h.hi), lo_text = label(h.lo);
  const uint32_t labels_w = std::max({text_width(hi_text, ts), text_width(lo_text, ts), text_width(in.quantity, ts),
                                      text_width(in.absent_label, ts) + kBarWidth + 4});
  h.map_x = kMargin + 1, h.map_y = kMargin + line + 1;  // 1: the outline
  const uint32_t bar_x = h.map_x + map_w + 1 + kMargin;
  h.width = std::max(bar_x + kBarWidth + 6 + labels_w + kMargin, text_width(in.title, ts) + 2 * kMargin);
  const uint32_t bar_h = std::clamp<uint32_t>(map_h, 4 * line, 256);
  h.height = std::max(h.map_y + map_h + 1, h.map_y + line + bar_h + 2 * line) + kMargin;

  Canvas c(h.width, h.height, kBackground);
  c.text(in.title, kMargin, kMargin, ts, kInk);
  c.frame({h.map_x - 1, h.map_y - 1, map_w + 2, map_h + 2}, 1, kInk);
  const double range = h.hi - h.lo;
  for (uint32_t y = 0; y < in.height; ++y) {
    for (uint32_t x = 0; x < in.width; ++x) {
      const uint64_t p = uint64_t(y) * in.width + x;
      Rgb colour = kHeatmapAbsent;
      if (in.present.empty() || in.present[p])
        colour = viridis(range > 0 ? (in.values[p] - h.lo) / range : 0.0);  // clamped to the map's ends
      if (h.scale == 1) {
        c.set(h.map_x + x, h.map_y + y, colour);
      } else {
        const uint32_t px = h.map_x + x * h.scale, py = h.map_y + y * h.scale;
        c.fill({px, py, h.scale, h.scale}, colour);
        if (h.scale >= kPeEdgeMinScale) {  // a lighter top and left edge: PEs of equal value stay apart
          const Rgb edge = mix(colour, kBackground, 0.35);
          c.fill({px, py, h.scale, 1}, edge);
          c.fill({px, py, 1, h.scale}, edge);
        }
      }
    }
  }
  // Legend: the quantity's name, then the bar from the highest value (top) to the lowest (bottom).
  c.text(in.quantity, bar_x, h.map_y, ts, kInk);
  const uint32_t bar_y = h.map_y + line;
  for (uint32_t i = 0; i < bar_h; ++i)
    c.fill({bar_x, bar_y + i, kBarWidth, 1}, viridis(1.0 - double(i) / std::max<uint32_t>(1, bar_h - 1)));
  c.frame({bar_x - 1, bar_y - 1, kBarWidth + 2, bar_h + 2}, 1, kInk);
  c.text(hi_text, bar_x + kBarWidth + 6, bar_y, ts, kInk);
  c.text(lo_text, bar_x + kBarWidth + 6, bar_y + bar_h - kCapHeight * ts, ts, kInk);
  const uint32_t swatch_y = bar_y + bar_h + line / 2;
  c.fill({bar_x, swatch_y, kBarWidth, kCapHeight * ts}, kHeatmapAbsent);
  c.text(in.absent_label, bar_x + kBarWidth + 6, swatch_y, ts, kInk);
  h.rgb = c.take();
  return h;
}

void write_heatmap_png(const HeatmapInput& in, const std::string& path) {
  const Heatmap h = render_heatmap(in);
  write_png_rgb(path, h.width, h.height, h.rgb);
}

}  // namespace wafer
