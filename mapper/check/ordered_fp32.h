// The wafer's arithmetic replayed on the host in plain fp32 loops, in the order the FC kernel performs it
// (fc_kernel.h): per PE, acc = fma(W[:, j], x_j, acc) for its columns j in order, the first starting
// from the bias (chain position 0) or zero; along the chain, s = in + acc (fp32); ReLU as max(s, +0).
// It shares no code with the engines, so equality with the wafer's output bit for bit checks the
// emulated arithmetic and data movement exactly, where the float64 bound (tolerance.h) grows too loose
// to say much (deep networks: it multiplies by the sum of |W| at every layer).
#pragma once
#include <cstdint>
#include <vector>

#include "mapper/graph.h"
#include "mapper/plan.h"

namespace wafer::mapper {

// The sparse kernel skips zero x (their products are not added) and a thresholded layer
// (FcLayer::zero_below) keeps only what its epilogue keeps (induced_sparsity).
// input: batch x N (sample-major); returns batch x M fp32 results.
// detail (optional): every layer's outputs, and per layer how many were non-zero after the activation
// alone (before induced sparsity): what the wafer's hidden layers produce, bit for bit.
struct ReplayDetail {
  std::vector<std::vector<float>> outputs;  // [layer] batch x M_l
  std::vector<uint64_t> active;             // [layer] non-zero after the activation
};
std::vector<float> ordered_fp32_forward(const LayerGraph& graph, const Plan& plan, const std::vector<double>& input,
                                        uint32_t batch, ReplayDetail* detail = nullptr);

// The threshold epilogue's rule on a layer's chain sum (ReLU included): s or 0.
float induced_sparsity(float sum, Activation act, float threshold);

struct BitCompare {
  uint64_t differing = 0;  // elements whose bits differ
  uint64_t first = 0;      // the first of them (sample * M + output)
  float got = 0, want = 0;
  bool equal() const { return differing == 0; }
};
BitCompare compare_bits(const std::vector<float>& got, const std::vector<float>& want);

}  // namespace wafer::mapper
