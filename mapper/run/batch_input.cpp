#include "mapper/run/batch_input.h"

#include "host/model/error.h"

namespace wafer::mapper {

namespace {
std::string shape_str(const std::vector<uint64_t>& s) {
  std::string o = "(";
  for (size_t i = 0; i < s.size(); ++i) o += (i ? ", " : "") + std::to_string(s[i]);
  return o + (s.size() == 1 ? ",)" : ")");
}

// The values per sample of a sample-major array of 2 or more dimensions: the product of all but the first,
// or 0 when it overflows 64 bits (never for an array read_npy accepted; 0 then matches no model).
uint64_t features_per_sample(const std::vector<uint64_t>& s) {
  uint64_t n = 1;
  for (size_t i = 1; i < s.size(); ++i)
    if (__builtin_mul_overflow(n, s[i], &n)) return 0;
  return n;
}
}  // namespace

Batch batch_from_npy(const NpyArray& a, const LayerGraph& g, const std::string& file) {
  const uint64_t n = g.input_size();
  Batch b;
  uint64_t samples = 0;
  if (a.shape.size() == 1 && a.shape[0] == n) {
    samples = 1;
    b.values = a.data;
  } else if (a.shape.size() >= 2 && !g.input_feature_major && features_per_sample(a.shape) == n) {
    samples = a.shape[0];  // [batch, N], or [batch, d1, d2, ...] read flattened (C order keeps samples whole)
    b.values = a.data;
  } else if (a.shape.size() == 2 && g.input_feature_major && a.shape[0] == n) {
    samples = a.shape[1];
    b.values.resize(a.data.size());
    for (uint64_t s = 0; s < samples; ++s)
      for (uint64_t j = 0; j < n; ++j) b.values[s * n + j] = a.data[j * samples + s];
  } else {
    const std::string per_sample =
        a.shape.size() > 2 && !g.input_feature_major
            ? " (" + std::to_string(features_per_sample(a.shape)) + " features per sample)"
            : "";
    throw Error(file + ": an array of shape " + shape_str(a.shape) + per_sample + " but the model's input '" +
                g.input_name + "' takes " + std::to_string(n) + " features per sample: expected " +
                (g.input_feature_major
                     ? "(" + std::to_string(n) + ", batch) (the model reads it feature-major)"
                     : "(batch, " + std::to_string(n) + "), (" + std::to_string(n) +
                           ",) or (batch, d1, d2, ...) with d1 x d2 x ... = " + std::to_string(n)));
  }
  if (samples > 0xFFFFFFFFull)
    throw Error(file + ": 2^32 samples or more (shape " + shape_str(a.shape) + ")");
  if (samples == 0) throw Error(file + ": the batch is empty (shape " + shape_str(a.shape) + ")");
  b.size = uint32_t(samples);
  return b;
}

}  // namespace wafer::mapper
