// The plan: where each layer of the network sits on the grid, with which shape, colors and predicted
// cycles. The placement stage (place/) makes it, the image stage (image/) turns it into an Image, and
// plan_io writes it as plan.json and a table.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "host/image/image.h"
#include "mapper/cost/cost_model.h"
#include "mapper/graph.h"

namespace wafer::mapper {

// A layer's frame on the grid. lanes_are_rows: the K lanes are grid rows and the C chain positions grid
// columns; x enters from the north and is broadcast south, partial sums run east and the outputs leave
// through the east side. Otherwise the transpose: lanes are columns, x enters from the west and runs
// east, partial sums run south, outputs leave through the south side. Consecutive layers alternate.
struct LayerPlan {
  uint32_t index = 0;
  std::string name;
  LayerShape shape;
  uint32_t positions = 1;  // physical chain positions: shape.chain, plus the ReLU epilogue (fc_kernel.h)
  bool lanes_are_rows = true;
  uint32_t x = 0, y = 0;  // grid position of PE (lane 0, chain 0)
  uint32_t x_color = 0, reduce_colors[2] = {1, 2};
  LayerCost cost;
  Rect rect() const;
  // Grid position of PE (lane l, chain position c).
  uint32_t pe_x(uint32_t l, uint32_t c) const { return lanes_are_rows ? x + c : x + l; }
  uint32_t pe_y(uint32_t l, uint32_t c) const { return lanes_are_rows ? y + l : y + c; }
  uint32_t x_in_port() const { return lanes_are_rows ? kNorth : kWest; }    // where x arrives at lane 0
  uint32_t bcast_port() const { return lanes_are_rows ? kSouth : kEast; }   // toward lane l+1
  uint32_t chain_in_port() const { return lanes_are_rows ? kWest : kNorth; }  // partial sums from c-1
  uint32_t chain_out_port() const { return lanes_are_rows ? kEast : kSouth; } // toward c+1 / out of the layer
  // Color on which chain position c sends (the end's is the next layer's x color).
  uint32_t out_color(uint32_t c) const { return reduce_colors[c % 2]; }
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
  uint64_t latency = 0;   // sum of the layers' latencies
  uint32_t bottleneck = 0;
  uint64_t pes() const;
  double samples_per_second() const;  // at kClockHz
};

}  // namespace wafer::mapper
