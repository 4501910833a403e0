// The one CUDA error macro (STYLE.md 8) and the check that follows every kernel launch.
//
// WAFER_CUDA_CHECK(expr): evaluates expr once; on anything but cudaSuccess throws wafer::Error naming the
// CUDA error, the expression as written, the file and the line. Throwing (rather than aborting) lets the
// tests see the failure and lets the CLI print it.
//
// WAFER_CUDA_CHECK_LAUNCH(kernel, sync): after a launch, reports a bad launch configuration at once; when
// `sync` is true or the build has WAFER_CUDA_DEBUG_SYNC, also synchronises so a fault inside the kernel is
// reported at the launch that caused it rather than at some later call.
#pragma once
#include <cuda_runtime_api.h>

namespace wafer {

[[noreturn]] void cuda_fail(cudaError_t status, const char* expression, const char* file, int line);

#if defined(WAFER_CUDA_DEBUG_SYNC) && WAFER_CUDA_DEBUG_SYNC
inline constexpr bool kCudaDebugSync = true;
#else
inline constexpr bool kCudaDebugSync = false;
#endif

}  // namespace wafer

#define WAFER_CUDA_CHECK(expr)                                           \
  do {                                                                   \
    const cudaError_t wafer_cuda_status_ = (expr);                       \
    if (wafer_cuda_status_ != cudaSuccess) {                             \
      ::wafer::cuda_fail(wafer_cuda_status_, #expr, __FILE__, __LINE__); \
    }                                                                    \
  } while (0)

#define WAFER_CUDA_CHECK_LAUNCH(kernel, sync)                                                     \
  do {                                                                                            \
    const cudaError_t wafer_launch_status_ = cudaGetLastError();                                  \
    if (wafer_launch_status_ != cudaSuccess) {                                                    \
      ::wafer::cuda_fail(wafer_launch_status_, "launch of " #kernel, __FILE__, __LINE__);         \
    }                                                                                             \
    if (::wafer::kCudaDebugSync || (sync)) {                                                      \
      const cudaError_t wafer_sync_status_ = cudaDeviceSynchronize();                             \
      if (wafer_sync_status_ != cudaSuccess) {                                                    \
        ::wafer::cuda_fail(wafer_sync_status_, "synchronise after " #kernel, __FILE__, __LINE__); \
      }                                                                                           \
    }                                                                                             \
  } while (0)
