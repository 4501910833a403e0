// A log-log scatter plot (benchmarks: PE-cycles per second against PEs), drawn on a Canvas: decade grid
// lines labelled 1e3, 1e4, ..., one colour per series with a legend. Points with a non-positive coordinate
// cannot sit on a log axis and are left out (the plot says how many).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "host/picture/canvas.h"

namespace wafer {

struct PlotSeries {
  std::string name;
  Rgb colour;
  std::vector<std::pair<double, double>> points;  // (x, y)
};

struct PlotInput {
  std::string title, x_label, y_label;
  std::vector<PlotSeries> series;
};

struct LogPlot {
  Canvas canvas;
  PixelBox area;                 // the plotting area inside the axes
  int x_decade0 = 0, x_decades = 1, y_decade0 = 0, y_decades = 1;  // the axes: 10^d0 .. 10^(d0 + decades)
  uint32_t left_out = 0;         // points with a non-positive coordinate
  // Pixel of a data point (inside `area` for points within the axes' range).
  std::pair<uint32_t, uint32_t> pixel(double x, double y) const;
};

LogPlot render_log_plot(const PlotInput& in);
void write_log_plot_png(const PlotInput& in, const std::string& path);

}  // namespace wafer
