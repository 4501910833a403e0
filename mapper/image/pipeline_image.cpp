#include "mapper/image/pipeline_image.h"

#include <algorithm>
#include <cstring>

#include "host/kernels/gemv.h"  // BlockSplit
#include "host/model/error.h"
#include "mapper/kernels/fc_kernel.h"

namespace wafer::mapper {

using namespace fcreg;

namespace {

uint32_t f32_bits(double v) {
  const float f = float(v);
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

// Grid rectangle of lanes [l0, l0 + ls) x chain positions [c0, c0 + cs) of a layer.
Rect frame_rect(const LayerPlan& l, uint32_t l0, uint32_t ls, uint32_t c0, uint32_t cs) {
  return l.lanes_are_rows ? Rect{l.x + c0, l.y + l0, cs, ls} : Rect{l.x + l0, l.y + c0, ls, cs};
}

void add_layer(Image& im, const FcLayer& fc, const LayerPlan& l, uint32_t batch) {
  const uint32_t K = l.shape.lanes, C = l.shape.chain, P = l.positions;
  const BlockSplit rows{fc.out, K}, cols{fc.in, C};
  const uint32_t data_words = fc_sram_layout(rows.max_size(), cols.max_size()).words;
  // One kernel per chain role present in the layer.
  auto kernel_for = [&](ChainRole role) {
    const std::string name = "fc" + std::to_string(l.index) + "_" + chain_role_name(role);
    return im.add_kernel(fc_kernel(name, l.x_color, role, fc.act, data_words));
  };
  if (C == 1) {
    im.place(frame_rect(l, 0, K, 0, 1), kernel_for(ChainRole::kSingle));
  } else {
    im.place(frame_rect(l, 0, K, 0, 1), kernel_for(ChainRole::kStart));
    im.place(frame_rect(l, 0, K, 1, C - 1), kernel_for(ChainRole::kMiddle));
    if (P > C) {
      im.place(frame_rect(l, 0, K, C, 1), kernel_for(ChainRole::kEpilogue), 1u << kTaskEpilogue);
      im.reg(frame_rect(l, 0, K, C, 1), kSamplesLeft, batch);
    }
  }
  // Per lane: m and the SRAM layout that follows from it.
  for (uint32_t lane = 0; lane < K; ++lane) {
    const uint32_t m = rows.size(lane);
    const FcSramLayout s = fc_sram_layout(m, 0);
    const Rect r = frame_rect(l, lane, 1, 0, P);
    im.reg(r, kRows, m);
    im.reg(r, kABase, s.weights);
    im.reg(r, kAccCur, s.acc0);
    im.reg(r, kAccSum, s.acc0 + s.acc1);
    im.reg(r, kInit, s.init);
    im.dsrs.push_back({r, kDAcc, desc_word0(kDescMem, s.acc0), desc_word1(m, 1)});
    im.dsrs.push_back({r, kDSrc, desc_word0(kDescMem, s.init), desc_word1(m, 1)});
    im.dsrs.push_back({r, kDCol, desc_word0(kDescMem, s.weights), desc_word1(m, 1)});
    im.dsrs.push_back({r, kDRed, desc_word0(kDescMem, s.acc0), desc_word1(m, 1)});
    for (uint32_t c = 0; c < P; ++c) {
      const Rect pe = frame_rect(l, lane, 1, c, 1);
      im.dsrs.push_back({pe, kDOut, desc_word0(kDescFabOut, l.out_color(c)), desc_word1(m, 0)});
      if (c > 0) im.dsrs.push_back({pe, kDIn, desc_word0(kDescFabIn, l.out_color(c - 1)), desc_word1(m, 0)});
    }
    // Bias: the init vector of chain position 0 (elsewhere the init vector stays zero).
    std::vector<uint32_t> bias(m);
    for (uint32_t i = 0; i < m; ++i) bias[i] = f32_bits(fc.bias[rows.start(lane) + i]);
    im.sram(frame_rect(l, lane, 1, 0, 1), s.init, std::move(bias));
    // The blocks of W, column-major.
    for (uint32_t c = 0; c < C; ++c) {
      const uint32_t n = cols.size(c), r0 = rows.start(lane), c0 = cols.start(c);
      std::vector<uint32_t> words(uint64_t(m) * n);
      for (uint32_t j = 0; j < n; ++j)
        for (uint32_t i = 0; i < m; ++i) words[uint64_t(j) * m + i] = f32_bits(fc.weight[uint64_t(r0 + i) * fc.in + c0 + j]);
      im.sram(frame_rect(l, lane, 1, c, 1), s.weights, std::move(words));
    }
  }
  // Per chain position: n.
  for (uint32_t c = 0; c < C; ++c) {
    const Rect r = frame_rect(l, 0, K, c, 1);
    im.reg(r, kCols, cols.size(c));
    im.reg(r, kXLeft, cols.size(c));
  }
  // Routes. x: arrives at lane 0 from outside the layer, broadcast across the lanes.
  if (K > 1) im.route(frame_rect(l, 0, K - 1, 0, C), l.x_color, l.x_in_port(), port_bit(kRamp) | port_bit(l.bcast_port()));
  im.route(frame_rect(l, K - 1, 1, 0, C), l.x_color, l.x_in_port(), port_bit(kRamp));
  // Partial sums along the chain; the last position's color leaves the layer.
  for (uint32_t c = 0; c < P; ++c) {
    const Rect r = frame_rect(l, 0, K, c, 1);
    im.route(r, l.out_color(c), kRamp, port_bit(l.chain_out_port()));
    if (c > 0) im.route(r, l.out_color(c - 1), l.chain_in_port(), port_bit(kRamp));
  }
}

}  // namespace

Image build_pipeline_image(const LayerGraph& g, const Plan& plan, const std::vector<double>& inputs,
                           uint32_t batch) {
  g.validate();
  if (plan.layers.size() != g.layers.size()) throw Error("pipeline image: the plan does not match the graph");
  if (!inputs.empty() && inputs.size() != uint64_t(batch) * g.input_size())
    throw Error("pipeline image: " + std::to_string(inputs.size()) + " input values for a batch of " +
                std::to_string(batch) + " samples of " + std::to_string(g.input_size()));
  Image im;
  im.width = plan.grid_width, im.height = plan.grid_height;
  for (size_t i = 0; i < g.layers.size(); ++i) add_layer(im, g.layers[i], plan.layers[i], inputs.empty() ? 0 : batch);

  // Input streams: one per chain position of layer 0, at lane 0 (the grid's north edge).
  const LayerPlan& first = plan.layers.front();
  const BlockSplit in_cols{g.input_size(), first.shape.chain};
  for (uint32_t c = 0; c < first.shape.chain; ++c) {
    InStream s;
    s.name = "x" + std::to_string(c);
    s.x = first.pe_x(0, c), s.y = first.pe_y(0, c), s.port = first.x_in_port(), s.color = first.x_color;
    const uint32_t n = in_cols.size(c), j0 = in_cols.start(c);
    if (!inputs.empty()) {
      for (uint32_t b = 0; b < batch; ++b)
        for (uint32_t j = 0; j < n; ++j) {
          s.payload.push_back(f32_bits(inputs[uint64_t(b) * g.input_size() + j0 + j]));
          s.index.push_back(uint16_t(j));
        }
    }
    im.add_in_stream(std::move(s));
  }
  // Output: each lane of the last layer leaves its chain end and runs straight on to the grid's edge.
  const LayerPlan& last = plan.layers.back();
  const BlockSplit out_rows{g.output_size(), last.shape.lanes};
  const uint32_t C = last.positions, dir = last.chain_out_port(), color = last.out_color(C - 1);
  for (uint32_t lane = 0; lane < last.shape.lanes; ++lane) {
    uint32_t px = last.pe_x(lane, C - 1), py = last.pe_y(lane, C - 1);
    // PEs between the chain end and the edge pass the color on (rx from the chain end's side).
    if (dir == kEast && px + 1 < im.width) im.route({px + 1, py, im.width - px - 1, 1}, color, kWest, port_bit(kEast));
    if (dir == kSouth && py + 1 < im.height) im.route({px, py + 1, 1, im.height - py - 1}, color, kNorth, port_bit(kSouth));
    OutStream o;
    o.name = "y" + std::to_string(lane);
    o.x = dir == kEast ? im.width - 1 : px;
    o.y = dir == kSouth ? im.height - 1 : py;
    o.port = dir;
    o.capacity = uint64_t(std::max(batch, 1u)) * out_rows.size(lane);  // a stream needs room for one
    im.add_out_stream(std::move(o));
  }
  return im;
}

std::vector<float> collect_outputs(const Engine& engine, const LayerGraph& g, const Plan& plan, uint32_t batch) {
  const LayerPlan& last = plan.layers.back();
  const BlockSplit rows{g.output_size(), last.shape.lanes};
  std::vector<float> y(uint64_t(batch) * g.output_size());
  for (uint32_t lane = 0; lane < last.shape.lanes; ++lane) {
    const std::vector<Wavelet> out = engine.output(output_stream_of_lane(lane));
    const uint32_t m = rows.size(lane);
    if (out.size() != uint64_t(batch) * m)
      throw Error("output lane " + std::to_string(lane) + " (stream y" + std::to_string(lane) + ") holds " +
                  std::to_string(out.size()) + " of " + std::to_string(uint64_t(batch) * m) +
                  " values (sample " + std::to_string(out.size() / m) + " is incomplete)");
    for (uint32_t b = 0; b < batch; ++b)
      for (uint32_t i = 0; i < m; ++i) {
        const uint64_t w = uint64_t(b) * m + i;
        if (out[w].index() != i)
          throw Error("output lane " + std::to_string(lane) + " sample " + std::to_string(b) + " element " +
                      std::to_string(i) + " arrived with index " + std::to_string(out[w].index()));
        y[uint64_t(b) * g.output_size() + rows.start(lane) + i] = out[w].as_float();
      }
  }
  return y;
}

}  // namespace wafer::mapper
