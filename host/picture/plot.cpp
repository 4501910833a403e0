#include "host/picture/plot.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "host/picture/bitmap_font.h"
#include "host/picture/png_file.h"

namespace wafer {

namespace {

constexpr Rgb kBackground{255, 255, 255}, kInk{40, 40, 40}, kGridLine{225, 225, 225};
constexpr uint32_t kWidth = 960, kHeight = 600, kLeft = 80, kRight = 240, kTop = 50, kBottom = 60;
constexpr uint32_t kMarker = 9;

// The decades [d0, d0 + n) that hold every value of v (all positive); at least one decade.
std::pair<int, int> decades(const std::vector<double>& v) {
  if (v.empty()) return {0, 1};
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  const int d0 = int(std::floor(std::log10(*lo)));
  const int d1 = std::max(d0 + 1, int(std::ceil(std::log10(*hi))));
  return {d0, d1 - d0};
}

}  // namespace

std::pair<uint32_t, uint32_t> LogPlot::pixel(double x, double y) const {
  const double fx = (std::log10(x) - x_decade0) / x_decades, fy = (std::log10(y) - y_decade0) / y_decades;
  const double px = area.x + fx * (area.w - 1), py = area.y + (1 - fy) * (area.h - 1);
  return {uint32_t(std::lround(std::clamp(px, 0.0, double(canvas.width() - 1)))),
          uint32_t(std::lround(std::clamp(py, 0.0, double(canvas.height() - 1))))};
}

LogPlot render_log_plot(const PlotInput& in) {
  LogPlot p{Canvas(kWidth, kHeight, kBackground), {kLeft, kTop, kWidth - kLeft - kRight, kHeight - kTop - kBottom}};
  std::vector<double> xs, ys;
  for (const auto& s : in.series) {
    for (const auto& [x, y] : s.points) {
      if (x > 0 && y > 0 && std::isfinite(x) && std::isfinite(y)) {
        xs.push_back(x), ys.push_back(y);
      } else {
        ++p.left_out;
      }
    }
  }
  std::tie(p.x_decade0, p.x_decades) = decades(xs);
  std::tie(p.y_decade0, p.y_decades) = decades(ys);
  Canvas& c = p.canvas;
  const PixelBox& a = p.area;
  for (int d = 0; d <= p.x_decades; ++d) {
    const uint32_t x = a.x + uint32_t(std::lround(double(d) / p.x_decades * (a.w - 1)));
    c.fill({x, a.y, 1, a.h}, kGridLine);
    const std::string t = "1e" + std::to_string(p.x_decade0 + d);
    c.text(t, x - text_width(t, 1) / 2, a.y + a.h + 6, 1, kInk);
  }
  for (int d = 0; d <= p.y_decades; ++d) {
    const uint32_t y = a.y + a.h - 1 - uint32_t(std::lround(double(d) / p.y_decades * (a.h - 1)));
    c.fill({a.x, y, a.w, 1}, kGridLine);
    const std::string t = "1e" + std::to_string(p.y_decade0 + d);
    c.text(t, a.x - 8 - text_width(t, 1), y - kCapHeight / 2, 1, kInk);
  }
  c.frame({a.x - 1, a.y - 1, a.w + 2, a.h + 2}, 1, kInk);
  c.text(in.title, kLeft, 14, 2, kInk);
  c.text(in.y_label, 8, kTop - 16, 1, kInk);
  c.text(in.x_label, a.x + a.w / 2 - text_width(in.x_label, 1) / 2, a.y + a.h + 24, 1, kInk);
  uint32_t legend_y = a.y;
  for (const auto& s : in.series) {
    for (const auto& [x, y] : s.points) {
      if (!(x > 0 && y > 0 && std::isfinite(x) && std::isfinite(y))) continue;
      const auto [px, py] = p.pixel(x, y);
      const PixelBox m{px - std::min(px, kMarker / 2), py - std::min(py, kMarker / 2), kMarker, kMarker};
      c.fill(m, s.colour);
      c.frame(m, 1, mix(s.colour, kInk, 0.5));
    }
    c.fill({a.x + a.w + 20, legend_y, kMarker, kMarker}, s.colour);
    c.text(s.name, a.x + a.w + 20 + kMarker + 8, legend_y + 1, 1, kInk);
    legend_y += 18;
  }
  if (p.left_out > 0)
    c.text(std::to_string(p.left_out) + " point(s) <= 0 left out", a.x + a.w + 20, legend_y + 10, 1, kInk);
  if (xs.empty()) c.text("no data", a.x + a.w / 2 - text_width("no data", 2) / 2, a.y + a.h / 2, 2, kInk);
  return p;
}

void write_log_plot_png(const PlotInput& in, const std::string& path) {
  const LogPlot p = render_log_plot(in);
  write_png_rgb(path, p.canvas.width(), p.canvas.height(), p.canvas.rgb());
}

}  // namespace wafer
