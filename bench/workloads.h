// The benchmark workloads, shared by the CPU and CUDA benchmarks so both time the same images.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "host/engine/engine.h"
#include "host/image/image.h"

namespace wafer::bench {

struct Workload {
  std::string name;
  Image image;
  uint64_t max_cycles;  // runs stop at quiescence or after this many cycles, on every engine alike
  std::string note;
  // 0: one run() call. k > 0: as the pipeline runner drives a mapped model, one run() call per k wavelets
  // of output stream 0 (each stops on that stream's count), then one until quiescence.
  uint64_t output_step = 0;
};

// Runs a loaded workload the way its output_step says, for at most max_cycles in all (also the cap of every
// call), stopping at quiescence when until_quiescent. Returns the last call's result; throws wafer::Error
// when a call stops on a trap or a stall.
RunResult run_workload(Engine& engine, const Workload& w, uint64_t max_cycles, bool until_quiescent = true);

// GEMV checkerboard on a side x side PE rectangle with a block x block tile of A per PE.
Workload gemv_square(uint32_t side, uint32_t block, uint64_t max_cycles);
// The full 762 x 1172 wafer: every PE holds a 1 x 1 tile of a 1172 x 762 GEMV.
Workload full_wafer_gemv(uint64_t cycles);
// The full wafer with only a GEMV on a sub-rectangle of about `percent` % of the PEs active.
Workload full_wafer_sparse(double percent, uint64_t cycles);

// The full wafer with a busy block at its north-west corner streamed sample by sample, a few of its output
// columns carried by pass-through routes to the south edge, run in one call per sample: the shape of a
// small model mapped on a wse3 wafer (`wafer infer ... --grid wse3`).
Workload wse3_corner_pipeline(uint32_t samples, uint64_t max_cycles);

// The standard list; `quick` caps cycle counts for a smoke run.
std::vector<Workload> standard_workloads(bool quick);

}  // namespace wafer::bench
