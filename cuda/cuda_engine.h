// The CUDA engine: the shared per-PE cycle function run one GPU thread per PE (docs/cuda-engine.md).
// Same Engine interface and bit-identical results as the CPU reference engine.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "cuda/device_memory.h"
#include "host/engine/engine.h"

namespace wafer {

// How cycles are launched. Any value gives the same machine state (tests/cuda pin this); only speed differs.
struct CudaLaunchConfig {
  uint32_t block_size = 256;    // threads per block: a multiple of 32 in [32, 768] (kStepKernelMaxBlock)
  uint32_t batch_cycles = 256;  // cycles enqueued per host round trip (the host reads run control after each)
  bool use_graph = true;        // replay a batch as one CUDA graph; debug sync always launches one by one
  bool permute_threads = false;  // debug: threads step PEs in a scattered order (step_thread.h, ThreadOrder)
  // Capture the batch graph in load() rather than in the first run() that needs it (the benchmark: so that
  // a timed run does not pay for capture and instantiation). Ignored without graphs or with debug sync.
  bool graph_at_load = false;
  // Test hook: run() throws after this many batches have run on the device (0 = never), to test that the
  // engine stays consistent with the device after an error (tests/cuda/run_error_test.cpp).
  uint32_t test_fail_after_batches = 0;
};

// Throws wafer::Error "no CUDA device: <reason>" when no usable GPU is present, and on a bad launch config.
std::unique_ptr<Engine> make_cuda_engine(const EngineOptions& options);
std::unique_ptr<Engine> make_cuda_engine(const EngineOptions& options, const CudaLaunchConfig& launch);

// What `wafer info` prints about a device. Never throws: when no device is usable, present is false and
// why_not says why ("no CUDA device: <cudaGetErrorString>").
struct CudaDeviceInfo {
  bool present = false;
  std::string why_not;
  std::string name;
  uint64_t total_bytes = 0, free_bytes = 0;
  int cc_major = 0, cc_minor = 0;
  int multiprocessors = 0;
  int runtime_version = 0, driver_version = 0;  // 13000 = CUDA 13.0; driver 0 = no driver installed
};
CudaDeviceInfo cuda_device_info(int device = 0);

}  // namespace wafer
