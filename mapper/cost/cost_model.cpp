#include "mapper/cost/cost_model.h"

#include <algorithm>
#include <array>

#include "host/kernels/block_split.h"
#include "host/model/constants.h"
#include "host/kernels/fc_kernel.h"

namespace wafer::mapper {

bool LayerCost::fits_sram() const {
  return uint64_t(data_words) + code_words <= kSramWords && m_max <= 0xFFFF;
}

namespace {

// The kernel's counts and code size per (role, activation), generated once: the search asks thousands
// of times.
struct KernelFacts {
  FcKernelCounts counts;
  uint32_t code_words = 0;
};
const KernelFacts& facts(ChainRole role, Activation act) {
  static const auto table = [] {
    std::array<std::array<KernelFacts, 2>, 4> t{};
    for (int r = 0; r < 4; ++r)
      for (int a = 0; a < 2; ++a) {
        const ChainRole role = ChainRole(r);
        const Activation act = Activation(a);
        t[r][a].counts = fc_kernel_counts(role, act);
        t[r][a].code_words = uint32_t(fc_kernel("size", 0, role, act, 0).code.size()) * kInstrWords;
      }
    return t;
  }();
  return table[int(role)][int(act)];
}

}  // namespace

uint64_t fc_pe_interval(uint32_t m, uint32_t n, uint32_t c, uint32_t chain_length, Activation act) {
  const ChainRole role = chain_role(c, chain_length, act);
  const FcKernelCounts& k = facts(role, act).counts;
  const bool relu = act == Activation::kRelu;
  // The epilogue: m vfmax elements and its task (issue, ret) per sample.
  if (role == ChainRole::kEpilogue) return uint64_t(m) + k.epilogue_task;
  // The x: n data tasks of per_x instructions and m vfmac elements each. The last x ends on the wait
  // path (the completion task of the previous reduction has not had the core: x kept arriving), then the
  // completion task issues the reduction: together last_x_extra + done_issue - 2 (the issue sequence is
  // counted once, the wait path is shorter than the issue path by one instruction).
  uint64_t slot = uint64_t(n) * (m + k.per_x) + k.last_x_extra + k.done_issue - 2;
  // The reduction's arithmetic elements: vmov (start) uses no slot; vfadd (middle) one per element; a
  // single-position layer's ReLU (vfmax) one per element.
  if (role == ChainRole::kMiddle) slot += m;
  if (relu && role == ChainRole::kSingle) slot += m;
  return slot;
}

LayerCost predict_layer(const FcLayer& layer, const LayerShape& shape) {
  LayerCost cost;
  const BlockSplit rows{layer.out, shape.lanes}, cols{layer.in, shape.chain};
  cost.m_max = rows.max_size();
  cost.n_max = cols.max_size();
  cost.pes = shape.pes();
  cost.data_words = fc_sram_layout(cost.m_max, cost.n_max).words;
  const uint32_t positions = chain_positions(shape.chain, layer.act);
  uint32_t code = 0;
  for (uint32_t c : {0u, 1u, positions - 1}) {
    if (c >= positions) continue;
    code = std::max(code, facts(chain_role(c, shape.chain, layer.act), layer.act).code_words);
  }
  cost.code_words = code;
  // The busiest PE has the largest m (lane 0 has it). Positions with equal n and role cost the same, and
  // BlockSplit has at most two sizes (the larger first), so the first position, the first middle one,
  // the first smaller middle one, the last block and the epilogue cover every case (constant time: the
  // search asks this thousands of times).
  uint64_t worst = 0;
  const uint32_t first_small = cols.total % cols.parts;
  for (uint32_t c : {0u, 1u, std::max(first_small, 1u), shape.chain - 1, positions - 1}) {
    if (c >= positions) continue;
    const uint32_t n = c < shape.chain ? cols.size(c) : 0;
    worst = std::max(worst, fc_pe_interval(cost.m_max, n, c, shape.chain, layer.act));
  }
  cost.slot_work = worst;
  cost.interval = worst;
  // Latency: the broadcast reaches the last lane K-1 cycles after the first; the x of a sample are
  // processed (n (m + per_x)); then the partial sums cross the chain at 2 cycles per PE (each one passes
  // through a core: received and sent on by the vector op; the epilogue is one more) and the lane's m
  // outputs leave one per cycle.
  const FcKernelCounts& k = facts(ChainRole::kMiddle, layer.act).counts;
  uint64_t lat = uint64_t(shape.lanes - 1) + uint64_t(cost.n_max) * (cost.m_max + k.per_x) + k.last_x_extra;
  lat += 2ull * (positions - 1) + cost.m_max;
  cost.latency = lat;
  return cost;
}

}  // namespace wafer::mapper
