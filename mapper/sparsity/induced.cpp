#include "mapper/sparsity/induced.h"

#include <algorithm>
#include <cmath>

#include "host/model/error.h"
#include "mapper/sparsity/activations.h"

namespace wafer::mapper {

void set_sparsity_threshold(LayerGraph& g, float t) {
  if (!(t >= 0) || std::isinf(t))
    throw Error("--sparsity-threshold: " + std::to_string(t) + " is not a finite value >= 0");
  for (size_t l = 0; l + 1 < g.layers.size(); ++l) g.layers[l].zero_below = t;
}

InducedSparsity calibrate_induced_sparsity(LayerGraph& g, double f, const std::vector<double>& input,
                                           uint32_t batch) {
  if (!(f >= 0 && f < 1)) throw Error("--induce-sparsity: " + std::to_string(f) + " is outside [0, 1)");
  if (batch == 0) throw Error("--induce-sparsity: an empty calibration batch");
  InducedSparsity r;
  r.threshold.assign(g.layers.size(), 0.0f);
  r.fraction.assign(g.layers.size(), 0.0);
  for (auto& l : g.layers) l.zero_below = 0;
  std::vector<double> x = input;
  for (size_t li = 0; li + 1 < g.layers.size(); ++li) {
    // This layer alone, on what the thresholds before it leave.
    LayerGraph one;
    one.source = g.source;
    one.layers = {g.layers[li]};
    const std::vector<double> y = layer_activations(one, x, batch).back();
    std::vector<double> mags;
    for (double v : y)
      if (v != 0.0) mags.push_back(std::fabs(v));
    std::sort(mags.begin(), mags.end());
    const uint64_t k = uint64_t(std::floor(f * double(mags.size())));
    if (k > 0) {
      // Halfway between the largest zeroed and the smallest kept: far from both, so the fp32 values the
      // wafer computes fall on the same sides unless the two are within rounding of each other.
      float t = float(0.5 * (mags[k - 1] + mags[k]));
      if (double(t) <= mags[k - 1]) t = std::nextafter(t, INFINITY);
      g.layers[li].zero_below = t;
      r.threshold[li] = t;
    }
    one.layers[0].zero_below = g.layers[li].zero_below;
    x = layer_activations(one, x, batch).back();
    uint64_t zeroed = 0;
    for (size_t i = 0; i < y.size(); ++i) zeroed += y[i] != 0.0 && x[i] == 0.0;
    r.fraction[li] = mags.empty() ? 0.0 : double(zeroed) / double(mags.size());
  }
  return r;
}

}  // namespace wafer::mapper
