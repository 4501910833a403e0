// A heatmap of one number per PE: the grid one square of pixels per PE (one pixel at 762 x 1172, larger
// squares on small grids so that 4 x 4 stays readable), coloured on the viridis map (perceptually
// uniform, readable in grey and by the colour-blind), with the grid's outline, a title and a legend bar
// labelled with the lowest and highest value. PEs that run no kernel are drawn grey and excluded from the
// range, so that empty wafer does not squash the scale.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "host/picture/canvas.h"

namespace wafer {

// matplotlib's viridis at t in [0, 1] (clamped; NaN gives t = 0): its five anchor colours #440154,
// #3b528b, #21918c, #5ec962, #fde725 at 0, 1/4, 1/2, 3/4, 1, interpolated linearly between them.
Rgb viridis(double t);

inline constexpr Rgb kHeatmapAbsent{200, 200, 200};  // PEs that run no kernel

struct HeatmapInput {
  uint32_t width = 0, height = 0;  // the grid, in PEs
  std::vector<double> values;      // width * height, PE (x, y) at y * width + x
  std::vector<uint8_t> present;    // empty (all PEs count) or width * height flags: 0 = runs no kernel
  std::string title;               // e.g. "gemv.wasm, 8x8 PEs, 412 cycles"
  std::string quantity;            // the legend's name of the values, e.g. "busy cycles"
  std::string absent_label = "no kernel";  // the legend's name of the PEs `present` leaves out
  // The colour map's range; when lo < hi it is used as given (e.g. 0..1 for a yes/no map), else the
  // present PEs' lowest and highest value.
  double range_lo = 0, range_hi = 0;
};

struct Heatmap {
  uint32_t width = 0, height = 0;  // pixels
  std::vector<uint8_t> rgb;        // row-major from the top row, 3 bytes a pixel
  uint32_t scale = 1;              // pixels per PE side
  uint32_t map_x = 0, map_y = 0;   // pixel of PE(0, 0)'s top-left corner
  double lo = 0, hi = 0;           // the colour map's range (the present PEs' lowest and highest value)
};

// Throws wafer::Error when the sizes disagree or the grid is empty.
Heatmap render_heatmap(const HeatmapInput& in);
void write_heatmap_png(const HeatmapInput& in, const std::string& path);

}  // namespace wafer
