// Pictures of a plan (mapper/picture/plan_picture.h): the map follows the grid and the scale, every PE's
// pixel has its layer's (and replica's) colour, an output path's colour or the unused grey; labels are
// drawn where they fit; the PNG file reads back (libpng) pixel for pixel; the SVG holds one rect per
// layer region at the plan's coordinates. Small grids, 1 x N and N x 1, 4 x 4, and the 762 x 1172 wafer.
#include <gtest/gtest.h>
#include <png.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "host/model/error.h"
#include "mapper/picture/plan_picture.h"
#include "mapper/place/staircase.h"
#include "mapper/plan_io.h"
#include "mapper/search/search.h"
#include "tests/mapper/mapper_test_support.h"

namespace wafer::mapper {
namespace {

using testing::random_graph;

const std::string kModels = WAFER_MODELS_DIR;

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("wafer_plan_picture_" + name)).string();
}

uint32_t expected_scale(uint32_t w, uint32_t h) {
  const uint32_t longer = std::max(w, h);
  return std::max(1u, std::min(2350 / longer, (1200 + longer - 1) / longer));
}

std::string str(Rgb c) {
  return "(" + std::to_string(c.r) + "," + std::to_string(c.g) + "," + std::to_string(c.b) + ")";
}

// What every PE's centre pixel must be: the region it lies in (layers drawn over output paths), else the
// unused grey. Also checks the regions are exactly the plan's layer rectangles, replica by replica.
void expect_every_pe_coloured(const Plan& plan, const PlanPicture& p) {
  ASSERT_EQ(p.grid_width, plan.grid_width);
  ASSERT_EQ(p.grid_height, plan.grid_height);
  std::vector<const PictureRegion*> owner(uint64_t(plan.grid_width) * plan.grid_height, nullptr);
  uint32_t layer_regions = 0;
  for (const PictureRegion& r : p.regions) {
    if (r.kind == PictureRegion::Kind::kLayer) {
      EXPECT_EQ(r.colour, plan_layer_colour(r.layer, r.replica));
      const Rect want = plan.layer_of_replica(r.layer, r.replica).rect();
      EXPECT_TRUE(r.pes.x == want.x && r.pes.y == want.y && r.pes.w == want.w && r.pes.h == want.h)
          << "layer " << r.layer << " replica " << r.replica;
      ++layer_regions;
    } else {
      EXPECT_EQ(r.colour, plan_output_colour(uint32_t(plan.layers.size() - 1)));
    }
    for (uint32_t y = r.pes.y; y < r.pes.y + r.pes.h; ++y)
      for (uint32_t x = r.pes.x; x < r.pes.x + r.pes.w; ++x) {
        const PictureRegion*& o = owner[uint64_t(y) * plan.grid_width + x];
        EXPECT_TRUE(o == nullptr || o->kind == PictureRegion::Kind::kOutputs)
            << "PE (" << x << "," << y << ") in two layer regions";
        o = &r;
      }
  }
  EXPECT_EQ(layer_regions, plan.layers.size() * plan.replicas);
  uint64_t unused = 0, bad = 0;
  for (uint32_t y = 0; y < plan.grid_height; ++y)
    for (uint32_t x = 0; x < plan.grid_width; ++x) {
      const PictureRegion* o = owner[uint64_t(y) * plan.grid_width + x];
      const Rgb want = o ? o->colour : kUnusedPeColour;
      unused += o == nullptr;
      // A region's border may cover the centre pixel of the PEs along its edge (at 2 pixels a PE).
      const bool edge = o && (x == o->pes.x || y == o->pes.y || x + 1 == o->pes.x + o->pes.w ||
                              y + 1 == o->pes.y + o->pes.h);
      if (edge && o->border && p.pe_colour(x, y) == o->border_colour) continue;
      if (p.pe_colour(x, y) != want && bad++ < 5)
        ADD_FAILURE() << "PE (" << x << "," << y << ") at pixel (" << p.pe_centre_x(x) << ","
                      << p.pe_centre_y(y) << ") is " << str(p.pe_colour(x, y)) << ", want " << str(want);
    }
  EXPECT_EQ(bad, 0u);
  // The centre of every region is its colour, border or not.
  for (const PictureRegion& r : p.regions)
    EXPECT_EQ(p.pe_colour(r.pes.x + r.pes.w / 2, r.pes.y + r.pes.h / 2), r.colour)
        << "layer " << r.layer << " replica " << r.replica;
  EXPECT_EQ(
      unused + plan.pes() +
          [&] {
            uint64_t outputs = 0;  // PEs of output paths (never under a layer)
            for (const PictureRegion& r : p.regions)
              if (r.kind == PictureRegion::Kind::kOutputs) outputs += uint64_t(r.pes.w) * r.pes.h;
            return outputs;
          }(),
      uint64_t(plan.grid_width) * plan.grid_height);
}

