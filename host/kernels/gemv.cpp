#include "host/kernels/gemv.h"

#include <cmath>
#include <cstring>

#include "host/kernels/fc_layer.h"
#include "host/model/error.h"
#include "host/model/split_mix.h"

namespace wafer {

GemvProblem random_gemv(uint32_t m, uint32_t n, uint64_t seed) {
  GemvProblem g;
  g.m = m, g.n = n;
  SplitMix r{seed};
  g.a.resize(uint64_t(m) * n);
  for (auto& v : g.a) v = r.uniform();
  g.x.resize(n);
  for (auto& v : g.x) v = r.uniform();
  g.b.resize(m);
  for (auto& v : g.b) v = r.uniform();
  return g;
}

namespace {

FcFrame gemv_frame(const GemvLayout& layout) {
  FcFrame f;
  f.lanes = layout.pe_rows, f.chain = layout.pe_cols;
  f.positions = chain_positions(f.chain, Activation::kNone);
  return f;
}

}  // namespace

Image build_gemv_image(const GemvProblem& g, const GemvLayout& layout) {
  const uint32_t P = layout.pe_rows, Q = layout.pe_cols;
  if (P == 0 || Q == 0) throw Error("gemv: empty PE rectangle");
  if (P > g.m || Q > g.n) {
    throw Error("gemv: a " + std::to_string(P) + "x" + std::to_string(Q) +
                " PE rectangle needs at least one row and column of A per PE (A is " + std::to_string(g.m) +
                "x" + std::to_string(g.n) + ")");
  }
  if (g.a.size() != uint64_t(g.m) * g.n || g.x.size() != g.n || g.b.size() != g.m)
    throw Error("gemv: inconsistent problem sizes");
  const BlockSplit rows{g.m, P}, cols{g.n, Q};
  const uint32_t m_max = rows.max_size(), n_max = cols.max_size();
  if (m_max > 0xFFFF)
    throw Error("gemv: " + std::to_string(m_max) +
                " rows per PE exceeds the 65535-element descriptor length");
  const uint64_t data_words = uint64_t(fc_sram_layout(m_max, 0).words) + uint64_t(m_max) * n_max;
  const uint64_t code_words =
      uint64_t(fc_kernel("size", 0, ChainRole::kMiddle, Activation::kNone, 0).code.size()) * kInstrWords;
  if (data_words + code_words > kSramWords) {
    throw Error("gemv: a " + std::to_string(m_max) + "x" + std::to_string(n_max) + " block needs " +
                std::to_string(data_words) + " data words per PE; with the code that exceeds the " +
                std::to_string(kSramWords) + "-word SRAM: use more PEs");
  }
  Image im;
  im.width = layout.grid_width ? layout.grid_width : Q;
  im.height = layout.grid_height ? layout.grid_height : P;
  if (im.width < Q || im.height < P) throw Error("gemv: the grid is smaller than the PE rectangle");
  const FcFrame frame = gemv_frame(layout);
  FcLayerSpec spec;
  spec.name = "gemv";
  spec.in = g.n, spec.out = g.m;
  spec.weight = [&g](uint32_t i, uint32_t j) { return g.a[uint64_t(i) * g.n + j]; };
  spec.bias = [&g](uint32_t i) { return g.b[i]; };
  add_fc_layer(im, spec, frame, 1);
  add_fc_input_streams(im, frame, g.n, g.x, 1);
  add_fc_output_streams(im, frame, g.m, 1);
  return im;
}

std::vector<float> gemv_result(const Engine& engine, const GemvProblem& g, const GemvLayout& layout) {
  return fc_collect_outputs(engine, gemv_frame(layout), g.m, 1, 0);
}

std::vector<double> gemv_reference(const GemvProblem& g) {
  std::vector<double> y(g.m);
  for (uint32_t i = 0; i < g.m; ++i) {
    double s = g.b[i];
    for (uint32_t j = 0; j < g.n; ++j) s += double(g.a[uint64_t(i) * g.n + j]) * double(g.x[j]);
    y[i] = s;
  }
  return y;
}

std::vector<double> gemv_error_bound(const GemvProblem& g, const GemvLayout& layout) {
  const double u = std::ldexp(1.0, -24);
  const double k = double(g.n) + layout.pe_cols + 1;
  const double gamma = k * u / (1 - k * u);
  std::vector<double> bound(g.m);
  for (uint32_t i = 0; i < g.m; ++i) {
    double s = std::fabs(double(g.b[i]));
    for (uint32_t j = 0; j < g.n; ++j) s += std::fabs(double(g.a[uint64_t(i) * g.n + j]) * double(g.x[j]));
    bound[i] = gamma * s;
  }
  return bound;
}

}  // namespace wafer
