#include "mapper/check/ordered_fp32.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "host/kernels/block_split.h"
#include "host/model/error.h"

namespace wafer::mapper {

namespace {

// max(a, +0) as the machine's vfmax: a NaN operand gives the other, max(-0, +0) = +0.
float relu(float a) {
  if (std::isnan(a)) return 0.0f;
  return a > 0.0f ? a : 0.0f;
}

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

}  // namespace

// The threshold epilogue's rule (fc_kernel.h), on the chain's sum s: kept when its bits (ReLU) or its
// magnitude's bits (linear), read as a signed integer, are >= max(bits(T), 1).
float induced_sparsity(float s, Activation act, float threshold) {
  const int32_t t = int32_t(std::max<uint32_t>(bits(threshold), 1));
  const uint32_t b = act == Activation::kRelu ? bits(s) : bits(s) & 0x7FFFFFFFu;
  return int32_t(b) >= t ? s : 0.0f;
}

std::vector<float> ordered_fp32_forward(const LayerGraph& g, const Plan& plan, const std::vector<double>& input,
                                        uint32_t batch, ReplayDetail* detail) {
  if (input.size() != uint64_t(batch) * g.input_size()) throw Error("ordered fp32: input size mismatch");
  if (detail) {
    detail->outputs.assign(g.layers.size(), {});
    detail->active.assign(g.layers.size(), 0);
  }
  std::vector<float> out;
  out.reserve(uint64_t(batch) * g.output_size());
  for (uint32_t s = 0; s < batch; ++s) {
    std::vector<float> x(g.input_size());
    for (uint32_t j = 0; j < x.size(); ++j) x[j] = float(input[uint64_t(s) * g.input_size() + j]);
    for (size_t li = 0; li < g.layers.size(); ++li) {
      const FcLayer& l = g.layers[li];
      const LayerPlan& lp = plan.layers.at(li);
      const BlockSplit cols{l.in, lp.chain};
      const bool sparse = g.sparse_in(li);
      std::vector<float> y(l.out);
      for (uint32_t i = 0; i < l.out; ++i) {
        float sum = 0;
        for (uint32_t c = 0; c < lp.chain; ++c) {
          float acc = c == 0 ? float(l.bias[i]) : 0.0f;
          for (uint32_t j = cols.start(c); j < cols.start(c) + cols.size(c); ++j) {
            // The sparse kernel never sees a zero x (fma(w, +-0, acc) = acc but for the sign of a zero acc
            // and w = inf or NaN; the replay follows the kernel in those cases too).
            if (sparse && x[j] == 0.0f) continue;
            acc = std::fma(float(l.weight[uint64_t(i) * l.in + j]), x[j], acc);
          }
          sum = c == 0 ? acc : sum + acc;
        }
        const float a = l.act == Activation::kRelu ? relu(sum) : sum;
        y[i] = l.zero_below > 0 ? induced_sparsity(sum, l.act, l.zero_below) : a;
        if (detail) detail->active[li] += a != 0.0f;
      }
      if (detail) detail->outputs[li].insert(detail->outputs[li].end(), y.begin(), y.end());
      x = std::move(y);
    }
    out.insert(out.end(), x.begin(), x.end());
  }
  return out;
}

BitCompare compare_bits(const std::vector<float>& got, const std::vector<float>& want) {
  if (got.size() != want.size())
    throw Error("bit compare: " + std::to_string(got.size()) + " results for " + std::to_string(want.size()));
  BitCompare c;
  for (uint64_t i = 0; i < got.size(); ++i) {
    if (std::memcmp(&got[i], &want[i], 4) == 0) continue;
    if (c.differing++ == 0) c.first = i, c.got = got[i], c.want = want[i];
  }
  return c;
}

}  // namespace wafer::mapper
