// The emulated CUDA runtime (see cuda_runtime_api.h in this folder): host memory, operations run when they
// are enqueued, capture records them for a graph to replay.
#include "cuda/emulated/cuda_runtime_api.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

struct CUstream_st {
  bool capturing = false;
  std::vector<std::function<void()>> recorded;
};
struct CUgraph_st {
  std::vector<std::function<void()>> ops;
};
struct CUgraphExec_st {
  std::vector<std::function<void()>> ops;
};

namespace {

// The emulated device's memory: WAFER_EMULATED_DEVICE_GIB (default 8) of host memory at most, so that the
// engine's memory checks and refusals run as they would on a GPU.
size_t total_bytes() {
  static const size_t total = [] {
    const char* v = std::getenv("WAFER_EMULATED_DEVICE_GIB");
    const double gib = v != nullptr && *v != '\0' ? std::atof(v) : 8.0;
    return size_t(gib * double(1ull << 30));
  }();
  return total;
}

std::mutex mutex;
std::unordered_map<void*, size_t> allocations;
size_t allocated = 0;
std::atomic<unsigned long long> operations{0};
thread_local cudaError_t last_error = cudaSuccess;

cudaError_t run_or_record(cudaStream_t s, std::function<void()> op) {
  if (s != nullptr && s->capturing) {
    s->recorded.push_back(std::move(op));
  } else {
    op();
    ++operations;
  }
  return cudaSuccess;
}

void copy_2d(void* dst, size_t dpitch, const void* src, size_t spitch, size_t width, size_t height) {
  for (size_t r = 0; r < height; ++r)
    std::memcpy(static_cast<char*>(dst) + r * dpitch, static_cast<const char*>(src) + r * spitch, width);
}

}  // namespace

cudaError_t cudaGetDeviceCount(int* count) {
  *count = 1;
  return cudaSuccess;
}
cudaError_t cudaGetDevice(int* device) {
  *device = 0;
  return cudaSuccess;
}
cudaError_t cudaSetDevice(int device) {
  return device == 0 ? cudaSuccess : (last_error = cudaErrorInvalidDevice);
}
cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device) {
  if (device != 0) return last_error = cudaErrorInvalidDevice;
  *prop = {};
  std::strncpy(prop->name, "emulated CUDA device (host memory, no GPU)", sizeof prop->name - 1);
  prop->major = 9, prop->minor = 0, prop->multiProcessorCount = 1;
  return cudaSuccess;
}
cudaError_t cudaRuntimeGetVersion(int* version) {
  *version = 0;
  return cudaSuccess;
}
cudaError_t cudaDriverGetVersion(int* version) {
  *version = 0;
  return cudaSuccess;
}
cudaError_t cudaMemGetInfo(size_t* free_bytes, size_t* total) {
  std::lock_guard<std::mutex> lock(mutex);
  *total = total_bytes();
  *free_bytes = *total - allocated;
  return cudaSuccess;
}
cudaError_t cudaGetLastError() {
  const cudaError_t e = last_error;
  last_error = cudaSuccess;
  return e;
}
cudaError_t cudaDeviceSynchronize() {
  return cudaSuccess;
}
const char* cudaGetErrorName(cudaError_t e) {
  switch (e) {
    case cudaSuccess: return "cudaSuccess";
    case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
    case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
    case cudaErrorIllegalAddress: return "cudaErrorIllegalAddress";
    case cudaErrorLaunchFailure: return "cudaErrorLaunchFailure";
    case cudaErrorAssert: return "cudaErrorAssert";
    case cudaErrorIllegalInstruction: return "cudaErrorIllegalInstruction";
    case cudaErrorMisalignedAddress: return "cudaErrorMisalignedAddress";
    default: return "cudaErrorUnknown";
  }
}
const char* cudaGetErrorString(cudaError_t e) {
  switch (e) {
    case cudaSuccess: return "no error";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorIllegalAddress: return "an illegal memory access was encountered";
    default: return cudaGetErrorName(e);
  }
}

