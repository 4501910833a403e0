#include "mapper/run/batch_input.h"

#include "host/model/error.h"

namespace wafer::mapper {

namespace {
std::string shape_str(const std::vector<uint64_t>& s) {
  std::string o = "(";
  for (size_t i = 0; i < s.size(); ++i) o += (i ? ", " : "") + std::to_string(s[i]);
  return o + (s.size() == 1 ? ",)" : ")");
}
}  // namespace

Batch batch_from_npy(const NpyArray& a, const LayerGraph& g, const std::string& file) {
  const uint64_t n = g.input_size();
  Batch b;
  if (a.shape.size() == 1 && a.shape[0] == n) {
    b.size = 1;
    b.values = a.data;
  } else if (a.shape.size() == 2 && !g.input_feature_major && a.shape[1] == n) {
    b.size = uint32_t(a.shape[0]);
    b.values = a.data;
  } else if (a.shape.size() == 2 && g.input_feature_major && a.shape[0] == n) {
    b.size = uint32_t(a.shape[1]);
    b.values.resize(a.data.size());
    for (uint64_t s = 0; s < b.size; ++s)
      for (uint64_t j = 0; j < n; ++j) b.values[s * n + j] = a.data[j * b.size + s];
  } else {
    throw Error(file + ": an array of shape " + shape_str(a.shape) + " but the model's input '" + g.input_name +
                "' takes " + std::to_string(n) + " features per sample: expected " +
                (g.input_feature_major ? "(" + std::to_string(n) + ", batch) (the model reads it feature-major)"
                                       : "(batch, " + std::to_string(n) + ") or (" + std::to_string(n) + ",)"));
  }
  if (b.size == 0) throw Error(file + ": the batch is empty (shape " + shape_str(a.shape) + ")");
  if (a.shape.size() == 2 && a.shape[g.input_feature_major ? 1 : 0] > 0xFFFFFFFFull)
    throw Error(file + ": more than 2^32 samples");
  return b;
}

}  // namespace wafer::mapper
