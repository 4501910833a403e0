// Placement of a layer pipeline as a staircase from the north-west corner. Layer 0's lanes are rows, so
// its x enters through the north edge from host streams; every layer's outputs leave through the side
// where the next layer starts, with the next layer turned by 90 degrees (the seeds' alternation: input
// from the vertical, output to the horizontal, then the reverse). A hand-off is therefore one hop, and
// the next layer's chain length is this layer's lane count (C_{l+1} = K_l): each lane's outputs are one
// chain position's x. The last layer's outputs are routed straight on to the grid's edge, where host
// output streams collect them.
//
// Shape rule (issue "the mapper"; the search of the next issue replaces it): one target block side b
// for the whole network, K_l = ceil(M_l / b) lanes (so every PE holds about b outputs' worth of W) and
// C_0 = ceil(N_0 / b); b is the smallest value for which the staircase fits the grid and every block fits
// a PE's SRAM. Equal-width layers then get equal blocks, so the pipeline is balanced.
#pragma once
#include <cstdint>
#include <vector>

#include "mapper/plan.h"

namespace wafer::mapper {

struct PlacementOptions {
  uint32_t block = 0;  // force the target block side (0: the smallest that fits)
};

// Throws wafer::Error when the model cannot fit the grid, saying by how much.
Plan place_staircase(const LayerGraph& graph, uint32_t grid_width, uint32_t grid_height,
                     const PlacementOptions& options = {});

// The staircase with given shapes (no fit check): layer 0 has chain0 chain positions, layer l lanes[l]
// lanes (and C_{l+1} = lanes[l]); `replicas` copies, as many side by side as the grid's width holds, the
// rest in bands below (Plan).
// with_latency = false skips the latency walk (O(lanes x chain) per layer), for the search's inner loop.
Plan staircase_for_shapes(const LayerGraph& graph, uint32_t grid_width, uint32_t grid_height, uint32_t chain0,
                          const std::vector<uint32_t>& lanes, uint32_t replicas, bool with_latency = true);
// How replicas of a staircase are laid out: the last layer's output route (straight alone; turning south
// when replicated and its outputs leave east; by a corridor in bands when they leave south), the columns
// from one replica to the next, the rows from one band to the next, and the rows the lowest band needs.
struct ReplicaLayout {
  OutputRoute route = OutputRoute::kStraight;
  uint32_t pitch = 0, band_pitch = 0, last_band_height = 0;
};
ReplicaLayout replica_layout(const Plan& one, bool replicated, bool banded);

// Gives a staircase `replicas` copies (as staircase_for_shapes places them: bands, pitches, the output
// route) and sets its io_interval and interval; the layers and their costs stay (latency is not redone).
void set_replicas(const LayerGraph& graph, Plan& plan, uint32_t replicas);
// The uniform rule's staircase for a given b (no fit check).
Plan staircase_for_block(const LayerGraph& graph, uint32_t grid_width, uint32_t grid_height, uint32_t block);

}  // namespace wafer::mapper
