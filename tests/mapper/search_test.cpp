// The mapping search: at least as good (predicted) as every shape and replica count in a brute-force sweep
// on small grids; replicas give the same outputs as one pipeline, in input order; forced shapes and
// replicas are honoured or refused with the reason.
#include <gtest/gtest.h>

#include "host/model/error.h"
#include "mapper/check/image_invariants.h"
#include "mapper/check/ordered_fp32.h"
#include "mapper/image/pipeline_image.h"
#include "mapper/place/staircase.h"
#include "mapper/search/search.h"
#include "tests/mapper/mapper_test_support.h"
#include "tests/support/error_and_temp.h"

namespace wafer::mapper {
namespace {

using test::error_of;

using testing::random_graph;
using testing::random_inputs;

// Every C_0, every lane count per layer, every replica count that fits: the best predicted samples/s.
double brute_force_best(const LayerGraph& g, uint32_t W, uint32_t H, uint64_t* tried) {
  double best = 0;
  std::vector<uint32_t> lanes(g.layers.size(), 1);
  for (uint32_t c0 = 1; c0 <= g.layers.front().in; ++c0) {
    std::fill(lanes.begin(), lanes.end(), 1u);
    while (true) {
      const Plan one = staircase_for_shapes(g, W, H, c0, lanes, 1, false);
      bool sram = true;
      for (const auto& l : one.layers) sram = sram && l.cost.fits_sram();
      if (sram)
        for (uint32_t R = 1; R <= W * H; ++R) {  // in one band, then in bands (Plan)
          const Plan p = staircase_for_shapes(g, W, H, c0, lanes, R, false);
          ++*tried;
          if (p.used_width() > W || p.used_height() > H || p.bands() > kMaxBands) break;
          best = std::max(best, p.samples_per_second());
        }
      size_t i = 0;  // next combination of lane counts
      while (i < lanes.size() && ++lanes[i] > g.layers[i].out) lanes[i++] = 1;
      if (i == lanes.size()) break;
    }
  }
  return best;
}

TEST(Search, AtLeastAsGoodAsBruteForceOnSmallGrids) {
  struct Case {
    std::vector<uint32_t> sizes;
    uint32_t w, h;
  };
  const Case cases[] = {{{6, 8, 5}, 16, 12}, {{5, 7, 4, 3}, 20, 9}, {{9, 4}, 7, 23}, {{4, 6, 6, 2}, 30, 30},
                        {{7, 5, 3}, 11, 5},  {{3, 9, 2}, 1, 40}};
  for (const Case& c : cases) {
    const LayerGraph g = random_graph(c.sizes, Activation::kRelu, 1);
    uint64_t tried = 0;
    const double brute = brute_force_best(g, c.w, c.h, &tried);
    std::string what = "net";
    for (auto s : c.sizes) what += "-" + std::to_string(s);
    what += " on " + std::to_string(c.w) + "x" + std::to_string(c.h);
    if (brute == 0) {
      EXPECT_THROW(search_plan(g, c.w, c.h), Error) << what;
      continue;
    }
    const SearchResult r = search_plan(g, c.w, c.h);
    std::printf("%-28s brute force best %.4g samples/s over %llu plans; search %.4g (%u replicas)\n", what.c_str(),
                brute, (unsigned long long)tried, r.plan.samples_per_second(), r.plan.replicas);
    EXPECT_GE(r.plan.samples_per_second(), brute * (1 - 1e-9)) << what;
    EXPECT_LE(r.plan.used_width(), c.w);
    EXPECT_LE(r.plan.used_height(), c.h);
  }
}

TEST(Search, ReplicasGiveTheSameOutputsAsOnePipelineInInputOrder) {
  const LayerGraph g = random_graph({12, 9, 5}, Activation::kRelu, 4);
  const uint32_t batch = 11;  // not a multiple of the replica count
  const auto x = random_inputs(batch, 12, 5);
  const std::vector<uint32_t> lanes = {3, 2};
  const Plan one = staircase_for_shapes(g, 64, 16, 4, lanes, 1);
  const Plan three = staircase_for_shapes(g, 64, 16, 4, lanes, 3);
  ASSERT_LE(three.used_width(), 64u);
  std::vector<std::vector<float>> outs;
  for (const Plan* p : {&one, &three}) {
    auto e = make_engine("cpu", {.threads = 2});
    e->load(build_pipeline_image(g, *p, x, batch));
    outs.push_back(run_pipeline(*e, g, *p, batch).outputs);
  }
  EXPECT_TRUE(compare_bits(outs[1], outs[0]).equal());
  EXPECT_TRUE(compare_bits(outs[1], ordered_fp32_forward(g, three, x, batch)).equal());
}

TEST(Search, ReplicasWhoseOutputsTurnSouth) {
  // Three layers: the last one's lanes are rows, so with replicas its outputs turn south.
  const LayerGraph g = random_graph({8, 6, 6, 5}, Activation::kRelu, 6);
  const uint32_t batch = 9;
  const auto x = random_inputs(batch, 8, 7);
  const Plan p = staircase_for_shapes(g, 60, 20, 2, {3, 2, 3}, 3);
  ASSERT_TRUE(p.outputs_turn_south());
  ASSERT_LE(p.used_width(), 60u);
  auto e = make_engine("cpu", {.threads = 2});
  e->load(build_pipeline_image(g, p, x, batch));
  const auto y = run_pipeline(*e, g, p, batch).outputs;
  EXPECT_TRUE(compare_bits(y, ordered_fp32_forward(g, p, x, batch)).equal());
}

// Bands of replicas (Plan): the lower bands' x pass down through the upper bands on colors of their own,
// every band's outputs run down to shared south ports (by a corridor when the last layer's lanes are
// columns, turning south when they are rows), and the outputs come back bit-identical to one pipeline's,
// in input order, with a batch that is not a multiple of the replica count; dense and sparse kernels.
TEST(Search, BandsGiveTheSameOutputsAsOnePipeline) {
  struct Case {
    std::vector<uint32_t> sizes;
    uint32_t chain0;
    std::vector<uint32_t> lanes;
    OutputRoute route;
  };
  const Case cases[] = {{{12, 9, 5}, 4, {3, 2}, OutputRoute::kCorridor},
                        {{8, 6, 6, 5}, 2, {3, 2, 3}, OutputRoute::kTurnSouth}};
  for (const Case& c : cases)
    for (bool dense : {true, false}) {
      LayerGraph g = random_graph(c.sizes, Activation::kRelu, 4);
      g.dense_kernel = dense;
      const uint32_t batch = 23;
      auto x = random_inputs(batch, c.sizes.front(), 5);
      for (size_t i = 0; i < x.size(); i += 3) x[i] = 0;  // zeros for the sparse kernel to leave out
      const Plan one = staircase_for_shapes(g, 40, 60, c.chain0, c.lanes, 1);
      const Plan banded = staircase_for_shapes(g, 40, 60, c.chain0, c.lanes, 7);
      ASSERT_GE(banded.bands(), 2u) << "per band " << banded.replicas_per_band;
      ASSERT_EQ(banded.output_route, c.route);
      ASSERT_LE(banded.used_height(), 60u);
      std::vector<std::vector<float>> outs;
      for (const Plan* p : {&one, &banded}) {
        const Image im = build_pipeline_image(g, *p, x, batch);
        const InvariantReport inv = check_image_invariants(im);
        EXPECT_TRUE(inv.ok()) << inv.problems.front();
        auto e = make_engine("cpu", {.threads = 2});
        e->load(im);
        outs.push_back(run_pipeline(*e, g, *p, batch).outputs);
      }
      EXPECT_TRUE(compare_bits(outs[1], outs[0]).equal()) << "dense " << dense;
      EXPECT_TRUE(compare_bits(outs[1], ordered_fp32_forward(g, banded, x, batch)).equal()) << "dense " << dense;
    }
}

TEST(Search, ForcedShapesAndReplicasAreHonouredOrRefused) {
  const LayerGraph g = random_graph({16, 12, 4}, Activation::kRelu, 8);
  SearchOptions o;
  o.shapes[1] = {2, 3};  // layer 1: 2 lanes, 3 chain positions (so layer 0 gets 3 lanes)
  o.replicas = 2;
  const SearchResult r = search_plan(g, 80, 40, o);
  EXPECT_EQ(r.plan.layers[1].lanes, 2u);
  EXPECT_EQ(r.plan.layers[1].chain, 3u);
  EXPECT_EQ(r.plan.layers[0].lanes, 3u);
  EXPECT_EQ(r.plan.replicas, 2u);
  EXPECT_TRUE(r.forced);
  EXPECT_FALSE(r.unforced.layers.empty());  // what the search would have chosen
  EXPECT_GE(r.unforced.samples_per_second(), r.plan.samples_per_second() * (1 - 1e-9));

  SearchOptions too_many;
  too_many.replicas = 500;
  EXPECT_NE(error_of([&] { search_plan(g, 80, 40, too_many); }).find("with 500 replicas"), std::string::npos);
  // 500 replicas would need more bands than there are colors for.
  EXPECT_NE(error_of([&] { search_plan(g, 80, 40, too_many); }).find("more bands than the colors allow (11)"),
            std::string::npos)
      << error_of([&] { search_plan(g, 80, 40, too_many); });
  // More replicas than a band holds are honoured in bands when they fit.
  SearchOptions banded;
  banded.replicas = search_plan(g, 80, 40).plan.replicas_per_band + 1;
  const SearchResult b = search_plan(g, 80, 40, banded);
  EXPECT_EQ(b.plan.replicas, banded.replicas);
  EXPECT_GE(b.plan.bands(), 2u);  // the corridor makes a banded replica wider than one in a single band
  EXPECT_LE(b.plan.used_height(), 40u);

  SearchOptions clash;
  clash.shapes[0] = {4, 2};
  clash.shapes[1] = {2, 3};  // layer 1's chain must be layer 0's lanes (4)
  EXPECT_NE(error_of([&] { search_plan(g, 80, 40, clash); }).find("disagree"), std::string::npos);

  SearchOptions out_of_range;
  out_of_range.shapes[5] = {1, 1};
  EXPECT_NE(error_of([&] { search_plan(g, 80, 40, out_of_range); }).find("the model has 2 layers"), std::string::npos);
  SearchOptions too_many_lanes;
  too_many_lanes.shapes[1] = {13, 3};
  EXPECT_NE(error_of([&] { search_plan(g, 80, 40, too_many_lanes); }).find("takes 1..4 lanes"), std::string::npos);
}

TEST(Search, ExplainListsTheChosenShapeAndWhyOthersLost) {
  const LayerGraph g = random_graph({64, 128, 10}, Activation::kRelu, 9);
  const SearchResult r = search_plan(g, 762, 1172);
  const auto alts = layer_alternatives(g, r, 0);
  int chosen = 0;
  for (const auto& a : alts) {
    chosen += a.verdict == "chosen";
    EXPECT_FALSE(a.verdict.empty());
  }
  EXPECT_EQ(chosen, 1);
  EXPECT_GE(r.blends.size(), 3u);
}

}  // namespace
}  // namespace wafer::mapper
