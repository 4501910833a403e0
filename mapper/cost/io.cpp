#include "mapper/cost/io.h"

#include <algorithm>
#include <cmath>

#include "host/kernels/block_split.h"

namespace wafer::mapper {

double io_wavelets_per_sample(const LayerGraph& g, const Plan& p) {
  const FcLayer& first = g.layers.front();
  const LayerPlan& l0 = p.layers.front();
  const BlockSplit cols{first.in, l0.chain};
  const bool sparse = g.sparse_in(0);
  double busiest = 0;
  for (uint32_t c = 0; c < l0.chain; ++c) {
    const uint32_t n = cols.size(c), j0 = cols.start(c);
    double x = n;
    if (sparse) {
      // The host leaves zeros out and ends each sample with the sentinel.
      x = first.in_density_sum.empty() ? double(n) : first.in_density_sum[j0 + n] - first.in_density_sum[j0];
      x += 1;
    }
    busiest = std::max(busiest, x);
  }
  const BlockSplit rows{g.layers.back().out, p.layers.back().lanes};
  return std::max(busiest, double(rows.max_size()));
}

uint64_t io_interval(const LayerGraph& g, const Plan& p, uint32_t bands) {
  if (bands <= 1) return 0;
  return uint64_t(std::ceil(bands * io_wavelets_per_sample(g, p) - 1e-9));
}

}  // namespace wafer::mapper