// The map inside the picture at the documented scale, the picture within ~2400 pixels where the grid allows.
void expect_geometry(const Plan& plan, const PlanPicture& p) {
  EXPECT_EQ(p.scale, expected_scale(plan.grid_width, plan.grid_height));
  EXPECT_EQ(p.rgb.size(), uint64_t(p.width) * p.height * 3);
  EXPECT_LE(p.map_x + plan.grid_width * p.scale, p.width);
  EXPECT_LE(p.map_y + plan.grid_height * p.scale, p.height);
  const uint32_t longer = std::max(plan.grid_width, plan.grid_height) * p.scale;
  if (std::max(plan.grid_width, plan.grid_height) <= 2350) {
    EXPECT_GE(longer, 700u);
    EXPECT_LE(std::max(p.width, p.height), 2400u) << p.width << "x" << p.height;
  }
  // The grid's outline just outside the map, the background beyond the legend's reach (the corner).
  EXPECT_NE(p.pixel(p.map_x - 1, p.map_y - 1), kUnusedPeColour);
  EXPECT_EQ(p.pixel(p.width - 1, p.height - 1), kPictureBackground);
}

bool has_text_pixel(const PlanPicture& p, const Rect& pes) {
  for (uint32_t y = p.map_y + pes.y * p.scale; y < p.map_y + (pes.y + pes.h) * p.scale; ++y)
    for (uint32_t x = p.map_x + pes.x * p.scale; x < p.map_x + (pes.x + pes.w) * p.scale; ++x) {
      const Rgb c = p.pixel(x, y);
      if (c == Rgb{20, 20, 20} || c == Rgb{255, 255, 255}) return true;
    }
  return false;
}

void check_plan(const LayerGraph& g, const Plan& plan) {
  std::printf("%s", plan_table(g, plan).c_str());
  const PlanPicture bare = render_plan(g, plan, {.labels = false});
  std::printf("picture %ux%u, %u px per PE, map at (%u,%u)\n", bare.width, bare.height, bare.scale,
              bare.map_x, bare.map_y);
  expect_geometry(plan, bare);
  expect_every_pe_coloured(plan, bare);
  // With labels: same size; labelled regions show text in them.
  const PlanPicture labelled = render_plan(g, plan);
  EXPECT_EQ(labelled.width, bare.width);
  EXPECT_EQ(labelled.height, bare.height);
  for (const PictureRegion& r : labelled.regions) {
    if (!r.label.empty()) {
      EXPECT_TRUE(has_text_pixel(labelled, r.pes)) << r.label;
    }
  }
}