cudaError_t cudaMalloc(void** p, size_t bytes) {
  std::lock_guard<std::mutex> lock(mutex);
  *p = nullptr;
  if (bytes > total_bytes() - allocated) return last_error = cudaErrorMemoryAllocation;
  void* m = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
  if (m == nullptr) return last_error = cudaErrorMemoryAllocation;
  allocations[m] = bytes;
  allocated += bytes;
  *p = m;
  return cudaSuccess;
}
cudaError_t cudaFree(void* p) {
  if (p == nullptr) return cudaSuccess;
  std::lock_guard<std::mutex> lock(mutex);
  const auto it = allocations.find(p);
  if (it == allocations.end()) return last_error = cudaErrorInvalidValue;
  allocated -= it->second;
  allocations.erase(it);
  std::free(p);
  return cudaSuccess;
}
cudaError_t cudaMemcpy(void* dst, const void* src, size_t bytes, cudaMemcpyKind) {
  return run_or_record(nullptr, [=] { std::memcpy(dst, src, bytes); });
}
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind, cudaStream_t s) {
  return run_or_record(s, [=] { std::memcpy(dst, src, bytes); });
}
cudaError_t cudaMemcpy2D(void* dst, size_t dpitch, const void* src, size_t spitch, size_t width, size_t height,
                         cudaMemcpyKind) {
  if (width > dpitch || width > spitch) return last_error = cudaErrorInvalidValue;  // as the runtime checks
  return run_or_record(nullptr, [=] { copy_2d(dst, dpitch, src, spitch, width, height); });
}
cudaError_t cudaMemcpy2DAsync(void* dst, size_t dpitch, const void* src, size_t spitch, size_t width,
                              size_t height, cudaMemcpyKind, cudaStream_t s) {
  if (width > dpitch || width > spitch) return last_error = cudaErrorInvalidValue;
  return run_or_record(s, [=] { copy_2d(dst, dpitch, src, spitch, width, height); });
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t* s, unsigned) {
  *s = new CUstream_st;
  return cudaSuccess;
}
cudaError_t cudaStreamDestroy(cudaStream_t s) {
  delete s;
  return cudaSuccess;
}
cudaError_t cudaStreamSynchronize(cudaStream_t s) {
  // Synchronising a capturing stream is an error on a GPU too.
  return s != nullptr && s->capturing ? (last_error = cudaErrorStreamCaptureUnsupported) : cudaSuccess;
}
cudaError_t cudaStreamBeginCapture(cudaStream_t s, cudaStreamCaptureMode) {
  if (s == nullptr || s->capturing) return last_error = cudaErrorInvalidValue;
  s->capturing = true;
  s->recorded.clear();
  return cudaSuccess;
}
cudaError_t cudaStreamEndCapture(cudaStream_t s, cudaGraph_t* graph) {
  if (s == nullptr || !s->capturing) return last_error = cudaErrorInvalidValue;
  s->capturing = false;
  *graph = new CUgraph_st{std::move(s->recorded)};
  s->recorded.clear();
  return cudaSuccess;
}
cudaError_t cudaGraphInstantiate(cudaGraphExec_t* exec, cudaGraph_t graph, unsigned long long) {
  *exec = new CUgraphExec_st{graph->ops};
  return cudaSuccess;
}
cudaError_t cudaGraphLaunch(cudaGraphExec_t exec, cudaStream_t s) {
  for (const auto& op : exec->ops) run_or_record(s, op);
  return cudaSuccess;
}
cudaError_t cudaGraphExecDestroy(cudaGraphExec_t exec) {
  delete exec;
  return cudaSuccess;
}
cudaError_t cudaGraphDestroy(cudaGraph_t graph) {
  delete graph;
  return cudaSuccess;
}

namespace wafer::emulated {
void launch(cudaStream_t s, std::function<void()> work) {
  run_or_record(s, std::move(work));
}
unsigned long long operations_run() {
  return operations;
}
}  // namespace wafer::emulated
