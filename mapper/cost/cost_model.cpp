#include "mapper/cost/cost_model.h"

#include <algorithm>

#include "host/kernels/block_split.h"
#include "host/model/constants.h"
#include "host/kernels/fc_kernel.h"

namespace wafer::mapper {

bool LayerCost::fits_sram() const {
  return uint64_t(data_words) + code_words <= kSramWords && m_max <= 0xFFFF;
}

uint64_t fc_pe_interval(uint32_t m, uint32_t n, uint32_t c, uint32_t chain_length, Activation act) {
  const ChainRole role = chain_role(c, chain_length, act);
  const FcKernelCounts k = fc_kernel_counts(role, act);
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
    const uint32_t instrs =
        uint32_t(fc_kernel("size", 0, chain_role(c, shape.chain, layer.act), layer.act, 0).code.size());
    code = std::max(code, instrs * kInstrWords);
  }
  cost.code_words = code;
  // The busiest PE: every chain position with the largest m (lane 0 has it). Positions with equal n and
  // role cost the same, so checking the first, the last and each change of n suffices.
  uint64_t worst = 0;
  for (uint32_t c = 0; c < positions; ++c) {
    const uint32_t n = c < shape.chain ? cols.size(c) : 0;
    if (c > 1 && c + 1 < positions && n == cols.size(c - 1)) continue;
    worst = std::max(worst, fc_pe_interval(cost.m_max, n, c, shape.chain, layer.act));
  }
  cost.slot_work = worst;
  cost.interval = worst;
  // Latency: the broadcast reaches the last lane K-1 cycles after the first; the x of a sample are
  // processed (n (m + per_x)); then the partial sums cross the chain at 2 cycles per PE (each one passes
  // through a core: received and sent on by the vector op; the epilogue is one more) and the lane's m
  // outputs leave one per cycle.
  const FcKernelCounts k = fc_kernel_counts(ChainRole::kMiddle, layer.act);
  uint64_t lat = uint64_t(shape.lanes - 1) + uint64_t(cost.n_max) * (cost.m_max + k.per_x) + k.last_x_extra;
  lat += 2ull * (positions - 1) + cost.m_max;
  cost.latency = lat;
  return cost;
}

}  // namespace wafer::mapper
