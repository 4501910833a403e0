// The layout of a plan's picture, decided once and drawn twice: as pixels (plan_picture.cpp, PNG) and as
// SVG (plan_svg.cpp). Every position is in pixels of the PNG; the SVG uses the same numbers, so both
// pictures agree. Internal to mapper/picture/.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "mapper/picture/plan_picture.h"

namespace wafer::mapper {

// A line of text in the bitmap font: (x, y) is the top-left of its first glyph cell.
struct TextRun {
  std::string text;
  uint32_t x = 0, y = 0, scale = 1;
  Rgb colour;
};

// One lane's output path, as axis-aligned polyline points in half-PE units (PE (x, y)'s centre is
// (2x + 1, 2y + 1), its west edge 2x): from the edge of the chain's last PE to the grid's edge.
struct LanePath {
  std::vector<std::pair<uint32_t, uint32_t>> points;
};

struct RegionLayout {
  PictureRegion region;
  PixelBox box;  // the region's pixels
  Rgb text_colour;
  std::vector<TextRun> label;
  std::vector<LanePath> lanes;  // kOutputs only
};

struct LegendSwatch {
  PixelBox box;
  Rgb fill, border;
};

struct PlanLayout {
  uint32_t width = 0, height = 0;
  uint32_t scale = 1;
  uint32_t grid_width = 0, grid_height = 0;
  PixelBox map;                       // the grid's pixels; the outline is drawn just outside it
  uint32_t outline = 2;               // outline thickness in pixels
  uint32_t lane_line = 0;             // output lane line thickness in pixels (0: fill the region instead)
  std::vector<RegionLayout> regions;  // output paths first, then layers (the drawing order)
  std::vector<PixelBox> tick_marks;
  std::vector<TextRun> texts;  // tick labels and the legend
  std::vector<LegendSwatch> swatches;
};

inline constexpr Rgb kOutlineColour{64, 64, 64};
inline constexpr Rgb kTextColour{20, 20, 20};
inline constexpr Rgb kPeGridColour{206, 206, 206};  // PE boundaries in the unused area of large pictures
inline constexpr uint32_t kPeGridMinScale = 8;      // pixels per PE from which PE boundaries are drawn

// Throws wafer::Error when the plan has no layers or a region lies outside the grid.
PlanLayout layout_plan(const LayerGraph& graph, const Plan& plan, const PictureOptions& options);

}  // namespace wafer::mapper
