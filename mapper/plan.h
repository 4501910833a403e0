// The plan: where each layer of the network sits on the grid, with which shape, colors and predicted
// cycles. The placement stage (place/) makes it, the image stage (image/) turns it into an Image, and
// plan_io writes it as plan.json and a table.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "host/image/image.h"
#include "host/kernels/fc_layer.h"
#include "mapper/cost/cost_model.h"
#include "mapper/graph.h"

namespace wafer::mapper {

// A layer of the plan: its frame on the grid (host/kernels/fc_layer.h: position, orientation, lanes x
// chain positions, colors) and its predicted costs. Consecutive layers alternate orientation.
struct LayerPlan : FcFrame {
  uint32_t index = 0;
  std::string name;
  LayerCost cost;
  LayerShape shape() const { return {lanes, chain}; }
};

struct Plan {
  std::string model;
  uint32_t grid_width = 0, grid_height = 0;
  uint32_t block = 0;  // the uniform rule's block side, 0 when the search chose the shapes
  std::string rule;    // how the shapes were chosen, in words
  std::vector<LayerPlan> layers;  // replica 0's layers; replica r is the same shifted (layer_of_replica)
  uint32_t extent_width = 0, extent_height = 0;  // the region one pipeline occupies (from its origin)
  // Data-parallel replicas of the whole pipeline; samples are dealt round-robin (sample s to replica
  // s mod R) and gathered back in order. They fill bands: up to replicas_per_band side by side along the
  // north edge (replica_pitch columns apart), then the next band band_pitch rows further south. Replica r
  // sits in band r / replicas_per_band at position r % replicas_per_band.
  //
  // Bands share the edge: the inputs of every band's replica at position j enter through the same north
  // ports (a stream per replica and chain position, the port serving its streams in turn, each band on its
  // own x color, passed straight down through the bands above), and every band's outputs run south to the
  // same south ports (each band on its own exit color, passed down through the bands below).
  // band_colors() says which.
  uint32_t replicas = 1;
  uint32_t replicas_per_band = 1;
  uint32_t replica_pitch = 0;  // columns from one replica's origin to the next's in a band
  uint32_t band_pitch = 0;     // rows from one band's origin to the next's
  // How the last layer's outputs reach the edge (host/kernels/fc_layer.h). With replicas and outputs that
  // leave east, they turn south K - l columns east of the chain's end (inside the replica's pitch); with
  // bands and outputs that leave south, they take a corridor: K rows below the band and K columns east of
  // the staircase, so that the bands' outputs never share a link with a lower band's reduction. Either
  // way the pitch grows by K columns (and the band pitch by K rows for the corridor).
  OutputRoute output_route = OutputRoute::kStraight;
  bool outputs_turn_south() const { return output_route == OutputRoute::kTurnSouth; }
  // The corridor's first column for replica r (OutputRoute::kCorridor): east of its staircase.
  uint32_t corridor_x(uint32_t replica) const { return position_of(replica) * replica_pitch + extent_width; }
  // Predicted figures of one pipeline.
  uint64_t interval = 0;  // cycles per sample: the slowest layer's interval, or io_interval when larger
  uint64_t io_interval = 0;  // what the shared edge ports allow with bands (0 with one band): bands x the
                             // busiest port's wavelets per sample (cost/io.h)
  uint64_t latency = 0;   // one sample alone, first input to last output at its stream (cost/latency.h)
  uint32_t bottleneck = 0;  // the slowest layer (see io_bound())
  bool io_bound() const { return io_interval > layers.at(bottleneck).cost.interval; }  // the ports, not a layer
  uint64_t pes() const;                  // all replicas
  double samples_per_second() const;     // all replicas, at kClockHz
  uint32_t bands() const { return (replicas + replicas_per_band - 1) / replicas_per_band; }
  uint32_t band_of(uint32_t replica) const { return replica / replicas_per_band; }
  uint32_t position_of(uint32_t replica) const { return replica % replicas_per_band; }
  // Replica's frame of a layer: shifted to its band and position, with its band's colors.
  LayerPlan layer_of_replica(uint32_t layer, uint32_t replica) const;
  uint32_t used_width() const { return replicas > 1 ? std::min(replicas, replicas_per_band) * replica_pitch : extent_width; }
  uint32_t used_height() const {
    return (bands() - 1) * band_pitch + extent_height + (output_route == OutputRoute::kCorridor ? layers.back().lanes : 0);
  }
};

// The colors a band uses where it differs from band 0: layer 0's x arrives on `in` (band 0: layer 0's own
// x color), and the last layer's outputs leave on `exit` (the bottom band: the last layer's own output
// color). Bands above the bottom one need their own exit color because their outputs pass through the
// bands below; bands below the top one their own x color because their inputs pass through the bands
// above. Colors 0..2 are the layers' own (place/staircase.cpp), so 3 + 2 (B - 1) <= 24 colors: at most
// kMaxBands bands.
struct BandColors {
  uint32_t in = 0, exit = 0;
};
inline constexpr uint32_t kMaxBands = 11;
BandColors band_colors(const Plan& plan, uint32_t band);

}  // namespace wafer::mapper
