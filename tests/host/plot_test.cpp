// The log-log plot of host/picture/plot.h: decades that hold the data, points where their logarithms say,
// points that cannot sit on a log axis counted and left out, and the PNG written.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "host/model/error.h"
#include "tests/support/error_and_temp.h"
#include "host/picture/plot.h"

namespace wafer {
namespace {

Rgb at(const LogPlot& p, uint32_t x, uint32_t y) {
  const uint8_t* px = &p.canvas.rgb()[(uint64_t(y) * p.canvas.width() + x) * 3];
  return {px[0], px[1], px[2]};
}

TEST(LogPlot, AxesHoldTheDataAndPointsSitByTheirLogarithms) {
  const Rgb red{200, 0, 0};
  PlotInput in{"t", "x", "y", {{"s", red, {{2e3, 5e7}, {9e5, 3e9}, {0, 1}, {-1, 5}}}}};
  const LogPlot p = render_log_plot(in);
  EXPECT_EQ(p.x_decade0, 3);
  EXPECT_EQ(p.x_decades, 3);  // 1e3 .. 1e6
  EXPECT_EQ(p.y_decade0, 7);
  EXPECT_EQ(p.y_decades, 3);  // 1e7 .. 1e10
  EXPECT_EQ(p.left_out, 2u);
  // 10^4.5 on x is half-way across; 10^8.5 on y half-way up.
  const auto [mx, my] = p.pixel(std::pow(10.0, 4.5), std::pow(10.0, 8.5));
  EXPECT_NEAR(double(mx), p.area.x + (p.area.w - 1) / 2.0, 1.0);
  EXPECT_NEAR(double(my), p.area.y + (p.area.h - 1) / 2.0, 1.0);
  const auto [px, py] = p.pixel(2e3, 5e7);
  EXPECT_EQ(at(p, px, py), red);  // the marker's centre
}

TEST(LogPlot, EmptyInputStillDrawsAndPngIsWritten) {
  const std::string path = test::temp_path("plot.png");
  write_log_plot_png({"empty", "x", "y", {}}, path);
  EXPECT_GT(std::filesystem::file_size(path), 100u);
  std::filesystem::remove(path);
  EXPECT_THROW(write_log_plot_png({"t", "x", "y", {}}, "/nonexistent-dir/p.png"), Error);
}

}  // namespace
}  // namespace wafer
