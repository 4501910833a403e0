// The mapping search: for every layer a lane count (and so the next layer's chain length) and a number of
// data-parallel replicas of the whole pipeline, chosen to maximise predicted samples per second on the
// grid, subject to SRAM per PE and the staircase fitting the grid (docs/mapper.md, "The search").
//
// For a target interval T, each layer takes the fewest lanes that bring its interval to T or below while
// the next layer can still reach T (intervals only fall as lanes and chain positions are added, so this
// gives the smallest staircase that runs at T). T is scanned over a geometric ladder from the fastest
// shapes (1 x 1 blocks) to the slowest (one PE per layer); each T gives a staircase, the replicas that
// fit side by side, and samples per second = replicas x f / interval. The best wins; ties go to fewer PEs.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "mapper/graph.h"
#include "mapper/plan.h"

namespace wafer::mapper {

struct SearchOptions {
  uint32_t replicas = 0;  // 0: searched; N: exactly N (refused with the reason when they do not fit)
  std::map<uint32_t, std::pair<uint32_t, uint32_t>> shapes = {};  // forced: layer -> (lanes K, chain C)
  // At most this many replicas when they are searched (0: as many as fit). `wafer infer` sets it from its
  // batch, so that every replica gets enough samples for the steady state to be measured.
  uint32_t max_replicas = 0;
};

// One network blend the search weighed.
struct BlendAlternative {
  uint64_t target = 0;  // the interval it aimed at
  Plan plan;            // its staircase (and replicas), whether or not it fits
  bool fits = false;
  std::string verdict;  // "chosen", or why not
};

struct SearchResult {
  Plan plan;                              // the choice
  std::vector<BlendAlternative> blends;   // a representative few of the blends weighed, the chosen among them
  uint64_t blends_weighed = 0;
  bool forced = false;
  Plan unforced;  // with forced options: what the search would have chosen without them
};

// Throws wafer::Error when nothing fits (saying by how much the smallest staircase overflows) or a
// forced choice cannot be honoured (saying why).
SearchResult search_plan(const LayerGraph& graph, uint32_t grid_width, uint32_t grid_height,
                         const SearchOptions& options = {});

// One row of `wafer map --explain LAYER`: a lane count for the layer at the chosen plan's chain length.
struct LayerAlternative {
  uint32_t lanes = 0, chain = 0;
  LayerCost cost;
  std::string verdict;
};
std::vector<LayerAlternative> layer_alternatives(const LayerGraph& graph, const SearchResult& result,
                                                 uint32_t layer);

}  // namespace wafer::mapper
