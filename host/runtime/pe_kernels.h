// Which kernel each PE runs, rasterised once from an image's placements (later placements override earlier
// ones, as the engines apply them), so that name lookups over a rectangle cost one array read per PE.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "host/image/image.h"

namespace wafer {

class PeKernels {
 public:
  PeKernels() = default;
  explicit PeKernels(const Image& image);
  // Kernel index of PE(x, y), or kNoKernel. The caller has checked (x, y) is on the grid.
  uint32_t at(uint32_t x, uint32_t y) const { return kernel_[uint64_t(y) * width_ + x]; }

 private:
  uint32_t width_ = 0;
  std::vector<uint32_t> kernel_;
};

// "PE(x,y)"
std::string pe_name(uint32_t x, uint32_t y);

}  // namespace wafer
