#include "mapper/sparsity/density.h"

#include "host/model/error.h"
#include "mapper/sparsity/activations.h"

namespace wafer::mapper {

namespace {

void set_prefix_sums(FcLayer& l) {
  l.in_density_sum.assign(l.in + 1, 0.0);
  for (uint32_t j = 0; j < l.in; ++j) l.in_density_sum[j + 1] = l.in_density_sum[j] + l.in_density[j];
}

}  // namespace

void measure_densities(LayerGraph& g, const std::vector<double>& input, uint32_t batch) {
  if (batch == 0) throw Error("densities: an empty calibration batch");
  const auto acts = layer_activations(g, input, batch);
  for (size_t l = 0; l < g.layers.size(); ++l) {
    FcLayer& fc = g.layers[l];
    fc.in_density.assign(fc.in, 0.0);
    for (uint64_t s = 0; s < batch; ++s)
      for (uint32_t j = 0; j < fc.in; ++j) fc.in_density[j] += acts[l][s * fc.in + j] != 0.0;
    for (double& d : fc.in_density) d /= batch;
    set_prefix_sums(fc);
    uint64_t nz = 0;
    for (double v : acts[l + 1]) nz += v != 0.0;
    fc.out_density = double(nz) / double(acts[l + 1].size());
  }
}

void set_densities(LayerGraph& g, const std::vector<double>& density) {
  if (density.size() != g.layers.size()) throw Error("densities: one per layer expected");
  for (size_t l = 0; l < g.layers.size(); ++l) {
    if (!(density[l] >= 0 && density[l] <= 1)) throw Error("densities: each must be in [0, 1]");
    g.layers[l].in_density.assign(g.layers[l].in, density[l]);
    set_prefix_sums(g.layers[l]);
    g.layers[l].out_density = l + 1 < g.layers.size() ? density[l + 1] : 1.0;
  }
}

std::vector<double> mean_input_density(const LayerGraph& g) {
  std::vector<double> d;
  for (const FcLayer& l : g.layers) {
    double s = 0;
    for (double v : l.in_density) s += v;
    d.push_back(l.in_density.empty() ? 1.0 : s / l.in);
  }
  return d;
}

double nonzero_fraction(const std::vector<float>& values) {
  uint64_t nz = 0;
  for (float v : values) nz += v != 0.0f;
  return values.empty() ? 0.0 : double(nz) / double(values.size());
}

}  // namespace wafer::mapper
