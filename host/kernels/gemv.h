// GEMV y = A x + b: one fully connected layer without activation, for one sample, with the FC kernel
// (host/kernels/fc_layer.h, the mapper's kernel) on a P x Q rectangle of PEs at the grid's north-west
// corner: the seeds' FC-layer mapping.
//
//  - PE(q, p) holds the block of A for row block p and column block q, column-major, in its SRAM.
//  - x enters through input streams on the north edge, one per PE column ("x<q>"), and is broadcast down
//    the column. Each x_j runs a data task that does acc += A[:, j] * x_j (vfmac, one element per cycle);
//    column 0's accumulators start from b.
//  - When a PE has seen all its x, the partial sums are reduced along the row toward the east: column 0
//    sends, every later column adds its own and sends on (two colors alternating by column parity).
//  - y leaves through the east side, carried to the grid's east edge, one output stream per PE row
//    ("y<p>"); element i carries index i.
// (data/programs/gemv.wasm is the same computation written in the text format, reducing toward the west.)
#pragma once
#include <cstdint>
#include <vector>

#include "host/engine/engine.h"
#include "host/image/image.h"
#include "host/kernels/block_split.h"

namespace wafer {

struct GemvProblem {
  uint32_t m = 0, n = 0;  // A is m x n
  std::vector<float> a;   // row-major
  std::vector<float> x, b;
};

// A problem with entries drawn uniformly from [-1, 1) by a fixed generator (same values everywhere).
GemvProblem random_gemv(uint32_t m, uint32_t n, uint64_t seed);

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
