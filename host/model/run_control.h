// Run control, evaluated after every cycle by every engine (on the device too), so that all engines
// stop at exactly the same cycle for the same reason.
#pragma once
#include <cstdint>

#include "host/model/hd.h"

namespace wafer {

enum StopCode : uint32_t { kRunOn = 0, kStopCycleLimit, kStopQuiescent, kStopOutputs, kStopTrap, kStopStall };

struct RunLimits {
  uint64_t max_cycles;
  uint64_t watchdog_cycles;
  uint64_t output_count;
  int32_t output_stream;     // -1: no output condition
  uint32_t until_quiescent;  // 0 or 1
};

struct RunProgress {
  uint64_t cycles_done = 0;   // cycles run in this call
  uint64_t quiet_cycles = 0;  // consecutive cycles with pending work and no progress
  uint32_t stop = kRunOn;
};

// What one cycle did, summed over the machine (OR of the per-PE and per-stream results).
struct CycleSummary {
  bool progress;  // anything moved or computed
  bool pending;   // anything in flight or runnable
  bool trapped;   // a PE trapped or an output stream overflowed
};

WAFER_HD inline uint32_t after_cycle(RunProgress& r, const RunLimits& lim, const CycleSummary& s,
                                     uint64_t watched_output_received) {
  r.cycles_done += 1;
  r.quiet_cycles = (s.pending && !s.progress) ? r.quiet_cycles + 1 : 0;
  if (s.trapped)
    r.stop = kStopTrap;
  else if (lim.output_stream >= 0 && watched_output_received >= lim.output_count)
    r.stop = kStopOutputs;
  else if (lim.until_quiescent && !s.pending)
    r.stop = kStopQuiescent;
  else if (r.quiet_cycles >= lim.watchdog_cycles)
    r.stop = kStopStall;
  else if (r.cycles_done >= lim.max_cycles)
    r.stop = kStopCycleLimit;
  return r.stop;
}

}  // namespace wafer
