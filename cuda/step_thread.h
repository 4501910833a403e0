// What one thread of the per-cycle kernels does, as plain __host__ __device__ functions: the kernels in
// step_kernels.cu are thin wrappers around them, and tests/cuda/step_thread_test.cpp runs the very same code
// on the CPU, in scrambled thread orders and with batches that run past a stop, against the CPU engine.
#pragma once
#include <cstdint>
#include <numeric>

#include "host/model/cycle.h"
#include "host/model/hd.h"
#include "host/model/run_control.h"
#include "host/model/state.h"

namespace wafer {

// Run control in device memory. The host writes it before a run and reads it after each batch.
struct DeviceControl {
  RunProgress progress;
  RunLimits limits;
  uint64_t cycle = 0;    // t of the next cycle to step (the machine's cycle count)
  uint32_t summary = 0;  // kSummary* bits of the cycle being stepped; cleared by run_control_step
  uint32_t pad = 0;
};

inline constexpr uint32_t kSummaryProgress = 1u << 0;
inline constexpr uint32_t kSummaryPending = 1u << 1;
inline constexpr uint32_t kSummaryTrapped = 1u << 2;

// Threads of one cycle: one per PE, then one per input stream, then one per output stream.
WAFER_HD inline uint64_t cycle_threads(const MachineView& v) {
  return uint64_t(v.n) + v.in_count + v.out_count;
}

// Steps what thread i owns in cycle t and returns its kSummary* bits. Threads past cycle_threads(v) own
// nothing and return 0 (the kernel rounds the grid up to whole blocks).
WAFER_HD inline uint32_t step_thread(const MachineView& v, uint64_t i, uint64_t t) {
  const uint64_t n = v.n;
  bool progress = false, pending = false, trapped = false;
  if (i < n) {
    const StepResult r = PeCycle(v, uint32_t(i), t).run();
    progress = r.progress;
    pending = r.has_work;
    // Trapped is sticky; run control asks whether any PE is trapped, as the CPU engine does.
    trapped = (v.flags[i] & kFlagTrapped) != 0;
  } else if (i < n + v.in_count) {
    pending = step_in_stream(v, uint32_t(i - n), t, &progress);
  } else if (i < n + v.in_count + v.out_count) {
    const uint32_t j = uint32_t(i - n - v.in_count);
    step_out_stream(v, j, t, &progress);
    trapped = v.out_overflow[j] != 0;
  }
  return (progress ? kSummaryProgress : 0u) | (pending ? kSummaryPending : 0u) |
         (trapped ? kSummaryTrapped : 0u);
}

// Debug launch option (CudaLaunchConfig::permute_threads): thread i of a cycle steps what thread
// order(i) would own, a bijection of [0, threads) that scatters PEs and streams across warps and blocks. The
// cycle function's contract makes every order give the same state; tests/cuda compares the two in lockstep,
// so a hidden dependence on which PEs share a warp or run first shows up as a difference. i -> (i * mul + add)
// mod threads is a bijection whenever gcd(mul, threads) == 1; threads past `threads` (the grid is rounded up
// to whole blocks) keep their index and own nothing.
struct ThreadOrder {
  uint64_t threads = 0;
  uint64_t mul = 1;
  uint64_t add = 0;
};
WAFER_HD inline uint64_t ordered_thread(const ThreadOrder& o, uint64_t i) {
  // i < threads < 2^33 and mul < threads: the product fits in 64 bits.
  return i < o.threads ? (i * o.mul + o.add) % o.threads : i;
}
// A scattering order: mul near threads / golden ratio (neighbouring threads land far apart), coprime to
// threads; add shifts thread 0 away from PE 0.
inline ThreadOrder permuted_order(uint64_t threads) {
  ThreadOrder o{threads, 1, 0};
  if (threads < 3) return o;
  uint64_t mul = uint64_t(double(threads) * 0.6180339887) | 1u;
  while (std::gcd(mul, threads) != 1) mul += 2;
  o.mul = mul % threads;
  o.add = threads / 3;
  return o;
}

// After every thread of a cycle has ORed its bits into c.summary: the CPU engine's after_cycle on the same
// inputs. Engines refuse to watch a stream that does not exist (run_limits); should one get here anyway it
// counts as having received nothing.
WAFER_HD inline void run_control_step(DeviceControl& c, const uint64_t* out_received, uint32_t out_count) {
  if (c.progress.stop != kRunOn) return;
  const uint32_t bits = c.summary;
  c.summary = 0;
  const CycleSummary s{(bits & kSummaryProgress) != 0, (bits & kSummaryPending) != 0,
                       (bits & kSummaryTrapped) != 0};
  const int32_t watched = c.limits.output_stream;
  const uint64_t received = watched >= 0 && uint32_t(watched) < out_count ? out_received[watched] : 0;
  after_cycle(c.progress, c.limits, s, received);
  c.cycle += 1;
}

}  // namespace wafer
