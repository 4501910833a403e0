// The benchmark workloads, shared by the CPU and CUDA benchmarks so both time the same images.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "host/image/image.h"

namespace wafer::bench {

struct Workload {
  std::string name;
  Image image;
  uint64_t max_cycles;  // runs stop at quiescence or after this many cycles, on every engine alike
  std::string note;
};

// GEMV checkerboard on a side x side PE rectangle with a block x block tile of A per PE.
Workload gemv_square(uint32_t side, uint32_t block, uint64_t max_cycles);
// The full 762 x 1172 wafer: every PE holds a 1 x 1 tile of a 1172 x 762 GEMV.
Workload full_wafer_gemv(uint64_t cycles);
// The full wafer with only a GEMV on a sub-rectangle of about `percent` % of the PEs active.
Workload full_wafer_sparse(double percent, uint64_t cycles);

// The standard list; `quick` caps cycle counts for a smoke run.
std::vector<Workload> standard_workloads(bool quick);

}  // namespace wafer::bench