TEST(PlanPicture, RandomGraphWithReplicasOnASmallGrid) {
  const LayerGraph g = random_graph({20, 12, 8, 5}, Activation::kRelu, 21);
  const Plan plan = search_plan(g, 64, 40).plan;
  ASSERT_GT(plan.replicas, 1u);
  check_plan(g, plan);
  // Layer 0 of replica 0 is large enough for its index and replica.
  const PlanPicture p = render_plan(g, plan);
  const PictureRegion& first = *std::find_if(p.regions.begin(), p.regions.end(), [](const PictureRegion& r) {
    return r.kind == PictureRegion::Kind::kLayer && r.layer == 0 && r.replica == 0;
  });
  EXPECT_TRUE(first.label == "0\nr0" || first.label == "0 r0") << first.label;
}

TEST(PlanPicture, ForcedShapesOutputsTurnSouth) {
  // The last layer's lanes are rows, so with replicas its outputs turn south inside the replica's pitch.
  const LayerGraph g3 = random_graph({9, 6, 7, 4}, Activation::kRelu, 6);
  const Plan plan = staircase_for_shapes(g3, 50, 30, 3, {3, 4, 3}, 3);
  ASSERT_TRUE(plan.outputs_turn_south());
  check_plan(g3, plan);
  const PlanPicture p = render_plan(g3, plan);
  uint32_t outputs = 0;
  for (const PictureRegion& r : p.regions) {
    if (r.kind != PictureRegion::Kind::kOutputs) continue;
    ++outputs;
    const LayerPlan last = plan.layer_of_replica(2, r.replica);
    const Rect lr = last.rect();
    EXPECT_EQ(r.pes.x, lr.x + lr.w);  // east of the chain's end
    EXPECT_EQ(r.pes.w, last.lanes);   // one turn column per lane
    EXPECT_EQ(r.pes.y, lr.y);
    EXPECT_EQ(r.pes.y + r.pes.h, plan.grid_height);  // down to the south edge
  }
  EXPECT_EQ(outputs, 3u);
}

TEST(PlanPicture, OneColumnAndOneRowGrids) {
  // 1 x 40: one layer of 7 lanes x 1 chain position, its outputs already at the east edge.
  const LayerGraph tall = random_graph({5, 7}, Activation::kNone, 7);
  const Plan column = staircase_for_shapes(tall, 1, 40, 1, {7}, 1);
  check_plan(tall, column);
  const PlanPicture pc = render_plan(tall, column);
  EXPECT_EQ(pc.scale, 30u);
  EXPECT_EQ(pc.regions.size(), 1u);  // no output paths: the chain ends at the edge
  // 40 x 1: one lane, 5 chain positions, outputs run east to the edge; the legend goes below the map.
  const LayerGraph wide = random_graph({10, 1}, Activation::kNone, 8);
  const Plan row = staircase_for_shapes(wide, 40, 1, 5, {1}, 1);
  check_plan(wide, row);
  const PlanPicture pr = render_plan(wide, row);
  EXPECT_EQ(pr.scale, 30u);
  ASSERT_EQ(pr.regions.size(), 2u);
  EXPECT_EQ(pr.regions[0].kind, PictureRegion::Kind::kOutputs);
  EXPECT_EQ(pr.regions[0].pes.x, 5u);
  EXPECT_EQ(pr.regions[0].pes.w, 35u);
  EXPECT_GT(pr.height, pr.map_y + pr.scale + 100);  // the legend under the map
}

TEST(PlanPicture, ScaleBoundary) {
  // 2 pixels a PE while the longer side stays within 2350 pixels (1175 PEs), 1 beyond.
  const LayerGraph g = random_graph({5, 7}, Activation::kNone, 7);
  for (const auto& [height, scale] : {std::pair{1175u, 2u}, std::pair{1176u, 1u}, std::pair{1172u, 2u}}) {
    const Plan plan = staircase_for_shapes(g, 1, height, 1, {7}, 1);
    const PlanPicture p = render_plan(g, plan, {.labels = false});
    EXPECT_EQ(p.scale, scale) << "1x" << height;
    EXPECT_EQ(p.pe_colour(0, height - 1), kUnusedPeColour);
    EXPECT_EQ(p.pe_colour(0, 3), plan_layer_colour(0, 0));
  }
}

