// Which PEs the CPU engine must step in a cycle, so that its cost follows the active part of the grid.
//
// The grid is cut into segments of kSegmentWidth PEs of one row. Stepping an idle PE is a no-op once both
// buffers of its published queue counts are zero and nothing arrives on its links, which holds when no PE
// of its segment or of the four neighbouring segments had work at the end of the previous two cycles:
// a wavelet arriving in cycle t was sent by a neighbour with work at the end of t - 1, and an idle PE
// clears its stale count buffer in the second cycle after it last had work (model/cycle.h). (That buffer
// is in fact always zero by then, since a PE whose router queue drains still has work for one more cycle;
// waiting two cycles does not lean on that argument and costs one extra step.) Segments with
// an input stream's PE are always stepped (a stream may inject in any cycle).
//
// Threads mark their own segments while others read them in the same cycle; reads then see the value of
// the previous cycle or a newer one, which can only make a segment be stepped, never skipped, wrongly.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "host/engine/machine_state.h"

namespace wafer {

class ActivityMap {
 public:
  static constexpr uint32_t kSegmentWidth = 32;

  // Marks the segments of PEs that have work in `s` as busy at cycle `t`.
  void reset(const MachineState& s, int64_t t);
  uint32_t segments_per_row() const { return segs_; }
  bool must_step(uint32_t y, uint32_t seg, int64_t t) const {
    if (always_[uint64_t(y) * segs_ + seg]) return true;
    const int64_t since = t - 2;
    if (last(y, seg) >= since) return true;
    if (seg > 0 && last(y, seg - 1) >= since) return true;
    if (seg + 1 < segs_ && last(y, seg + 1) >= since) return true;
    if (y > 0 && last(y - 1, seg) >= since) return true;
    return y + 1 < height_ && last(y + 1, seg) >= since;
  }
  void mark(uint32_t y, uint32_t seg, int64_t t) {
    last_busy_[uint64_t(y) * segs_ + seg].store(t, std::memory_order_relaxed);
  }
  void mark_pe(uint32_t x, uint32_t y, int64_t t) { mark(y, x / kSegmentWidth, t); }

 private:
  int64_t last(uint32_t y, uint32_t seg) const {
    return last_busy_[uint64_t(y) * segs_ + seg].load(std::memory_order_relaxed);
  }
  uint32_t height_ = 0, segs_ = 0;
  std::unique_ptr<std::atomic<int64_t>[]> last_busy_;
  std::vector<uint8_t> always_;
};

}  // namespace wafer
