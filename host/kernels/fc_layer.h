// Writing one fully connected layer y = act(W x + b) into an image with the FC kernel (fc_kernel.h):
// where its K lanes x C chain positions sit on the grid (FcFrame), each PE's block of W in fp32, the
// registers, descriptors and routes; and the host streams around it (x in at lane 0, one stream per chain
// position; y out at the chain's end, carried straight on to the grid's edge, one stream per lane).
// The mapper chains layers with these (mapper/image/pipeline_image.h); the GEMV example is one layer.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "host/engine/engine.h"
#include "host/image/image.h"
#include "host/kernels/fc_kernel.h"

namespace wafer {

// A layer's frame on the grid. lanes_are_rows: the K lanes are grid rows and the chain positions grid
// columns; x enters from the north and is broadcast south, partial sums run east and the outputs leave
// through the east side. Otherwise the transpose: lanes are columns, x enters from the west and runs
// east, partial sums run south, outputs leave through the south side.
struct FcFrame {
  uint32_t x = 0, y = 0;  // grid position of PE (lane 0, chain 0)
  bool lanes_are_rows = true;
  uint32_t lanes = 1;      // K: the M outputs split over K lanes
  uint32_t chain = 1;      // C: the N inputs split over C chain positions (blocks of W)
  uint32_t positions = 1;  // physical chain positions: C, plus the ReLU epilogue (chain_positions)
  uint32_t x_color = 0, reduce_colors[2] = {1, 2};

  Rect rect() const { return lanes_are_rows ? Rect{x, y, positions, lanes} : Rect{x, y, lanes, positions}; }
  // Grid rectangle of lanes [l0, l0 + ls) x physical chain positions [c0, c0 + cs).
  Rect sub_rect(uint32_t l0, uint32_t ls, uint32_t c0, uint32_t cs) const {
    return lanes_are_rows ? Rect{x + c0, y + l0, cs, ls} : Rect{x + l0, y + c0, ls, cs};
  }
  uint32_t pe_x(uint32_t l, uint32_t c) const { return lanes_are_rows ? x + c : x + l; }
  uint32_t pe_y(uint32_t l, uint32_t c) const { return lanes_are_rows ? y + l : y + c; }
  uint32_t x_in_port() const { return lanes_are_rows ? kNorth : kWest; }      // where x arrives at lane 0
  uint32_t bcast_port() const { return lanes_are_rows ? kSouth : kEast; }     // toward lane l+1
  uint32_t chain_in_port() const { return lanes_are_rows ? kWest : kNorth; }  // partial sums from c-1
  uint32_t chain_out_port() const { return lanes_are_rows ? kEast : kSouth; } // toward c+1 / out of the layer
  uint32_t out_color(uint32_t c) const { return reduce_colors[c % 2]; }      // what position c sends on
  uint32_t output_color() const { return out_color(positions - 1); }         // the next layer's x color
};

struct FcLayerSpec {
  std::string name;  // kernels are named name_role
  uint32_t in = 0, out = 0;
  Activation act = Activation::kNone;
  std::function<float(uint32_t i, uint32_t j)> weight;  // W[i][j], i < out, j < in
  std::function<float(uint32_t i)> bias;                // b[i]
  // The sparse protocol (fc_kernel.h): sparse_in, x arrive without zeros and end with the sentinel;
  // sparse_out, the layer's outputs leave without zeros (skip-zeros) and each sample ends with the sentinel
  // (for a sparse_in layer next; the host's output streams take dense outputs).
  bool sparse_in = false, sparse_out = false;
  // Induced sparsity (needs sparse_out): outputs with |y| < threshold (ReLU: y < threshold) are not sent,
  // so they are zeros for the next layer; done by the threshold epilogue. 0: none.
  float threshold = 0;
};

// Kernels, placements, registers, descriptors, SRAM (blocks of W, bias) and routes of one layer.
// `batch` is the number of samples the image will stream (the ReLU epilogue counts them).
void add_fc_layer(Image& image, const FcLayerSpec& layer, const FcFrame& frame, uint32_t batch);

// The wavelets of one input stream: payload and index, one entry per wavelet.
struct FcStreamWavelets {
  std::vector<uint32_t> payload;
  std::vector<uint16_t> index;
};
// What add_fc_input_streams puts in each chain position's stream (see there), without adding it.
std::vector<FcStreamWavelets> fc_input_wavelets(const FcFrame& frame, uint32_t inputs, const std::vector<float>& samples,
                                                uint32_t batch, bool sparse = false);

// One input stream per chain position at lane 0's off-grid side (the frame must touch that edge),
// named prefix + "x<c>", carrying `batch` samples of `inputs` values each (sample-major), index j for
// element j.
// sparse: zeros are left out (the host's side of skip-zeros) and each sample ends with the sentinel.
void add_fc_input_streams(Image& image, const FcFrame& frame, uint32_t inputs, const std::vector<float>& samples,
                          uint32_t batch, const std::string& prefix = "", bool sparse = false);
// How a layer's outputs reach the grid's edge, lane by lane, from the PE after the chain's end:
//   kStraight:  straight on to the edge the chain points at;
//   kTurnSouth: (outputs that leave east) east to column K - l past the chain's end, then south to the
//               south edge, so the region east of the layer stays free;
//   kCorridor:  (outputs that leave south) south to row K - l past the chain's end, east to column
//               corridor_x + l, then south to the south edge: the paths leave the layer's own columns, so
//               traffic from above (the mapper's bands) never shares a link with the layer's reduction.
// In both turning routes the paths of different lanes never meet, so one color serves every lane.
enum class OutputRoute { kStraight, kTurnSouth, kCorridor };

struct EdgePort {
  uint32_t x = 0, y = 0, port = 0;
  bool operator==(const EdgePort&) const = default;
};
// Lane l's output path: its corner PEs in order (the first is the PE after the chain's end, the last at the
// grid's edge; every PE on the straight segments between them passes the output color on) and the off-grid
// port it leaves through. No corners when the chain ends at the edge. Throws when the path leaves the grid.
struct OutputPath {
  std::vector<std::pair<uint32_t, uint32_t>> corners;
  EdgePort port;
};
OutputPath fc_output_path(const FcFrame& frame, uint32_t lane, OutputRoute route, uint32_t grid_width,
                          uint32_t grid_height, uint32_t corridor_x = 0);

// The routes along those paths, without the streams: lane by lane, the port where the lane's outputs
// leave. Frames that leave several layers' outputs at one port (the mapper's bands) give each its own color.
std::vector<EdgePort> add_fc_output_routes(Image& image, const FcFrame& frame, OutputRoute route = OutputRoute::kStraight,
                                           uint32_t corridor_x = 0);

// One output stream per lane (prefix + "y<l>", in lane order) at the end of its path (kStraight or
// kTurnSouth). Returns lane 0's stream index.
uint32_t add_fc_output_streams(Image& image, const FcFrame& frame, uint32_t outputs, uint32_t batch,
                               bool turn_south = false, const std::string& prefix = "");

// The batch x M outputs from those streams after a run; throws naming the lane and sample when something
// is missing or out of order. color >= 0: only the wavelets of that color count (streams shared by frames).
std::vector<float> fc_collect_outputs(const Engine& engine, const FcFrame& frame, uint32_t outputs, uint32_t batch,
                                      uint32_t first_stream, int32_t color = -1);

}  // namespace wafer
