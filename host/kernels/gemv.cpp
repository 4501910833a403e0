#include "host/kernels/gemv.h"

#include <cmath>
#include <cstring>

#include "host/image/kernel_builder.h"
#include "host/model/error.h"

namespace wafer {

namespace {

// SplitMix64: a fixed, portable generator, so a seed means the same numbers on every machine.
struct SplitMix {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  float uniform() {
    return float(int32_t(next() >> 40) - (1 << 23)) / float(1 << 23);
  }  // [-1, 1), exact in fp32
};

uint32_t bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}

// Registers of the gemv kernel (set per PE by the image).
constexpr uint8_t kRegRows = 2;      // m_p: rows of the local block
constexpr uint8_t kRegXLeft = 3;     // x elements still to come
constexpr uint8_t kRegABase = 4;     // SRAM word of A's first column
constexpr uint8_t kRegReceives = 6;  // 1 when a PE east of this one sends partial sums
constexpr uint8_t kRegColumn = 9;    // scratch: address of column j
constexpr uint8_t kDAcc = 0, kDCol = 1, kDOut = 2, kDIn = 3;
constexpr uint32_t kTaskReduce = 24;

Kernel gemv_kernel(uint32_t data_words) {
  KernelBuilder k("gemv");
  // Data task for x: r0 = x_j, r1 = j.
  k.task(kGemvXColor);
  k.mul(kRegColumn, 1, kRegRows);
  k.add(kRegColumn, kRegColumn, kRegABase);
  k.dbase(kDCol, kRegColumn);
  k.vec(kVfmac, kDAcc, VSrc::d(kDAcc), VSrc::d(kDCol), {.scalar_reg = 0});
  k.addi(kRegXLeft, kRegXLeft, -1);
  k.beqz(kRegXLeft, "last_x");
  k.ret();
  k.label("last_x");
  k.activate(kTaskReduce);
  k.ret();
  // Reduction toward the west.
  k.task(kTaskReduce);
  k.beqz(kRegReceives, "east_most");
  k.vec(kVfadd, kDOut, VSrc::d(kDIn), VSrc::d(kDAcc));
  k.ret();
  k.label("east_most");
  k.vec(kVmov, kDOut, VSrc::d(kDAcc));
  k.ret();
  return k.build(data_words);
}

}  // namespace

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
  const uint64_t data_words = uint64_t(m_max) + uint64_t(m_max) * n_max;  // acc, then A column-major
  const uint64_t code_words = 16 * kInstrWords;
  if (data_words + code_words > kSramWords) {
    throw Error("gemv: a " + std::to_string(m_max) + "x" + std::to_string(n_max) + " block needs " +
                std::to_string(data_words) + " data words per PE; with the code that exceeds the " +
                std::to_string(kSramWords) + "-word SRAM: use more PEs");
  }

  Image im;
  im.width = layout.grid_width ? layout.grid_width : Q;
  im.height = layout.grid_height ? layout.grid_height : P;
  if (im.width < Q || im.height < P) throw Error("gemv: the grid is smaller than the PE rectangle");
  const uint32_t kernel = im.add_kernel(gemv_kernel(uint32_t(data_words)));
  im.place({0, 0, Q, P}, kernel);

  const uint32_t a_base = m_max;
  im.reg({0, 0, Q, P}, kRegABase, a_base);
  for (uint32_t p = 0; p < P; ++p) {
    const uint32_t m = rows.size(p);
    im.reg({0, p, Q, 1}, kRegRows, m);
    im.dsrs.push_back({{0, p, Q, 1}, kDAcc, desc_word0(kDescMem, 0), desc_word1(m, 1)});
    im.dsrs.push_back({{0, p, Q, 1}, kDCol, desc_word0(kDescMem, a_base), desc_word1(m, 1)});
  }
  for (uint32_t q = 0; q < Q; ++q) {
    const uint32_t out_color = q % 2 == 0 ? kGemvReduceColorA : kGemvReduceColorB;
    const uint32_t in_color = q % 2 == 0 ? kGemvReduceColorB : kGemvReduceColorA;
    im.reg({q, 0, 1, P}, kRegXLeft, cols.size(q));
    im.reg({q, 0, 1, P}, kRegReceives, q + 1 < Q ? 1 : 0);
    for (uint32_t p = 0; p < P; ++p) {
      const uint32_t m = rows.size(p);
      im.dsrs.push_back({Rect::pe(q, p), kDOut, desc_word0(kDescFabOut, out_color), desc_word1(m, 0)});
      im.dsrs.push_back({Rect::pe(q, p), kDIn, desc_word0(kDescFabIn, in_color), desc_word1(m, 0)});
    }
    // x: down the column, into every core.
    if (P > 1) im.route({q, 0, 1, P - 1}, kGemvXColor, kNorth, port_bit(kRamp) | port_bit(kSouth));
    im.route({q, P - 1, 1, 1}, kGemvXColor, kNorth, port_bit(kRamp));
    // Partial sums: out of the core toward the west; in from the east (except the east-most column).
    im.route({q, 0, 1, P}, out_color, kRamp, port_bit(kWest));
    if (q + 1 < Q) im.route({q, 0, 1, P}, in_color, kEast, port_bit(kRamp));

    InStream xs;
    xs.name = "x" + std::to_string(q);
    xs.x = q, xs.y = 0, xs.port = kNorth, xs.color = kGemvXColor;
    for (uint32_t j = 0; j < cols.size(q); ++j) {
      xs.payload.push_back(bits(g.x[cols.start(q) + j]));
      xs.index.push_back(uint16_t(j));
    }
    im.add_in_stream(std::move(xs));
  }
  for (uint32_t p = 0; p < P; ++p) {
    OutStream ys;
    ys.name = "y" + std::to_string(p);
    ys.x = 0, ys.y = p, ys.port = kWest, ys.capacity = rows.size(p);
    im.add_out_stream(std::move(ys));
  }
  // Blocks of A (column-major) and the accumulators' start values (b in column 0, else zero).
  for (uint32_t p = 0; p < P; ++p) {
    const uint32_t m = rows.size(p), r0 = rows.start(p);
    for (uint32_t q = 0; q < Q; ++q) {
      const uint32_t n = cols.size(q), c0 = cols.start(q);
      std::vector<uint32_t> words(uint64_t(m) * n);
      for (uint32_t j = 0; j < n; ++j) {
        for (uint32_t i = 0; i < m; ++i)
          words[uint64_t(j) * m + i] = bits(g.a[uint64_t(r0 + i) * g.n + c0 + j]);
      }
      im.sram(Rect::pe(q, p), a_base, std::move(words));
    }
    std::vector<uint32_t> acc(m);
    for (uint32_t i = 0; i < m; ++i) acc[i] = bits(g.b[r0 + i]);
    im.sram(Rect::pe(0, p), 0, std::move(acc));
  }
  return im;
}

std::vector<float> gemv_result(const Engine& engine, const GemvProblem& g, const GemvLayout& layout) {
  const BlockSplit rows{g.m, layout.pe_rows};
  std::vector<float> y(g.m);
  for (uint32_t p = 0; p < layout.pe_rows; ++p) {
    const auto out = engine.output(p);
    if (out.size() != rows.size(p)) {
      throw Error("gemv: output stream y" + std::to_string(p) + " holds " + std::to_string(out.size()) +
                  " of " + std::to_string(rows.size(p)) + " elements");
    }
    for (uint32_t i = 0; i < out.size(); ++i) {
      if (out[i].index() != i)
        throw Error("gemv: stream y" + std::to_string(p) + " element " + std::to_string(i) + " has index " +
                    std::to_string(out[i].index()));
      y[rows.start(p) + i] = out[i].as_float();
    }
  }
  return y;
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
