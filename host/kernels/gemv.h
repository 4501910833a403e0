// GEMV y = A x + b in the checkerboard pattern on a P x Q rectangle of PEs (the seeds' FC-layer mapping).
//
//  - PE(q, p) holds the block of A for row block p and column block q, column-major, in its SRAM.
//  - x enters through input streams on the north edge, one per PE column, and is broadcast down the
//    column (multicast to the core and to the south neighbour). Each x_j runs a data task that does
//    acc += A[:, j] * x_j (vfmac, one element per cycle).
//  - When a PE has seen all its x, it reduces along its row toward the west: the east-most PE sends its
//    partial sums, every other PE adds what arrives from the east to its own and sends on (two colors
//    alternating by column parity, so each PE has distinct in and out routes). PE column 0 starts from b.
//  - y leaves through output streams on the west edge, one per PE row; element i carries index i.
#pragma once
#include <cstdint>
#include <vector>

#include "host/engine/engine.h"
#include "host/image/image.h"

namespace wafer {

struct GemvProblem {
  uint32_t m = 0, n = 0;  // A is m x n
  std::vector<float> a;   // row-major
  std::vector<float> x, b;
};

// A problem with entries drawn uniformly from [-1, 1) by a fixed generator (same values everywhere).
GemvProblem random_gemv(uint32_t m, uint32_t n, uint64_t seed);

// Split of `total` items into `parts` blocks whose sizes differ by at most one (the first ones larger).
struct BlockSplit {
  uint32_t total = 0, parts = 0;
  uint32_t size(uint32_t i) const { return total / parts + (i < total % parts ? 1 : 0); }
  uint32_t start(uint32_t i) const { return i * (total / parts) + std::min(i, total % parts); }
  uint32_t max_size() const { return total / parts + (total % parts ? 1 : 0); }
};

inline constexpr uint32_t kGemvXColor = 0;        // x broadcast down columns
inline constexpr uint32_t kGemvReduceColorA = 1;  // partial sums, even/odd columns alternate
inline constexpr uint32_t kGemvReduceColorB = 2;

struct GemvLayout {
  uint32_t pe_rows = 1, pe_cols = 1;         // P x Q
  uint32_t grid_width = 0, grid_height = 0;  // 0: the P x Q rectangle is the whole grid
};

// Builds the image. Throws wafer::Error when the blocks do not fit a PE's SRAM or the rectangle is empty
// or larger than m x n.
Image build_gemv_image(const GemvProblem& problem, const GemvLayout& layout);

// Reads y back from the output streams of a finished run (throws if some element is missing).
std::vector<float> gemv_result(const Engine& engine, const GemvProblem& problem, const GemvLayout& layout);

// Independent float64 reference, and the bound on |y - y_ref| that fp32 accumulation explains for each
// row: gamma(k) * (|b_i| + sum_j |a_ij x_j|) with k = n + pe_cols + 1 roundings on the longest chain and
// gamma(k) = k u / (1 - k u), u = 2^-24 (Higham, Accuracy and Stability, 3.1).
std::vector<double> gemv_reference(const GemvProblem& problem);
std::vector<double> gemv_error_bound(const GemvProblem& problem, const GemvLayout& layout);

}  // namespace wafer
