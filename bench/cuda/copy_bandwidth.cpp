// Device-to-device copy bandwidth (see copy_bandwidth.h).
#include "bench/cuda/copy_bandwidth.h"

#include <algorithm>

#include "cuda/cuda_check.h"
#include "cuda/device_buffer.h"

namespace wafer::bench {

CopyBandwidth measure_copy_bandwidth(uint64_t bytes, int repetitions) {
  DeviceBuffer src(bytes), dst(bytes);
  WAFER_CUDA_CHECK(cudaMemset(src.get(), 1, bytes));
  cudaEvent_t start = nullptr, stop = nullptr;
  WAFER_CUDA_CHECK(cudaEventCreate(&start));
  WAFER_CUDA_CHECK(cudaEventCreate(&stop));
  CopyBandwidth best;
  best.bytes = bytes;
  best.seconds = 1e30;
  for (int i = 0; i <= repetitions; ++i) {
    WAFER_CUDA_CHECK(cudaEventRecord(start));
    WAFER_CUDA_CHECK(cudaMemcpy(dst.get(), src.get(), bytes, cudaMemcpyDeviceToDevice));
    WAFER_CUDA_CHECK(cudaEventRecord(stop));
    WAFER_CUDA_CHECK(cudaEventSynchronize(stop));
    float ms = 0;
    WAFER_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
    if (i > 0) best.seconds = std::min(best.seconds, double(ms) * 1e-3);  // i == 0 warms up
  }
  (void)cudaEventDestroy(start);
  (void)cudaEventDestroy(stop);
  best.bytes_per_second = 2.0 * double(bytes) / best.seconds;
  return best;
}

}  // namespace wafer::bench
