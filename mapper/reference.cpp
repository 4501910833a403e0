#include "mapper/reference.h"

#include <cmath>

#include "host/model/error.h"

namespace wafer::mapper {

std::vector<double> evaluate_layer_graph(const LayerGraph& g, const std::vector<double>& input,
                                         uint64_t batch) {
  g.validate();
  if (input.size() != batch * g.input_size())
    throw Error(g.source + ": the reference got " + std::to_string(input.size()) + " input values for " +
                std::to_string(batch) + " samples of " + std::to_string(g.input_size()));
  std::vector<double> x = input, y;
  for (const FcLayer& l : g.layers) {
    y.assign(batch * l.out, 0.0);
    for (uint64_t s = 0; s < batch; ++s)
      for (uint64_t i = 0; i < l.out; ++i) {
        const double* w = l.weight.data() + i * l.in;
        const double* xs = x.data() + s * l.in;
        double sum = 0;
        for (uint64_t j = 0; j < l.in; ++j) sum += w[j] * xs[j];
        sum += l.bias[i];
        y[s * l.out + i] = l.act == Activation::kRelu && sum < 0 ? 0.0 : sum;
        // Induced sparsity (FcLayer::zero_below), as the wafer applies it.
        if (std::fabs(y[s * l.out + i]) < double(l.zero_below)) y[s * l.out + i] = 0.0;
      }
    x.swap(y);
  }
  return x;
}

}  // namespace wafer::mapper
