// Heatmaps (host/picture/heatmap.h): each PE's square has its value's colour, the scale follows the grid
// (readable at 4x4 and at 762x1172), PEs without a kernel are grey, and the PNG reads back pixel for pixel.
#include <gtest/gtest.h>
#include <png.h>

#include <cmath>
#include <filesystem>

#include "host/model/error.h"
#include "tests/support/error_and_temp.h"
#include "host/picture/heatmap.h"

namespace wafer {
namespace {

Rgb pixel(const Heatmap& h, uint32_t px, uint32_t py) {
  const uint8_t* p = &h.rgb[(uint64_t(py) * h.width + px) * 3];
  return {p[0], p[1], p[2]};
}
Rgb pe_pixel(const Heatmap& h, uint32_t x, uint32_t y) {
  return pixel(h, h.map_x + x * h.scale + h.scale / 2, h.map_y + y * h.scale + h.scale / 2);
}

TEST(Heatmap, ViridisRunsDarkToLightThroughItsAnchors) {
  EXPECT_EQ(viridis(0), (Rgb{68, 1, 84}));
  EXPECT_EQ(viridis(0.5), (Rgb{33, 145, 140}));
  EXPECT_EQ(viridis(1), (Rgb{253, 231, 37}));
  EXPECT_EQ(viridis(-3), viridis(0));
  EXPECT_EQ(viridis(NAN), viridis(0));
  double last = -1;
  for (int i = 0; i <= 100; ++i) {  // perceptual: lightness (Rec. 709 luma) rises all the way
    const Rgb c = viridis(i / 100.0);
    const double luma = 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
    EXPECT_GT(luma, last) << i;
    last = luma;
  }
}

TEST(Heatmap, SmallGridGetsBigSquaresWithTheirValuesColours) {
  HeatmapInput in{.width = 4, .height = 4, .values = {}, .present = {}, .title = "4x4", .quantity = "busy"};
  for (uint32_t p = 0; p < 16; ++p) in.values.push_back(p * 10.0);
  in.present.assign(16, 1);
  in.present[5] = 0;         // no kernel: grey, and its huge value stays out of the range
  in.values[5] = 1e9;
  const Heatmap h = render_heatmap(in);
  EXPECT_GE(h.scale, 32u);  // a 4x4 grid is drawn large enough to read
  EXPECT_EQ(h.lo, 0);
  EXPECT_EQ(h.hi, 150);
  EXPECT_EQ(pe_pixel(h, 0, 0), viridis(0));
  EXPECT_EQ(pe_pixel(h, 3, 3), viridis(1));
  EXPECT_EQ(pe_pixel(h, 2, 1), viridis(60.0 / 150));
  EXPECT_EQ(pe_pixel(h, 1, 1), kHeatmapAbsent);
  EXPECT_EQ(pixel(h, h.map_x - 1, h.map_y - 1), (Rgb{40, 40, 40}));  // the grid's outline
}

TEST(Heatmap, AGivenRangeIsKept) {
  HeatmapInput in{.width = 2, .height = 1, .values = {1, 1}, .present = {}, .title = "", .quantity = ""};
  in.range_lo = 0, in.range_hi = 2;
  const Heatmap h = render_heatmap(in);
  EXPECT_EQ(h.lo, 0);
  EXPECT_EQ(h.hi, 2);
  EXPECT_EQ(pe_pixel(h, 1, 0), viridis(0.5));
}

TEST(Heatmap, FullWaferIsOnePixelPerPe) {
  HeatmapInput in;
  in.width = 762, in.height = 1172;
  in.values.resize(uint64_t(in.width) * in.height);
  for (uint64_t p = 0; p < in.values.size(); ++p) in.values[p] = double(p % in.width);  // ramps west to east
  in.title = "wse3", in.quantity = "x";
  const Heatmap h = render_heatmap(in);
  EXPECT_EQ(h.scale, 1u);
  EXPECT_GE(h.width, 762u);
  EXPECT_GE(h.height, 1172u);
  EXPECT_LT(uint64_t(h.width) * h.height, 2ull * 762 * 1172);  // the legend adds little
  EXPECT_EQ(pe_pixel(h, 0, 1171), viridis(0));
  EXPECT_EQ(pe_pixel(h, 761, 0), viridis(1));
}

TEST(Heatmap, EqualValuesAndBadSizes) {
  HeatmapInput in{.width = 1, .height = 7, .values = std::vector<double>(7, 3.0), .present = {}, .title = "", .quantity = ""};
  const Heatmap h = render_heatmap(in);  // a 1xN grid, every value the same: the low end, no division by 0
  EXPECT_EQ(pe_pixel(h, 0, 6), viridis(0));
  in.values.pop_back();
  EXPECT_THROW(render_heatmap(in), Error);
  in.width = 0;
  EXPECT_THROW(render_heatmap(in), Error);
}

TEST(Heatmap, PngReadsBackPixelForPixel) {
  HeatmapInput in{.width = 5, .height = 3, .values = {}, .present = {}, .title = "t", .quantity = "q"};
  for (int p = 0; p < 15; ++p) in.values.push_back(p * p);
  const std::string path = test::temp_path("heatmap.png");
  write_heatmap_png(in, path);
  const Heatmap h = render_heatmap(in);
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  ASSERT_TRUE(png_image_begin_read_from_file(&image, path.c_str())) << image.message;
  image.format = PNG_FORMAT_RGB;
  std::vector<uint8_t> rgb(PNG_IMAGE_SIZE(image));
  ASSERT_TRUE(png_image_finish_read(&image, nullptr, rgb.data(), 0, nullptr)) << image.message;
  EXPECT_EQ(image.width, h.width);
  EXPECT_EQ(image.height, h.height);
  EXPECT_EQ(rgb, h.rgb);
  std::filesystem::remove(path);
  EXPECT_THROW(write_heatmap_png(in, "/nonexistent-dir/h.png"), Error);
}

}  // namespace
}  // namespace wafer
