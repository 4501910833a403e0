#include "bench/workloads.h"

#include <cmath>

#include "host/kernels/gemv.h"

namespace wafer::bench {

Workload gemv_square(uint32_t side, uint32_t block, uint64_t max_cycles) {
  const GemvProblem g = random_gemv(side * block, side * block, 1);
  return {"gemv_" + std::to_string(side) + "x" + std::to_string(side), build_gemv_image(g, {side, side}),
          max_cycles, std::to_string(block) + "x" + std::to_string(block) + " tile of A per PE"};
}

Workload full_wafer_gemv(uint64_t cycles) {
  const uint32_t w = 762, h = 1172;
  const GemvProblem g = random_gemv(h, w, 1);
  return {"wse3_gemv_all", build_gemv_image(g, {h, w}), cycles,
          "762x1172 PEs, 1x1 tile of A per PE, every PE works once x reaches its row"};
}

Workload full_wafer_sparse(double percent, uint64_t cycles) {
  const uint32_t w = 762, h = 1172;
  const double side_scale = std::sqrt(percent / 100.0);
  const uint32_t q = std::max(1u, uint32_t(w * side_scale)), p = std::max(1u, uint32_t(h * side_scale));
  const GemvProblem g = random_gemv(p * 4, q * 4, 1);
  GemvLayout layout{p, q, w, h};
  return {"wse3_gemv_1pct", build_gemv_image(g, layout), cycles,
          std::to_string(q) + "x" + std::to_string(p) + " PEs (" +
              std::to_string(100.0 * p * q / (w * h)).substr(0, 4) +
              "%) run a GEMV with 4x4 tiles, the rest idle"};
}

std::vector<Workload> standard_workloads(bool quick) {
  std::vector<Workload> w;
  const uint64_t all = 100000000;
  w.push_back(gemv_square(64, 16, quick ? 50 : all));
  w.push_back(gemv_square(256, 16, quick ? 20 : all));
  w.push_back(full_wafer_gemv(quick ? 5 : all));
  w.push_back(full_wafer_sparse(1.0, quick ? 5 : all));
  return w;
}

}  // namespace wafer::bench
