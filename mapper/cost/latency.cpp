#include "mapper/cost/latency.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "host/kernels/block_split.h"
#include "host/kernels/fc_kernel.h"

namespace wafer::mapper {

void predict_latency(const LayerGraph& g, Plan& plan) {
  const FcKernelCounts k = fc_kernel_counts(ChainRole::kMiddle, Activation::kNone, {.sparse_in = !g.dense_kernel});
  // What ends a position's sample: the last x's issue path (dense) or the sentinel's (sparse).
  const uint64_t issue = g.dense_kernel ? k.last_x_extra : k.sentinel_issue;
  // first[c]: cycle at which chain position c's first x reaches lane 0 of the current layer. A host
  // stream injects in cycle 0 and the PE ingests it in cycle 1.
  std::vector<uint64_t> first(plan.layers.front().chain, 1);
  uint64_t end = 0;
  for (size_t li = 0; li < plan.layers.size(); ++li) {
    LayerPlan& l = plan.layers[li];
    const FcLayer& fc = g.layers[li];
    const BlockSplit rows{fc.out, l.lanes}, cols{fc.in, l.chain};
    const uint64_t start = *std::min_element(first.begin(), first.end());
    std::vector<uint64_t> next(l.lanes);
    uint64_t layer_end = 0;
    for (uint32_t lane = 0; lane < l.lanes; ++lane) {
      const uint64_t m = rows.size(lane);
      uint64_t pass = 0;  // cycle the reduction's first element leaves the current chain position
      for (uint32_t c = 0; c < l.positions; ++c) {
        if (c < l.chain) {
          // Its n x (sparse: the expected count of non-zero ones) arrive one per cycle from first[c] + lane
          // (broadcast hops) and take m + per_x each; the last one then runs the issue path.
          double x = cols.size(c);
          if (!g.dense_kernel && !fc.in_density_sum.empty())
            x = fc.in_density_sum[cols.start(c) + cols.size(c)] - fc.in_density_sum[cols.start(c)];
          const uint64_t ready = first[c] + lane + uint64_t(std::llround(x * double(m + k.per_x))) + issue;
          pass = c == 0 ? ready : std::max(ready, pass + 2);
        } else {
          pass += 2;  // the epilogue
        }
      }
      next[lane] = pass + 1;  // one hop into the next layer's lane 0
      layer_end = std::max(layer_end, pass + m);
    }
    l.cost.latency = layer_end - start;
    end = layer_end;
    first = std::move(next);
  }
  // The last layer's outputs cross to the grid's edge, one hop per cycle.
  const LayerPlan& last = plan.layers.back();
  const Rect r = last.rect();
  const uint64_t to_edge = last.lanes_are_rows ? plan.grid_width - (r.x + r.w) : plan.grid_height - (r.y + r.h);
  plan.latency = end + to_edge + 1;
}

}  // namespace wafer::mapper