TEST(PlanPicture, FourByFourGridIsLarge) {
  const LayerGraph g = random_graph({4, 2, 2}, Activation::kRelu, 9);
  const Plan plan = staircase_for_shapes(g, 4, 4, 1, {2, 2}, 1);
  check_plan(g, plan);
  const PlanPicture p = render_plan(g, plan);
  EXPECT_GE(p.scale, 100u);
  for (const PictureRegion& r : p.regions) {
    if (r.kind == PictureRegion::Kind::kLayer) {
      EXPECT_EQ(r.label, std::to_string(r.layer));
    }
  }
}

TEST(PlanPicture, DigitsOnTheWafer) {
  const LayerGraph g = import_model(kModels + "/digits_mlp.onnx");
  const Plan plan = search_plan(g, 762, 1172).plan;
  check_plan(g, plan);
  const PlanPicture p = render_plan(g, plan);
  EXPECT_EQ(p.scale, 2u);  // 2344 pixels tall: labels stay readable
  // Layer 0's regions (9 PEs wide) carry their index; layer 1's (1 PE wide) are too narrow for any.
  for (const PictureRegion& r : p.regions) {
    if (r.kind != PictureRegion::Kind::kLayer) continue;
    const Rect rect = plan.layer_of_replica(r.layer, r.replica).rect();
    if (rect.w * p.scale >= 16) {
      EXPECT_FALSE(r.label.empty()) << "layer " << r.layer << " replica " << r.replica;
    }
  }
}

TEST(PlanPicture, ThirtyFourLayersFitBesideTheWafer) {
  std::vector<uint32_t> sizes(35, 24);
  const LayerGraph g = random_graph(sizes, Activation::kRelu, 34);
  const Plan plan = staircase_for_shapes(g, 762, 1172, 4, std::vector<uint32_t>(34, 4), 1);
  check_plan(g, plan);
  // The palette keeps 34 layers apart from each other and from the unused grey.
  auto distance = [](Rgb a, Rgb b) {
    return std::sqrt(
        double((a.r - b.r) * (a.r - b.r) + (a.g - b.g) * (a.g - b.g) + (a.b - b.b) * (a.b - b.b)));
  };
  double closest = 1e9;
  for (uint32_t i = 0; i < 34; ++i) {
    EXPECT_GT(distance(plan_layer_colour(i, 0), kUnusedPeColour), 40) << i;
    EXPECT_NE(plan_layer_colour(i, 0), plan_layer_colour(i, 1)) << i;
    for (uint32_t j = 0; j < i; ++j)
      closest = std::min(closest, distance(plan_layer_colour(i, 0), plan_layer_colour(j, 0)));
  }
  std::printf("closest pair of the 34 layer colours: %.1f apart (RGB)\n", closest);
  EXPECT_GT(closest, 20);
}

TEST(PlanPicture, PngReadsBackPixelForPixel) {
  const LayerGraph g = random_graph({20, 12, 8, 5}, Activation::kRelu, 21);
  const Plan plan = search_plan(g, 64, 40).plan;
  const std::string path = temp_path("small.png");
  write_plan_png(g, plan, path);
  const PlanPicture want = render_plan(g, plan);
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  ASSERT_TRUE(png_image_begin_read_from_file(&image, path.c_str())) << image.message;
  EXPECT_EQ(image.width, want.width);
  EXPECT_EQ(image.height, want.height);
  image.format = PNG_FORMAT_RGB;
  std::vector<uint8_t> rgb(PNG_IMAGE_SIZE(image));
  ASSERT_TRUE(png_image_finish_read(&image, nullptr, rgb.data(), 0, nullptr)) << image.message;
  EXPECT_TRUE(rgb == want.rgb);
  // A few pixels by name: a layer's centre, and the unused grey at the grid's far corner.
  auto at = [&](uint32_t x, uint32_t y) {
    const uint8_t* p = &rgb[(uint64_t(y) * image.width + x) * 3];
    return Rgb{p[0], p[1], p[2]};
  };
  const Rect r0 = plan.layer_of_replica(0, 0).rect();
  const PlanPicture bare = render_plan(g, plan, {.labels = false});
  EXPECT_EQ(bare.pe_colour(r0.x + r0.w / 2, r0.y + r0.h / 2), plan_layer_colour(0, 0));
  EXPECT_EQ(at(want.pe_centre_x(plan.grid_width - 1), want.pe_centre_y(0)), kUnusedPeColour);
  std::filesystem::remove(path);
}

