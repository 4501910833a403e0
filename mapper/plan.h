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
  uint32_t block = 0;  // the shape rule's target block side (docs/mapper.md)
  std::string rule;    // how the shapes were chosen, in words
  std::vector<LayerPlan> layers;
  uint32_t extent_width = 0, extent_height = 0;  // the region the pipeline occupies (from (0,0))
  // Predicted figures of the whole pipeline.
  uint64_t interval = 0;  // the slowest layer's interval
  uint64_t latency = 0;   // one sample alone, first input to last output at its stream (cost/latency.h)
  uint32_t bottleneck = 0;
  uint64_t pes() const;
  double samples_per_second() const;  // at kClockHz
};

}  // namespace wafer::mapper
