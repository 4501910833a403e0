// The pixels of a plan's picture (plan_picture.h) from its layout (plan_layout.h), and the PNG file.
#include "mapper/picture/plan_picture.h"

#include <algorithm>

#include "host/picture/canvas.h"
#include "mapper/picture/plan_layout.h"
#include "host/picture/png_file.h"

namespace wafer::mapper {

namespace {

// Lines at every PE's west and north edge inside the box (PE squares of `scale` pixels).
void draw_pe_grid(Canvas& c, const PixelBox& b, uint32_t scale, Rgb colour) {
  for (uint32_t x = b.x; x < b.x + b.w; x += scale) c.fill({x, b.y, 1, b.h}, colour);
  for (uint32_t y = b.y; y < b.y + b.h; y += scale) c.fill({b.x, y, b.w, 1}, colour);
}

// A lane's path as lines of thickness t through the PE centres (points in half-PE units), clipped to the map.
void draw_lane(Canvas& c, const PlanLayout& l, const LanePath& path, Rgb colour) {
  const uint32_t t = l.lane_line, s = l.scale;
  auto px = [&](uint32_t u) { return int64_t(l.map.x) + int64_t(u) * s / 2; };
  auto py = [&](uint32_t v) { return int64_t(l.map.y) + int64_t(v) * s / 2; };
  const int64_t map_x1 = int64_t(l.map.x) + l.map.w, map_y1 = int64_t(l.map.y) + l.map.h;
  for (size_t i = 0; i + 1 < path.points.size(); ++i) {
    auto [ax, ay] = path.points[i];
    auto [bx, by] = path.points[i + 1];
    int64_t x0 = px(std::min(ax, bx)), x1 = px(std::max(ax, bx)), y0 = py(std::min(ay, by)),
            y1 = py(std::max(ay, by));
    // Widen to the line's thickness around the centre line; a corner gets the full square.
    x0 -= t / 2, y0 -= t / 2, x1 += t - t / 2, y1 += t - t / 2;
    x0 = std::max<int64_t>(x0, l.map.x), y0 = std::max<int64_t>(y0, l.map.y);
    x1 = std::min(x1, map_x1), y1 = std::min(y1, map_y1);
    if (x1 > x0 && y1 > y0)
      c.fill({uint32_t(x0), uint32_t(y0), uint32_t(x1 - x0), uint32_t(y1 - y0)}, colour);
  }
}

}  // namespace

PlanPicture render_plan(const LayerGraph& graph, const Plan& plan, const PictureOptions& options) {
  const PlanLayout l = layout_plan(graph, plan, options);
  Canvas c(l.width, l.height, kPictureBackground);
  c.fill(l.map, kUnusedPeColour);
  if (l.scale >= kPeGridMinScale) draw_pe_grid(c, l.map, l.scale, kPeGridColour);
  c.frame({l.map.x - l.outline, l.map.y - l.outline, l.map.w + 2 * l.outline, l.map.h + 2 * l.outline},
          l.outline, kOutlineColour);
  for (const PixelBox& t : l.tick_marks) c.fill(t, kOutlineColour);
  for (const RegionLayout& r : l.regions) {
    if (r.region.kind == PictureRegion::Kind::kOutputs) {
      if (l.lane_line == 0) {
        c.fill(r.box, r.region.colour);
      } else {
        for (const LanePath& lane : r.lanes) draw_lane(c, l, lane, r.region.colour);
      }
      continue;
    }
    c.fill(r.box, r.region.colour);
    if (l.scale >= kPeGridMinScale) draw_pe_grid(c, r.box, l.scale, mix(r.region.colour, Rgb{0, 0, 0}, 0.12));
    c.frame(r.box, r.region.border, r.region.border_colour);
    for (const TextRun& t : r.label) c.text(t.text, t.x, t.y, t.scale, t.colour);
  }
  for (const LegendSwatch& sw : l.swatches) {
    c.fill(sw.box, sw.fill);
    c.frame(sw.box, 1, sw.border);
  }
  for (const TextRun& t : l.texts) c.text(t.text, t.x, t.y, t.scale, t.colour);

  PlanPicture p;
  p.width = l.width, p.height = l.height;
  p.rgb = c.take();
  p.scale = l.scale;
  p.map_x = l.map.x, p.map_y = l.map.y;
  p.grid_width = l.grid_width, p.grid_height = l.grid_height;
  for (const RegionLayout& r : l.regions) p.regions.push_back(r.region);
  return p;
}

void write_plan_png(const LayerGraph& graph, const Plan& plan, const std::string& path) {
  const PlanPicture p = render_plan(graph, plan);
  write_png_rgb(path, p.width, p.height, p.rgb);
}

}  // namespace wafer::mapper
