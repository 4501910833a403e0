// The SVG form of a plan's picture (plan_picture.h), drawn from the same layout as the PNG.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "host/model/error.h"
#include "host/picture/bitmap_font.h"
#include "mapper/picture/plan_layout.h"
#include "mapper/picture/plan_picture.h"

namespace wafer::mapper {

namespace {

// Beyond this many lane paths in all, the SVG shows only the output paths' extents (one rect per replica).
constexpr uint64_t kMaxSvgLanePaths = 4096;

std::string hex(Rgb c) {
  char s[8];
  std::snprintf(s, sizeof s, "#%02x%02x%02x", c.r, c.g, c.b);
  return s;
}

std::string escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      default:
        o += static_cast<unsigned char>(c) < 0x20 ? '?' : c;  // control characters are not XML
    }
  }
  return o;
}

// Half-PE units to PE units: 7 -> "3.5".
std::string half(uint32_t u) {
  return std::to_string(u / 2) + (u % 2 ? ".5" : "");
}

// A bitmap-font text run as SVG text of the same extent: a monospace font at 10 px per font scale has
// glyphs about 6 px wide; textLength pins the width to the bitmap text's.
void text(std::ostringstream& o, const TextRun& t) {
  if (t.text.empty()) return;
  o << "<text x=\"" << t.x << "\" y=\"" << t.y + kCapHeight * t.scale << "\" font-size=\""
    << kLineAdvance * t.scale << "\" textLength=\"" << text_width(t.text, t.scale)
    << "\" lengthAdjust=\"spacingAndGlyphs\" fill=\"" << hex(t.colour) << "\" xml:space=\"preserve\">"
    << escape(t.text) << "</text>\n";
}

void rect(std::ostringstream& o, const Rect& r) {
  o << " x=\"" << r.x << "\" y=\"" << r.y << "\" width=\"" << r.w << "\" height=\"" << r.h << "\"";
}

}  // namespace

std::string plan_svg(const LayerGraph& graph, const Plan& plan, const PictureOptions& options) {
  const PlanLayout l = layout_plan(graph, plan, options);
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << l.width << "\" height=\"" << l.height
    << "\" viewBox=\"0 0 " << l.width << " " << l.height
    << "\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\">\n"
    << "<title>" << escape(plan.model) << ": " << plan.layers.size() << " layer(s) x " << plan.replicas
    << " replica(s) on a " << plan.grid_width << "x" << plan.grid_height << " grid</title>\n"
    << "<rect width=\"" << l.width << "\" height=\"" << l.height << "\" fill=\"" << hex(kPictureBackground)
    << "\"/>\n";
  for (const PixelBox& t : l.tick_marks)
    o << "<rect x=\"" << t.x << "\" y=\"" << t.y << "\" width=\"" << t.w << "\" height=\"" << t.h
      << "\" fill=\"" << hex(kOutlineColour) << "\"/>\n";
  // The map in PE units: PE (x, y) is the unit square at (x, y).
  o << "<g transform=\"translate(" << l.map.x << " " << l.map.y << ") scale(" << l.scale << ")\">\n"
    << "<rect class=\"grid\" x=\"0\" y=\"0\" width=\"" << l.grid_width << "\" height=\"" << l.grid_height
    << "\" fill=\"" << hex(kUnusedPeColour) << "\"/>\n";
  uint64_t lane_paths = 0;
  for (const RegionLayout& r : l.regions) lane_paths += r.lanes.size();
  for (const RegionLayout& r : l.regions) {
    const PictureRegion& g = r.region;
    if (g.kind == PictureRegion::Kind::kOutputs) {
      o << "<g class=\"outputs\" data-replica=\"" << g.replica << "\"><title>" << escape(g.tooltip)
        << "</title>";
      if (lane_paths <= kMaxSvgLanePaths) {
        // As in the PNG: lines of lane_line pixels, or whole PEs (adjacent lanes merge) where PEs are small.
        const double width = double(l.lane_line ? l.lane_line : l.scale) / l.scale;
        o << "<path fill=\"none\" stroke=\"" << hex(g.colour) << "\" stroke-width=\"" << width << "\" d=\"";
        for (const LanePath& lane : r.lanes) {
          o << "M" << half(lane.points[0].first) << " " << half(lane.points[0].second);
          for (size_t i = 1; i < lane.points.size(); ++i)
            o << "L" << half(lane.points[i].first) << " " << half(lane.points[i].second);
        }
        o << "\"/>";
      } else {
        o << "<rect";
        rect(o, g.pes);
        o << " fill=\"" << hex(g.colour) << "\"/>";
      }
      o << "</g>\n";
      continue;
    }
    o << "<rect class=\"layer\" data-layer=\"" << g.layer << "\" data-replica=\"" << g.replica << "\"";
    rect(o, g.pes);
    o << " fill=\"" << hex(g.colour) << "\"";
    // Stroke widths are in PE units (vector-effect is not honoured everywhere).
    if (g.border)
      o << " stroke=\"" << hex(g.border_colour) << "\" stroke-width=\"" << double(g.border) / l.scale << "\"";
    o << "><title>" << escape(g.tooltip) << "</title></rect>\n";
  }
  o << "</g>\n";
  // The outline just outside the map, in pixels as in the PNG.
  o << "<rect x=\"" << double(l.map.x) - l.outline / 2.0 << "\" y=\"" << double(l.map.y) - l.outline / 2.0
    << "\" width=\"" << l.map.w + l.outline << "\" height=\"" << l.map.h + l.outline
    << "\" fill=\"none\" stroke=\"" << hex(kOutlineColour) << "\" stroke-width=\"" << l.outline << "\"/>\n";
  for (const RegionLayout& r : l.regions)
    for (const TextRun& t : r.label) text(o, t);
  for (const LegendSwatch& s : l.swatches)
    o << "<rect x=\"" << s.box.x << "\" y=\"" << s.box.y << "\" width=\"" << s.box.w << "\" height=\""
      << s.box.h << "\" fill=\"" << hex(s.fill) << "\" stroke=\"" << hex(s.border) << "\"/>\n";
  for (const TextRun& t : l.texts) text(o, t);
  o << "</svg>\n";
  return o.str();
}

void write_plan_svg(const LayerGraph& graph, const Plan& plan, const std::string& path) {
  const std::string svg = plan_svg(graph, plan);
  std::ofstream f(path, std::ios::binary);
  if (!f) throw Error(path + ": cannot open for writing");
  f << svg;
  f.close();
  if (!f) throw Error(path + ": writing the SVG failed");
}

}  // namespace wafer::mapper
