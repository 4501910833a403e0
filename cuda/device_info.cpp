// Device query for `wafer info` and for the CUDA engine's constructor.
#include <string>

#include "cuda/cuda_check.h"
#include "cuda/cuda_engine.h"

namespace wafer {

CudaDeviceInfo cuda_device_info(int device) {
  CudaDeviceInfo info;
  (void)cudaRuntimeGetVersion(&info.runtime_version);
  (void)cudaDriverGetVersion(&info.driver_version);
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    (void)cudaGetLastError();  // the failed query must not surface later as someone else's error
    info.why_not = std::string("no CUDA device: ") + cudaGetErrorString(status);
    return info;
  }
  if (count == 0) {
    info.why_not = "no CUDA device: the driver reports 0 devices";
    return info;
  }
  if (device < 0 || device >= count) {
    info.why_not = "no CUDA device " + std::to_string(device) + ": the driver reports " +
                   std::to_string(count) + " device(s), numbered 0.." + std::to_string(count - 1);
    return info;
  }
  cudaDeviceProp prop{};
  WAFER_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  info.name = prop.name;
  info.cc_major = prop.major;
  info.cc_minor = prop.minor;
  info.multiprocessors = prop.multiProcessorCount;
  int previous = 0;
  WAFER_CUDA_CHECK(cudaGetDevice(&previous));
  WAFER_CUDA_CHECK(cudaSetDevice(device));
  size_t free_bytes = 0, total_bytes = 0;
  const cudaError_t mem_status = cudaMemGetInfo(&free_bytes, &total_bytes);
  (void)cudaSetDevice(previous);
  if (mem_status != cudaSuccess) {
    (void)cudaGetLastError();
    info.why_not = std::string("CUDA device ") + std::to_string(device) + " (" + info.name +
                   ") is not usable: " + cudaGetErrorString(mem_status);
    return info;
  }
  info.free_bytes = free_bytes;
  info.total_bytes = total_bytes;
  info.present = true;
  return info;
}

}  // namespace wafer
