// The layer graph the mapper works on: a chain of fully connected layers y = act(W x + b), each the fusion
// of the ONNX nodes it came from (Gemm/MatMul, a bias Add, a Relu; value-preserving ops dropped).
// Weights and bias are kept in float64 as the model defines them (alpha and beta already applied, exact
// in float64), so the float64 reference evaluates the model itself; the kernel generator rounds them to
// fp32 when it writes the image.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "host/kernels/fc_kernel.h"  // Activation

namespace wafer::mapper {

struct FcLayer {
  std::string name;              // the ONNX node name(s) fused into this layer, joined by '+'
  uint32_t in = 0, out = 0;      // N inputs, M outputs
  std::vector<double> weight;    // M x N, row-major: y_i = sum_j weight[i * N + j] * x_j + bias[i]
  std::vector<double> bias;      // M entries (zeros when the model has none)
  Activation act = Activation::kNone;
  // How the mapper runs the layer, beyond the model (mapper/sparsity/): induced sparsity, outputs with
  // |y| < zero_below zeroed on the wafer (0: none; hidden layers only), and the expected densities the cost
  // model uses: in_density[j], the fraction of samples in which input j is non-zero (empty: all are), and
  // out_density, the fraction of the outputs that are non-zero (after zero_below).
  // in_density_sum: its prefix sums (in + 1 entries), so a chain position's expected x count costs O(1).
  float zero_below = 0;
  std::vector<double> in_density, in_density_sum;
  double out_density = 1;
  uint64_t weight_count() const { return uint64_t(in) * out; }
};

struct LayerGraph {
  std::string source;         // the file it was read from
  std::string input_name;     // the graph input's name (ONNX) or "input"
  std::string output_name;    // the graph output's name
  // The ONNX input may be declared feature-major ([features, batch], consumed by Gemm with transA=1);
  // then the .npy input is given in that shape and transposed on the way in.
  bool input_feature_major = false;
  std::vector<FcLayer> layers;  // layers[0] consumes the input; layers.back() produces the output
  // The FC kernel's protocol: sparse (default), zeros never travel (fc_kernel.h); dense_kernel, the dense
  // kernel (every x travels, counted per sample), kept to measure what sparsity costs a dense input.
  bool dense_kernel = false;
  bool sparse_in(size_t) const { return !dense_kernel; }
  bool sparse_out(size_t i) const { return !dense_kernel && i + 1 < layers.size(); }
  uint32_t input_size() const { return layers.empty() ? 0 : layers.front().in; }
  uint32_t output_size() const { return layers.empty() ? 0 : layers.back().out; }
  uint64_t weight_count() const;
  // Throws wafer::Error when consecutive sizes disagree or a layer's arrays have the wrong size.
  void validate() const;
};

}  // namespace wafer::mapper
