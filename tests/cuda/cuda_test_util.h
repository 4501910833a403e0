// Helpers shared by the CUDA engine tests: skipping without a device, engines by launch configuration.
#pragma once
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "cuda/cuda_engine.h"
#include "host/engine/engine.h"

namespace wafer::test {

// "" when a usable CUDA device is present, else why not (cuda_device_info's reason).
inline std::string cuda_skip_reason() {
  static const std::string reason = [] {
    const CudaDeviceInfo info = cuda_device_info(0);
    return info.present ? std::string() : info.why_not;
  }();
  return reason;
}

// WAFER_EXPECT_GPU=1 (scripts/gpu_check.sh run sets it on the GPU machine): a GPU test that would skip
// fails instead, so a run that silently tested nothing cannot pass.
inline bool expect_gpu() {
  const char* v = std::getenv("WAFER_EXPECT_GPU");
  return v != nullptr && std::string(v) == "1";
}

// The emulated device (WAFER_CUDA=EMULATED, cuda/emulated/): its memory is the host's, capped, so a test that
// needs a large GPU skips there even with WAFER_EXPECT_GPU=1.
#if defined(WAFER_CUDA_EMULATED) && WAFER_CUDA_EMULATED
inline constexpr bool kEmulatedDevice = true;
#else
inline constexpr bool kEmulatedDevice = false;
#endif

// Every GPU test starts with this: on a machine without a GPU (CI) it skips and says why; with
// WAFER_EXPECT_GPU=1 it fails and says why.
#define WAFER_REQUIRE_GPU()                                                                       \
  do {                                                                                            \
    const std::string wafer_skip_reason_ = ::wafer::test::cuda_skip_reason();                     \
    if (!wafer_skip_reason_.empty()) {                                                            \
      if (::wafer::test::expect_gpu()) GTEST_FAIL() << "WAFER_EXPECT_GPU=1: " << wafer_skip_reason_; \
      GTEST_SKIP() << wafer_skip_reason_;                                                         \
    }                                                                                             \
  } while (0)

// The data folder (data/programs, data/models): $WAFER_DATA_DIR when set, else the source tree's, compiled
// in. The GPU machine gets the binaries built here, where the compiled-in path does not exist.
inline std::string data_dir() {
  const char* v = std::getenv("WAFER_DATA_DIR");
  return v != nullptr && *v != '\0' ? std::string(v) : std::string(WAFER_DATA_DIR);
}

inline std::unique_ptr<Engine> cuda_engine(const CudaLaunchConfig& launch = {}) {
  return make_cuda_engine(EngineOptions{}, launch);
}

// The reference. Two threads: enough to exercise the banded stepping without oversubscribing CI machines.
inline std::unique_ptr<Engine> cpu_engine(unsigned threads = 2) {
  EngineOptions o;
  o.threads = threads;
  return make_engine("cpu", o);
}

}  // namespace wafer::test
