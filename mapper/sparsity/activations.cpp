#include "mapper/sparsity/activations.h"

#include <cmath>

#include "host/model/error.h"
#include "mapper/check/ordered_fp32.h"

namespace wafer::mapper {

double apply_layer_rule(const FcLayer& l, double sum) {
  const double y = l.act == Activation::kRelu && sum < 0 ? 0.0 : sum;
  return std::fabs(y) < double(l.zero_below) ? 0.0 : y;
}

std::vector<std::vector<double>> layer_activations(const LayerGraph& g, const std::vector<double>& input,
                                                   uint32_t batch) {
  if (input.size() != uint64_t(batch) * g.input_size()) throw Error("activations: input size mismatch");
  std::vector<std::vector<double>> acts{input};
  for (const FcLayer& l : g.layers) {
    const std::vector<double>& x = acts.back();
    std::vector<double> y(uint64_t(batch) * l.out);
    for (uint64_t s = 0; s < batch; ++s)
      for (uint64_t i = 0; i < l.out; ++i) {
        const double* w = l.weight.data() + i * l.in;
        double sum = l.bias[i];
        for (uint64_t j = 0; j < l.in; ++j) sum += w[j] * x[s * l.in + j];
        y[s * l.out + i] = apply_layer_rule(l, sum);
      }
    acts.push_back(std::move(y));
  }
  return acts;
}

std::vector<std::vector<double>> wafer_activations(const LayerGraph& g, const Plan& plan,
                                                   const std::vector<double>& input, uint32_t batch) {
  if (input.size() != uint64_t(batch) * g.input_size()) throw Error("activations: input size mismatch");
  std::vector<std::vector<double>> acts;
  acts.emplace_back(input.size());
  for (size_t i = 0; i < input.size(); ++i) acts[0][i] = double(float(input[i]));
  ReplayDetail detail;
  ordered_fp32_forward(g, plan, input, batch, &detail);
  for (const std::vector<float>& y : detail.outputs) acts.emplace_back(y.begin(), y.end());
  return acts;
}

}  // namespace wafer::mapper
