// One device allocation, owned: freed on destruction, move-only.
#pragma once
#include <cstdint>
#include <utility>

#include "cuda/cuda_check.h"

namespace wafer {

class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  // Zero bytes allocate nothing (get() == nullptr): empty arrays of the state cost no device memory.
  explicit DeviceBuffer(uint64_t bytes) : bytes_(bytes) {
    if (bytes > 0) WAFER_CUDA_CHECK(cudaMalloc(&data_, bytes));
  }
  ~DeviceBuffer() { reset(); }
  DeviceBuffer(DeviceBuffer&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), bytes_(std::exchange(o.bytes_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    if (this != &o) {
      reset();
      data_ = std::exchange(o.data_, nullptr);
      bytes_ = std::exchange(o.bytes_, 0);
    }
    return *this;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  void* get() const { return data_; }
  template <class T>
  T* as() const {
    return static_cast<T*>(data_);
  }
  uint64_t bytes() const { return bytes_; }

  // A destructor must not throw; a failing cudaFree here means the context is already broken, and the
  // error that broke it has been (or will be) reported by a checked call.
  void reset() noexcept {
    if (data_ != nullptr) (void)cudaFree(data_);
    data_ = nullptr;
    bytes_ = 0;
  }

 private:
  void* data_ = nullptr;
  uint64_t bytes_ = 0;
};

}  // namespace wafer