TEST(PlanPicture, UnwritablePathThrowsNamingIt) {
  const LayerGraph g = random_graph({4, 2, 2}, Activation::kRelu, 9);
  const Plan plan = staircase_for_shapes(g, 4, 4, 1, {2, 2}, 1);
  const std::string path = "/nonexistent-dir/plan.png";
  try {
    write_plan_png(g, plan, path);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_THROW(write_plan_svg(g, plan, "/nonexistent-dir/plan.svg"), Error);
}

TEST(PlanPicture, RegionOutsideTheGridIsRefused) {
  const LayerGraph g = random_graph({4, 2, 2}, Activation::kRelu, 9);
  Plan plan = staircase_for_shapes(g, 4, 4, 1, {2, 2}, 1);
  plan.grid_height = 1;  // layer 0 is 2 lanes tall
  try {
    render_plan(g, plan);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("outside the 4x1 grid"), std::string::npos) << e.what();
  }
}

TEST(PlanPicture, SvgHasOneRectPerRegion) {
  const LayerGraph g = import_model(kModels + "/digits_mlp.onnx");
  const Plan plan = search_plan(g, 762, 1172).plan;
  const std::string svg = plan_svg(g, plan);
  std::printf("svg: %zu bytes for %u replicas x %zu layers\n", svg.size(), plan.replicas, plan.layers.size());
  EXPECT_LT(svg.size(), 400u * plan.replicas * (plan.layers.size() + 1));  // a few hundred bytes a region
  const std::regex rect_re(
      "<rect class=\"layer\" data-layer=\"(\\d+)\" data-replica=\"(\\d+)\" x=\"(\\d+)\" y=\"(\\d+)\" "
      "width=\"(\\d+)\" height=\"(\\d+)\"");
  std::vector<int> seen(plan.layers.size() * plan.replicas, 0);
  uint32_t rects = 0;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), rect_re); it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    const uint32_t layer = std::stoul(m[1]), replica = std::stoul(m[2]);
    ASSERT_LT(layer, plan.layers.size());
    ASSERT_LT(replica, plan.replicas);
    const Rect want = plan.layer_of_replica(layer, replica).rect();
    EXPECT_EQ(std::stoul(m[3]), want.x);
    EXPECT_EQ(std::stoul(m[4]), want.y);
    EXPECT_EQ(std::stoul(m[5]), want.w);
    EXPECT_EQ(std::stoul(m[6]), want.h);
    ++seen[replica * plan.layers.size() + layer];
    ++rects;
  }
  EXPECT_EQ(rects, plan.layers.size() * plan.replicas);
  EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; }));
  // Tooltips name the layer; one output group per replica; the file holds the same text.
  EXPECT_NE(svg.find("<title>L0 " + plan.layers[0].name), std::string::npos);
  size_t groups = 0;
  for (size_t at = svg.find("class=\"outputs\""); at != std::string::npos;
       at = svg.find("class=\"outputs\"", at + 1))
    ++groups;
  EXPECT_EQ(groups, plan.replicas);
  const std::string path = temp_path("digits.svg");
  write_plan_svg(g, plan, path);
  std::ifstream f(path);
  std::stringstream file;
  file << f.rdbuf();
  EXPECT_EQ(file.str(), svg);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace wafer::mapper
