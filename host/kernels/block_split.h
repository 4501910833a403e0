// Split of `total` items into `parts` blocks whose sizes differ by at most one (the first ones larger):
// how the FC kernel divides W's rows over lanes and its columns over chain positions.
#pragma once
#include <algorithm>
#include <cstdint>

namespace wafer {

struct BlockSplit {
  uint32_t total = 0, parts = 0;
  uint32_t size(uint32_t i) const { return total / parts + (i < total % parts ? 1 : 0); }
  uint32_t start(uint32_t i) const { return i * (total / parts) + std::min(i, total % parts); }
  uint32_t max_size() const { return total / parts + (total % parts ? 1 : 0); }
};

}  // namespace wafer
