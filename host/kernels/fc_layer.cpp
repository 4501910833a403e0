#include "host/kernels/fc_layer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "host/kernels/block_split.h"
#include "host/model/error.h"

namespace wafer {

using namespace fcreg;

namespace {

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

}  // namespace

void add_fc_layer(Image& im, const FcLayerSpec& fc, const FcFrame& l, uint32_t batch) {
  const uint32_t K = l.lanes, C = l.chain, P = l.positions;
  const bool thresholded = fc.threshold > 0;
  if (fc.threshold < 0 || std::isnan(fc.threshold) || (thresholded && !fc.sparse_out))
    throw Error("fc layer '" + fc.name + "': a threshold must be >= 0 and needs sparse outputs");
  if (P != chain_positions(C, fc.act, thresholded))
    throw Error("fc layer '" + fc.name + "': " + std::to_string(P) + " chain positions for C=" + std::to_string(C));
  const BlockSplit rows{fc.out, K}, cols{fc.in, C};
  const bool sentinel = fc.sparse_out;
  const uint32_t data_words = fc_sram_layout(rows.max_size(), cols.max_size(), sentinel).words;
  // One kernel per chain role present in the layer.
  auto kernel_for = [&](ChainRole role) {
    const FcKernelOptions o{.sparse_in = fc.sparse_in, .threshold = thresholded, .in_color = l.out_color(C - 1),
                            .out_color = l.out_color(C)};
    return im.add_kernel(fc_kernel(fc.name + "_" + chain_role_name(role), l.x_color, role, fc.act, data_words, o));
  };
  if (C == 1) {
    im.place(l.sub_rect(0, K, 0, 1), kernel_for(ChainRole::kSingle));
  } else {
    im.place(l.sub_rect(0, K, 0, 1), kernel_for(ChainRole::kStart));
    im.place(l.sub_rect(0, K, 1, C - 1), kernel_for(ChainRole::kMiddle));
  }
  if (P > C && thresholded) {
    // A data task per element: nothing to start, nothing to count.
    im.place(l.sub_rect(0, K, C, 1), kernel_for(ChainRole::kEpilogue));
    // T's bits, at least 1 so that +0 (bits 0) is below it too.
    im.reg(l.sub_rect(0, K, C, 1), kThreshold, std::max<uint32_t>(bits(fc.threshold), 1));
    im.reg(l.sub_rect(0, K, C, 1), kAbsMask, 0x7FFFFFFFu);
  } else if (P > C) {
    im.place(l.sub_rect(0, K, C, 1), kernel_for(ChainRole::kEpilogue), 1u << kTaskEpilogue);
    im.reg(l.sub_rect(0, K, C, 1), kSamplesLeft, batch);
  }
  // Per lane: m and the SRAM layout that follows from it.
  for (uint32_t lane = 0; lane < K; ++lane) {
    const uint32_t m = rows.size(lane);
    const uint32_t len = m + (sentinel ? 1 : 0);  // the reduction's length: m sums, then the sentinel
    const FcSramLayout s = fc_sram_layout(m, 0, sentinel);
    const Rect r = l.sub_rect(lane, 1, 0, P);
    im.reg(r, kRows, m);
    im.reg(r, kABase, s.weights);
    im.reg(r, kAccCur, s.acc0);
    im.reg(r, kAccSum, s.acc0 + s.acc1);
    im.reg(r, kInit, s.init);
    im.dsrs.push_back({r, kDAcc, desc_word0(kDescMem, s.acc0), desc_word1(m, 1)});
    im.dsrs.push_back({r, kDSrc, desc_word0(kDescMem, s.init), desc_word1(m, 1)});
    im.dsrs.push_back({r, kDCol, desc_word0(kDescMem, s.weights), desc_word1(m, 1)});
    im.dsrs.push_back({r, kDRed, desc_word0(kDescMem, s.acc0), desc_word1(len, 1)});
    for (uint32_t c = 0; c < P; ++c) {
      const Rect pe = l.sub_rect(lane, 1, c, 1);
      // Partial sums inside the chain are dense (the next position pops exactly len); the layer's output,
      // sent by its last position, skips zeros when sparse.
      const bool skip = sentinel && c == P - 1;
      im.dsrs.push_back({pe, kDOut, desc_word0(kDescFabOut, l.out_color(c), skip), desc_word1(len, 0)});
      if (c > 0) im.dsrs.push_back({pe, kDIn, desc_word0(kDescFabIn, l.out_color(c - 1)), desc_word1(len, 0)});
    }
    // Bias: the init vector of chain position 0 (elsewhere the init vector stays zero). With the sentinel,
    // element m of position 0's init vector and both accumulators is +inf (elsewhere 0): no vfmac writes it,
    // so every reduction carries inf + 0 + ... = inf as element m, the sentinel.
    std::vector<uint32_t> bias(m);
    for (uint32_t i = 0; i < m; ++i) bias[i] = bits(fc.bias(rows.start(lane) + i));
    im.sram(l.sub_rect(lane, 1, 0, 1), s.init, std::move(bias));
    if (sentinel)
      for (uint32_t at : {s.acc0 + m, s.acc1 + m, s.init + m})
        im.sram(l.sub_rect(lane, 1, 0, 1), at, {kFcSentinelBits});
    // The blocks of W, column-major.
    for (uint32_t c = 0; c < C; ++c) {
      const uint32_t n = cols.size(c), r0 = rows.start(lane), c0 = cols.start(c);
      std::vector<uint32_t> words(uint64_t(m) * n);
      for (uint32_t j = 0; j < n; ++j)
        for (uint32_t i = 0; i < m; ++i) words[uint64_t(j) * m + i] = bits(fc.weight(r0 + i, c0 + j));
      im.sram(l.sub_rect(lane, 1, c, 1), s.weights, std::move(words));
    }
  }
  // Per chain position: n.
  for (uint32_t c = 0; c < C; ++c) {
    const Rect r = l.sub_rect(0, K, c, 1);
    im.reg(r, kCols, cols.size(c));
    im.reg(r, kXLeft, cols.size(c));
  }
  // Routes. x: arrives at lane 0 from outside the layer, broadcast across the lanes.
  if (K > 1) im.route(l.sub_rect(0, K - 1, 0, C), l.x_color, l.x_in_port(), port_bit(kRamp) | port_bit(l.bcast_port()));
  im.route(l.sub_rect(K - 1, 1, 0, C), l.x_color, l.x_in_port(), port_bit(kRamp));
  // Partial sums along the chain; the last position's color leaves the layer.
  for (uint32_t c = 0; c < P; ++c) {
    const Rect r = l.sub_rect(0, K, c, 1);
    im.route(r, l.out_color(c), kRamp, port_bit(l.chain_out_port()));
    if (c > 0) im.route(r, l.out_color(c - 1), l.chain_in_port(), port_bit(kRamp));
  }
}

std::vector<FcStreamWavelets> fc_input_wavelets(const FcFrame& l, uint32_t inputs, const std::vector<float>& samples,
                                                uint32_t batch, bool sparse) {
  if (samples.size() != uint64_t(batch) * inputs)
    throw Error("fc input streams: " + std::to_string(samples.size()) + " values for " + std::to_string(batch) +
                " samples of " + std::to_string(inputs));
  const BlockSplit cols{inputs, l.chain};
  std::vector<FcStreamWavelets> out(l.chain);
  for (uint32_t c = 0; c < l.chain; ++c) {
    FcStreamWavelets& s = out[c];
    const uint32_t n = cols.size(c), j0 = cols.start(c);
    for (uint32_t b = 0; b < batch; ++b) {
      for (uint32_t j = 0; j < n; ++j) {
        const float v = samples[uint64_t(b) * inputs + j0 + j];
        if (sparse && v == 0.0f) continue;  // +-0: what skip-zeros leaves out
        s.payload.push_back(bits(v));
        s.index.push_back(uint16_t(j));
      }
      if (sparse) s.payload.push_back(kFcSentinelBits), s.index.push_back(uint16_t(n));
    }
  }
  return out;
}

void add_fc_input_streams(Image& im, const FcFrame& l, uint32_t inputs, const std::vector<float>& samples,
                          uint32_t batch, const std::string& prefix, bool sparse) {
  std::vector<FcStreamWavelets> w = fc_input_wavelets(l, inputs, samples, batch, sparse);
  for (uint32_t c = 0; c < l.chain; ++c) {
    InStream s;
    s.name = prefix + "x" + std::to_string(c);
    s.x = l.pe_x(0, c), s.y = l.pe_y(0, c), s.port = l.x_in_port(), s.color = l.x_color;
    s.payload = std::move(w[c].payload), s.index = std::move(w[c].index);
    im.add_in_stream(std::move(s));
  }
}

OutputPath fc_output_path(const FcFrame& l, uint32_t lane, OutputRoute route, uint32_t W, uint32_t H,
                          uint32_t corridor_x) {
  const uint32_t last = l.positions - 1, dir = l.chain_out_port();
  const uint32_t px = l.pe_x(lane, last), py = l.pe_y(lane, last);
  if (route == OutputRoute::kTurnSouth && dir != kEast)
    throw Error("fc output path: only outputs that leave east can turn south");
  if (route == OutputRoute::kCorridor && dir != kSouth)
    throw Error("fc output path: only outputs that leave south can take a corridor");
  auto off = [&](const std::string& what, uint32_t v) {
    return Error("fc output path: lane " + std::to_string(lane) + "'s " + what + " " + std::to_string(v) +
                 " is off the " + std::to_string(W) + "x" + std::to_string(H) + " grid");
  };
  OutputPath p;
  if (route == OutputRoute::kTurnSouth) {
    // East to column t, then south: upper lanes turn further east, so no PE carries two of the paths.
    const uint32_t t = px + l.lanes - lane;
    if (t >= W) throw off("turn column", t);
    p.corners = {{px + 1, py}, {t, py}, {t, H - 1}};
    p.port = {t, H - 1, kSouth};
  } else if (route == OutputRoute::kCorridor) {
    // South to row r, east to column c, south: lane 0 turns lowest and furthest west, so a lane's east
    // run passes below the other lanes' first runs and ends west of their corridor columns.
    const uint32_t r = py + l.lanes - lane, c = corridor_x + lane;
    if (r >= H) throw off("turn row", r);
    if (c >= W) throw off("corridor column", c);
    if (c <= px)
      throw Error("fc output path: lane " + std::to_string(lane) + "'s corridor column " + std::to_string(c) +
                  " is not east of its chain (column " + std::to_string(px) + ")");
    p.corners = {{px, py + 1}, {px, r}, {c, r}, {c, H - 1}};
    p.port = {c, H - 1, kSouth};
  } else if (dir == kEast) {
    if (px + 1 < W) p.corners = {{px + 1, py}, {W - 1, py}};
    p.port = {W - 1, py, kEast};
  } else {
    if (py + 1 < H) p.corners = {{px, py + 1}, {px, H - 1}};
    p.port = {px, H - 1, kSouth};
  }
  // Corners that coincide (a run of length 0, e.g. a turn row right below the chain) are dropped.
  p.corners.erase(std::unique(p.corners.begin(), p.corners.end()), p.corners.end());
  return p;
}

namespace {

uint32_t opposite_port(uint32_t d) {
  return d ^ 2u;  // constants.h: directions are numbered so
}

}  // namespace

std::vector<EdgePort> add_fc_output_routes(Image& im, const FcFrame& l, OutputRoute route, uint32_t corridor_x) {
  const uint32_t color = l.output_color();
  std::vector<EdgePort> ports;
  for (uint32_t lane = 0; lane < l.lanes; ++lane) {
    const OutputPath path = fc_output_path(l, lane, route, im.width, im.height, corridor_x);
    // Walk the polyline: each PE receives from where the path came (at first the chain's end, beyond the
    // chain_out side) and sends on toward the next corner, or off-grid at the last.
    uint32_t rx = opposite_port(l.chain_out_port());
    for (size_t k = 0; k < path.corners.size(); ++k) {
      const auto [x, y] = path.corners[k];
      if (k + 1 == path.corners.size()) {
        im.route(Rect::pe(x, y), color, rx, port_bit(path.port.port));
        break;
      }
      const auto [nx, ny] = path.corners[k + 1];
      const uint32_t tx = nx > x ? kEast : nx < x ? kWest : ny > y ? kSouth : kNorth;
      // The corner itself, then the straight run up to (not including) the next corner.
      im.route(Rect::pe(x, y), color, rx, port_bit(tx));
      const uint32_t len = (tx == kEast || tx == kWest) ? (nx > x ? nx - x : x - nx) : (ny > y ? ny - y : y - ny);
      if (len > 1) {
        const Rect run = tx == kEast   ? Rect{x + 1, y, len - 1, 1}
                         : tx == kWest ? Rect{nx + 1, y, len - 1, 1}
                         : tx == kSouth ? Rect{x, y + 1, 1, len - 1}
                                        : Rect{x, ny + 1, 1, len - 1};
        im.route(run, color, opposite_port(tx), port_bit(tx));
      }
      rx = opposite_port(tx);
    }
    ports.push_back(path.port);
  }
  return ports;
}

uint32_t add_fc_output_streams(Image& im, const FcFrame& l, uint32_t outputs, uint32_t batch, bool turn_south,
                               const std::string& prefix) {
  const BlockSplit rows{outputs, l.lanes};
  const std::vector<EdgePort> ports =
      add_fc_output_routes(im, l, turn_south ? OutputRoute::kTurnSouth : OutputRoute::kStraight);
  const uint32_t first = uint32_t(im.out_streams.size());
  for (uint32_t lane = 0; lane < l.lanes; ++lane) {
    OutStream o;
    o.name = prefix + "y" + std::to_string(lane);
    o.x = ports[lane].x, o.y = ports[lane].y, o.port = ports[lane].port;
    o.capacity = uint64_t(std::max(batch, 1u)) * rows.size(lane);  // a stream needs room for one
    im.add_out_stream(std::move(o));
  }
  return first;
}

std::vector<float> fc_collect_outputs(const Engine& engine, const FcFrame& l, uint32_t outputs, uint32_t batch,
                                      uint32_t first_stream, int32_t color) {
  const BlockSplit rows{outputs, l.lanes};
  std::vector<float> y(uint64_t(batch) * outputs);
  for (uint32_t lane = 0; lane < l.lanes; ++lane) {
    std::vector<Wavelet> out = engine.output(first_stream + lane);
    if (color >= 0)
      std::erase_if(out, [&](const Wavelet& w) { return ((w.meta >> 16) & 31u) != uint32_t(color); });
    const uint32_t m = rows.size(lane);
    if (out.size() != uint64_t(batch) * m)
      throw Error("output lane " + std::to_string(lane) + " (stream y" + std::to_string(lane) + ") holds " +
                  std::to_string(out.size()) + " of " + std::to_string(uint64_t(batch) * m) + " values (sample " +
                  std::to_string(out.size() / m) + " is incomplete)");
    for (uint32_t b = 0; b < batch; ++b)
      for (uint32_t i = 0; i < m; ++i) {
        const uint64_t w = uint64_t(b) * m + i;
        if (out[w].index() != i)
          throw Error("output lane " + std::to_string(lane) + " sample " + std::to_string(b) + " element " +
                      std::to_string(i) + " arrived with index " + std::to_string(out[w].index()));
        y[uint64_t(b) * outputs + rows.start(lane) + i] = out[w].as_float();
      }
  }
  return y;
}

}  // namespace wafer
