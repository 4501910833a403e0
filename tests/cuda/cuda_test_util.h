// Helpers shared by the CUDA engine tests: skipping without a device, engines by launch configuration.
#pragma once
#include <gtest/gtest.h>

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

// Every GPU test starts with this: on a machine without a GPU (CI) it skips and says why.
#define WAFER_REQUIRE_GPU()                                                   \
  do {                                                                        \
    const std::string wafer_skip_reason_ = ::wafer::test::cuda_skip_reason(); \
    if (!wafer_skip_reason_.empty()) GTEST_SKIP() << wafer_skip_reason_;      \
  } while (0)

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
