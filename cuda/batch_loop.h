// The host side of a CUDA run: enqueue cycles in batches without synchronising, read run control after each
// batch, stop when it says so. A template over the two device actions so the CPU tests can drive it with an
// emulated device (tests/cuda/step_thread_test.cpp) and the engine with the real one.
#pragma once
#include <algorithm>
#include <cstdint>

#include "host/model/error.h"
#include "host/model/run_control.h"

namespace wafer {

// enqueue(cycles, whole): enqueue that many cycles; whole = a full batch, which may be replayed as a graph.
// read(): wait for them and return the run control's progress.
// Never enqueues more cycles than max_cycles leaves: the surplus would be no-op launches, but a short run
// (tests step one cycle at a time) should not pay for a whole batch of them.
// resync(): called (once) when enqueue or read throws, before the error propagates. Batches before the
// failing one may have run on the device, so the host's cycle count (and with it the double-buffer parity of
// the next run) must be brought in line with the device's, or the engine marked as needing a reload;
// resync must not throw.
template <class Enqueue, class Read, class Resync>
RunProgress run_batches(uint64_t max_cycles, uint32_t batch_cycles, Enqueue&& enqueue, Read&& read,
                        Resync&& resync) {
  RunProgress progress;
  try {
    while (progress.stop == kRunOn) {
      const uint32_t batch = uint32_t(std::min<uint64_t>(batch_cycles, max_cycles - progress.cycles_done));
      // after_cycle stops at max_cycles, so a zero batch here would mean a run that never ends.
      if (batch == 0) throw Error("internal: run control did not stop at the cycle limit");
      enqueue(batch, batch == batch_cycles);
      progress = read();
    }
  } catch (...) {
    resync();
    throw;
  }
  return progress;
}

}  // namespace wafer
