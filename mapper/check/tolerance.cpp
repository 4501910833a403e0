#include "mapper/check/tolerance.h"

#include <algorithm>
#include <cmath>

#include "host/model/error.h"

namespace wafer::mapper {

std::vector<double> output_error_bound(const LayerGraph& g, const Plan& plan, const std::vector<double>& input,
                                       uint32_t batch) {
  const double u = std::ldexp(1.0, -24);
  if (input.size() != uint64_t(batch) * g.input_size()) throw Error("error bound: input size mismatch");
  std::vector<double> bound;
  for (uint32_t s = 0; s < batch; ++s) {
    std::vector<double> x(input.begin() + uint64_t(s) * g.input_size(),
                          input.begin() + uint64_t(s + 1) * g.input_size());
    std::vector<double> e(x.size());
    for (size_t j = 0; j < x.size(); ++j) e[j] = u * std::fabs(x[j]);
    for (size_t li = 0; li < g.layers.size(); ++li) {
      const FcLayer& l = g.layers[li];
      const double k = double(l.in) + plan.layers.at(li).chain + 1;
      const double gamma = k * u / (1 - k * u);
      std::vector<double> y(l.out), ey(l.out);
      for (uint32_t i = 0; i < l.out; ++i) {
        double sum = l.bias[i], mag = std::fabs(l.bias[i]), carried = 0;
        const double* w = &l.weight[uint64_t(i) * l.in];
        for (uint32_t j = 0; j < l.in; ++j) {
          sum += w[j] * x[j];
          mag += std::fabs(w[j]) * (std::fabs(x[j]) + e[j]);
          carried += std::fabs(w[j]) * e[j];
        }
        y[i] = l.act == Activation::kRelu ? std::max(sum, 0.0) : sum;
        // The float64 sums themselves are off by about 1e-16 relative: a 1e-9 relative margin covers them.
        ey[i] = (gamma * (1 + u) * mag + u * mag + carried) * (1 + 1e-9);
        // Induced sparsity: clearly below T, both are 0 (no error); clearly above, kept by both; within the
        // error of T the wafer may decide either way, so the error may be the whole value.
        const double t = l.zero_below;
        if (t > 0 && std::fabs(y[i]) + ey[i] < t)
          y[i] = 0, ey[i] = 0;
        else if (t > 0 && std::fabs(y[i]) - ey[i] < t)
          ey[i] += std::fabs(y[i]);
      }
      x = std::move(y);
      e = std::move(ey);
    }
    bound.insert(bound.end(), e.begin(), e.end());
  }
  return bound;
}

CheckResult compare_with_reference(const std::vector<float>& got, const std::vector<double>& ref,
                                   const std::vector<double>& bound, uint32_t outputs_per_sample) {
  if (got.size() != ref.size() || ref.size() != bound.size())
    throw Error("check: " + std::to_string(got.size()) + " results for " + std::to_string(ref.size()) +
                " reference values");
  CheckResult c;
  for (uint64_t i = 0; i < got.size(); ++i) {
    const double err = std::isnan(got[i]) ? INFINITY : std::fabs(double(got[i]) - ref[i]);
    const double ratio = bound[i] > 0 ? err / bound[i] : (err > 0 ? INFINITY : 0);
    if (err > bound[i]) ++c.outside;
    if (ratio > c.worst_ratio || (i == 0)) {
      c.worst_ratio = ratio, c.worst_error = err, c.worst_bound = bound[i];
      c.worst_sample = i / outputs_per_sample, c.worst_index = i % outputs_per_sample;
    }
  }
  return c;
}

}  // namespace wafer::mapper
