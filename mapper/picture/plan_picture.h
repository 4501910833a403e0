// Pictures of a plan (`wafer map` writes plan.png and plan.svg): the whole grid, every layer of every
// replica as a coloured rectangle labelled with its layer index (and "r<k>" for replicas where there is
// room), the last layer's output pass-through paths to the grid's edge, the unused PEs in light grey, the
// grid's outline with PE coordinates along the north and west sides, and a legend (model, grid, blend
// summary, one line per layer: "L<i> KxC name").
//
// Geometry: PE (x, y) is the square of pixels [map_x + x * scale, map_x + (x + 1) * scale) x
// [map_y + y * scale, map_y + (y + 1) * scale): x grows east (right), y south (down), as on the grid.
// `scale` (pixels per PE side) is the largest integer that keeps the map's longer side within 2350 pixels,
// but no larger than needed to bring it to 1200 (so a 4 x 4 grid gets 300 pixels a PE, wse3's 762 x 1172
// gets 2, a grid longer than 2350 PEs 1). The legend sits east of the map, or south of it when the grid is
// wider than tall.
//
// Colours: layer i has a hue of i x the golden angle (137.5 degrees) with one of four lightnesses, so 34
// layers stay distinguishable; replica r of it has the same hue, odd replicas a lighter or darker shade,
// and every region big enough gets a border in a dark shade of its colour. Output paths are a pale tint of
// the last layer's colour (one line per lane where a PE has 4 pixels or more).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "host/image/image.h"  // Rect
#include "host/picture/canvas.h"  // Rgb
#include "mapper/graph.h"
#include "mapper/plan.h"

namespace wafer::mapper {

inline constexpr Rgb kUnusedPeColour{224, 224, 224};  // PEs no layer or output path uses
inline constexpr Rgb kPictureBackground{255, 255, 255};

// The fill of replica `replica`'s copy of layer `layer`.
Rgb plan_layer_colour(uint32_t layer, uint32_t replica);
// The fill of the PEs that pass the last layer's outputs (of any replica) on to the grid's edge.
Rgb plan_output_colour(uint32_t last_layer);

struct PictureOptions {
  bool labels = true;   // layer (and replica) labels inside the regions
  bool outputs = true;  // the last layer's output paths
};

// One coloured rectangle of the map.
struct PictureRegion {
  enum class Kind { kLayer, kOutputs };
  Kind kind = Kind::kLayer;
  uint32_t layer = 0;  // for kOutputs: the last layer
  uint32_t replica = 0;
  Rect pes;  // in PEs: plan.layer_of_replica(layer, replica).rect(), or the output paths' extent
  Rgb colour;
  // A frame of `border` pixels inside the region's edge, in a dark shade of its colour (0: the region is
  // under 6 pixels wide or tall and has none). It may cover the centre pixel of the PEs along the edge.
  uint32_t border = 0;
  Rgb border_colour;
  std::string label;    // the text drawn inside ("" when the region is too small), lines joined by '\n'
  std::string tooltip;  // the SVG's hover text: layer, name, shape, block, predicted interval
};

struct PlanPicture {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> rgb;       // width x height pixels, row-major from the top, 3 bytes (r, g, b) a pixel
  uint32_t scale = 1;             // pixels per PE side
  uint32_t map_x = 0, map_y = 0;  // the pixel at PE (0, 0)'s north-west corner
  uint32_t grid_width = 0, grid_height = 0;
  std::vector<PictureRegion> regions;  // output paths first, then every layer of every replica

  Rgb pixel(uint32_t px, uint32_t py) const {
    const uint8_t* p = &rgb[(uint64_t(py) * width + px) * 3];
    return {p[0], p[1], p[2]};
  }
  // The pixel at the centre of PE (x, y)'s square.
  uint32_t pe_centre_x(uint32_t x) const { return map_x + x * scale + scale / 2; }
  uint32_t pe_centre_y(uint32_t y) const { return map_y + y * scale + scale / 2; }
  Rgb pe_colour(uint32_t x, uint32_t y) const { return pixel(pe_centre_x(x), pe_centre_y(y)); }
};

// Pure: reads the graph and the plan (which must fit its grid), writes nothing.
PlanPicture render_plan(const LayerGraph& graph, const Plan& plan, const PictureOptions& options = {});

// The same picture as SVG text: the map in PE units (one <rect> per layer and replica, with data-layer and
// data-replica attributes and a <title> tooltip; one per replica's output paths), labels and legend as
// text. Its size grows with the number of regions, not of PEs.
std::string plan_svg(const LayerGraph& graph, const Plan& plan, const PictureOptions& options = {});

// Throw wafer::Error naming the path when the file cannot be written.
void write_plan_png(const LayerGraph& graph, const Plan& plan, const std::string& path);
void write_plan_svg(const LayerGraph& graph, const Plan& plan, const std::string& path);

}  // namespace wafer::mapper
