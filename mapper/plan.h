// The plan: where each layer of the network sits on the grid, with which shape, colors and predicted
// cycles. The placement stage (place/) makes it, the image stage (image/) turns it into an Image, and
// plan_io writes it as plan.json and a table.
#pragma once
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
  std::vector<LayerPlan> layers;  // replica 0's layers; replica r is the same shifted r * replica_pitch east
  uint32_t extent_width = 0, extent_height = 0;  // the region one pipeline occupies (from its origin)
  // Data-parallel replicas of the whole pipeline, side by side along the north edge; samples are dealt
  // round-robin (sample s to replica s mod R) and gathered back in order.
  uint32_t replicas = 1;
  uint32_t replica_pitch = 0;  // columns from one replica's origin to the next's
  // With replicas and a last layer whose outputs leave east, lane l's outputs turn south K - l columns
  // east of the chain's end (inside the replica's pitch) and run down to the south edge.
  bool outputs_turn_south = false;
  // Predicted figures of one pipeline.
  uint64_t interval = 0;  // the slowest layer's interval
  uint64_t latency = 0;   // one sample alone, first input to last output at its stream (cost/latency.h)
  uint32_t bottleneck = 0;
  uint64_t pes() const;                  // all replicas
  double samples_per_second() const;     // all replicas, at kClockHz
  LayerPlan layer_of_replica(uint32_t layer, uint32_t replica) const;  // its frame shifted to the replica
  uint32_t used_width() const { return replicas > 1 ? replicas * replica_pitch : extent_width; }
};

}  // namespace wafer::mapper
