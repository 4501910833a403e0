#include "host/engine/activity_map.h"

namespace wafer {

void ActivityMap::reset(const MachineState& s, int64_t t) {
  height_ = s.height;
  segs_ = (s.width + kSegmentWidth - 1) / kSegmentWidth;
  const uint64_t count = uint64_t(segs_) * s.height;
  last_busy_ = std::make_unique<std::atomic<int64_t>[]>(count);
  constexpr int64_t kNever = INT64_MIN / 2;
  for (uint64_t i = 0; i < count; ++i) last_busy_[i].store(kNever, std::memory_order_relaxed);
  always_.assign(count, 0);
  for (uint64_t p = 0; p < s.n; ++p) {
    if (s.flags[p] & kFlagHasWork) mark_pe(uint32_t(p % s.width), uint32_t(p / s.width), t);
  }
  for (const auto& in : s.in_info)
    always_[uint64_t(in.pe / s.width) * segs_ + (in.pe % s.width) / kSegmentWidth] = 1;
}

}  // namespace wafer
