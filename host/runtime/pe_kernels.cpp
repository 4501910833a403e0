#include "host/runtime/pe_kernels.h"

#include <algorithm>

#include "host/model/constants.h"

namespace wafer {

PeKernels::PeKernels(const Image& image) : width_(image.width), kernel_(uint64_t(image.pe_count()), kNoKernel) {
  for (const Placement& pl : image.placements) {
    for (uint32_t y = pl.rect.y; y < pl.rect.y + pl.rect.h; ++y) {
      std::fill_n(kernel_.begin() + int64_t(uint64_t(y) * width_ + pl.rect.x), pl.rect.w, pl.kernel);
    }
  }
}

std::string pe_name(uint32_t x, uint32_t y) {
  return "PE(" + std::to_string(x) + "," + std::to_string(y) + ")";
}

}  // namespace wafer
