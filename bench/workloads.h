// The benchmark workloads, shared by the CPU and CUDA benchmarks so both time the same images.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
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
  uint32_t samples = 0;  // a mapped model's samples (the suite reports samples per second), else 0
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

// Fabric traffic only: every row of a width x height grid carries `wavelets` wavelets from an input
// stream on the west edge along a pass-through route to an output stream on the east edge; no core runs.
Workload fabric_traffic(uint32_t width, uint32_t height, uint32_t wavelets, uint64_t max_cycles);
// An example program of data/programs/ with parameter overrides (a larger size than its defaults).
Workload example_program(const std::string& file, const std::map<std::string, std::string>& params,
                         uint64_t max_cycles);
// A model mapped by the search onto a grid (bench/mapped_workload.cpp): its image for `samples` samples of
// seeded inputs, run one run() per sample as `wafer infer` runs it.
Workload mapped_model(const std::string& model_path, uint32_t grid_width, uint32_t grid_height,
                      uint32_t samples, uint64_t max_cycles);

// The one list of workloads every benchmark draws from (`wafer bench`, wafer_bench_cuda): a name and how
// to build it, so that a benchmark builds only the workloads it runs. `quick` caps cycle counts for a
// smoke run.
struct WorkloadSpec {
  std::string name;
  std::function<Workload()> build;
};
std::vector<WorkloadSpec> workload_catalog(bool quick);
// Every workload of the catalog, built.
std::vector<Workload> standard_workloads(bool quick);
// The specs named in `only` (all when empty), in catalog order; throws wafer::Error naming an unknown one
// and listing the names.
std::vector<WorkloadSpec> select_workloads(bool quick, const std::vector<std::string>& only);

}  // namespace wafer::bench
