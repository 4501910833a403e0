#include "mapper/graph.h"

#include "host/model/error.h"

namespace wafer::mapper {

uint64_t LayerGraph::weight_count() const {
  uint64_t n = 0;
  for (const auto& l : layers) n += l.weight_count();
  return n;
}

void LayerGraph::validate() const {
  if (layers.empty()) throw Error(source + ": the model has no fully connected layer");
  for (size_t i = 0; i < layers.size(); ++i) {
    const FcLayer& l = layers[i];
    const std::string where = source + ": layer " + std::to_string(i) + " ('" + l.name + "')";
    if (l.in == 0 || l.out == 0) throw Error(where + ": empty weight matrix");
    if (l.weight.size() != l.weight_count())
      throw Error(where + ": " + std::to_string(l.weight.size()) + " weights for a " + std::to_string(l.out) +
                  "x" + std::to_string(l.in) + " matrix");
    if (l.bias.size() != l.out)
      throw Error(where + ": " + std::to_string(l.bias.size()) + " bias entries for " + std::to_string(l.out) +
                  " outputs");
    if (!(l.zero_below >= 0)) throw Error(where + ": the sparsity threshold must be >= 0");
    if (l.zero_below > 0 && !sparse_out(i))
      throw Error(where + ": induced sparsity needs the sparse kernel on a hidden layer");
    if (!l.in_density.empty() && (l.in_density.size() != l.in || l.in_density_sum.size() != l.in + 1u))
      throw Error(where + ": " + std::to_string(l.in_density.size()) + " input densities for " +
                  std::to_string(l.in) + " inputs");
    if (i > 0 && layers[i - 1].out != l.in)
      throw Error(where + ": takes " + std::to_string(l.in) + " inputs but the previous layer gives " +
                  std::to_string(layers[i - 1].out));
  }
}

}  // namespace wafer::mapper
