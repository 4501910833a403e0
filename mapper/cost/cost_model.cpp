#include "mapper/cost/cost_model.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "host/kernels/block_split.h"
#include "host/model/constants.h"
#include "host/kernels/fc_kernel.h"

namespace wafer::mapper {

bool LayerCost::fits_sram() const {
  return uint64_t(data_words) + code_words <= kSramWords && m_max <= 0xFFFF;
}

namespace {

// The kernel's counts and code size per (role, activation, variant), generated once: the search asks
// thousands of times. Variants: 0 dense, 1 sparse, 2 sparse with the threshold epilogue.
struct KernelFacts {
  FcKernelCounts counts;
  uint32_t code_words = 0;
};
const KernelFacts& facts(ChainRole role, Activation act, int variant) {
  static const auto table = [] {
    std::array<std::array<std::array<KernelFacts, 3>, 2>, 4> t{};
    for (int r = 0; r < 4; ++r)
      for (int a = 0; a < 2; ++a)
        for (int v = 0; v < 3; ++v) {
          const ChainRole role = ChainRole(r);
          const Activation act = Activation(a);
          const FcKernelOptions o{.sparse_in = v > 0, .threshold = v == 2};
          t[r][a][v].counts = fc_kernel_counts(role, act, o);
          t[r][a][v].code_words = uint32_t(fc_kernel("size", 0, role, act, 0, o).code.size()) * kInstrWords;
        }
    return t;
  }();
  return table[int(role)][int(act)][variant];
}

int variant_of(const PeTraffic& t) {
  return t.threshold ? 2 : t.sparse_in ? 1 : 0;
}

}  // namespace

double fc_pe_interval(uint32_t m, uint32_t n, uint32_t c, uint32_t chain_length, Activation act,
                      const PeTraffic& t) {
  const ChainRole role = chain_role(c, chain_length, act, t.threshold);
  const FcKernelCounts& k = facts(role, act, variant_of(t)).counts;
  const bool relu = act == Activation::kRelu;
  const double len = m + (t.sentinel ? 1 : 0);  // the reduction's elements
  if (role == ChainRole::kEpilogue) {
    // Threshold: every element runs the data task (the compare and ret), the ones sent on (and the sentinel)
    // the send too. Otherwise m vfmax elements and its task (issue, ret) per sample.
    if (t.threshold) return len * k.drop_element + (t.kept + (t.sentinel ? 1 : 0)) * (k.keep_element - k.drop_element);
    return len + k.epilogue_task;
  }
  double slot;
  if (t.sparse_in) {
    // The x that arrive (per_x and m vfmac elements each), then the sentinel, which finds the previous
    // reduction's completion task not yet run (x kept arriving) and waits; the completion task issues.
    const double x = t.x_count < 0 ? double(n) : t.x_count;
    slot = x * (m + k.per_x) + k.sentinel_wait + k.done_issue;
  } else {
    // The x: n data tasks of per_x instructions and m vfmac elements each. The last x ends on the wait
    // path (the completion task of the previous reduction has not had the core: x kept arriving), then the
    // completion task issues the reduction: together last_x_extra + done_issue - 2 (the issue sequence is
    // counted once, the wait path is shorter than the issue path by one instruction).
    slot = double(n) * (m + k.per_x) + k.last_x_extra + k.done_issue - 2;
  }
  // The reduction's arithmetic elements: vmov (start) uses no slot; vfadd (middle) one per element; a
  // single-position layer's ReLU (vfmax) one per element.
  if (role == ChainRole::kMiddle) slot += len;
  if (relu && role == ChainRole::kSingle) slot += len;
  return slot;
}

LayerCost predict_layer(const LayerGraph& g, uint32_t index, const LayerShape& shape) {
  const FcLayer& layer = g.layers.at(index);
  LayerCost cost;
  const BlockSplit rows{layer.out, shape.lanes}, cols{layer.in, shape.chain};
  const bool thresholded = layer.zero_below > 0;
  PeTraffic t{.sparse_in = g.sparse_in(index), .sentinel = g.sparse_out(index), .threshold = thresholded};
  cost.m_max = rows.max_size();
  cost.n_max = cols.max_size();
  cost.pes = shape.pes();
  cost.data_words = fc_sram_layout(cost.m_max, cost.n_max, t.sentinel).words;
  const uint32_t positions = chain_positions(shape.chain, layer.act, thresholded);
  const int variant = variant_of(t);
  uint32_t code = 0;
  for (uint32_t c : {0u, 1u, positions - 1}) {
    if (c >= positions) continue;
    code = std::max(code, facts(chain_role(c, shape.chain, layer.act, thresholded), layer.act, variant).code_words);
  }
  cost.code_words = code;
  t.kept = layer.out_density * cost.m_max;
  // The busiest PE has the largest m (lane 0 has it). Without densities per input, positions with equal n
  // and role cost the same, and BlockSplit has at most two sizes (the larger first), so the first
  // position, the first middle one, the first smaller middle one, the last block and the epilogue cover
  // every case (constant time: the search asks this thousands of times). With densities (sparse kernel),
  // each position's expected x count is the sum of its inputs' densities (prefix sums: O(1)), and every
  // position is costed (O(C)).
  double worst = 0;
  auto consider = [&](uint32_t c) {
    if (c >= positions) return;
    const uint32_t n = c < shape.chain ? cols.size(c) : 0;
    PeTraffic pt = t;
    if (t.sparse_in && !layer.in_density_sum.empty() && c < shape.chain) {
      pt.x_count = layer.in_density_sum[cols.start(c) + n] - layer.in_density_sum[cols.start(c)];
    }
    worst = std::max(worst, fc_pe_interval(cost.m_max, n, c, shape.chain, layer.act, pt));
  };
  if (t.sparse_in && !layer.in_density_sum.empty()) {
    for (uint32_t c = 0; c < positions; ++c) consider(c);
  } else {
    const uint32_t first_small = cols.total % cols.parts;
    for (uint32_t c : {0u, 1u, std::max(first_small, 1u), shape.chain - 1, positions - 1}) consider(c);
  }
  cost.slot_work = uint64_t(std::llround(worst));
  cost.interval = cost.slot_work;
  // Latency: the broadcast reaches the last lane K-1 cycles after the first; the x of a sample are
  // processed (n (m + per_x)); then the partial sums cross the chain at 2 cycles per PE (each one passes
  // through a core: received and sent on by the vector op; the epilogue is one more) and the lane's m
  // outputs leave one per cycle.
  const FcKernelCounts& k = facts(ChainRole::kMiddle, layer.act, t.sparse_in ? 1 : 0).counts;
  const uint64_t issue = t.sparse_in ? k.sentinel_issue : k.last_x_extra;
  uint64_t lat = uint64_t(shape.lanes - 1) + uint64_t(cost.n_max) * (cost.m_max + k.per_x) + issue;
  lat += 2ull * (positions - 1) + cost.m_max;
  cost.latency = lat;
  return cost;
}

}  // namespace wafer::mapper
