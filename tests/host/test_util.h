// Small helpers shared by the host tests.
#pragma once
#include <gtest/gtest.h>

#include <cstring>

#include "host/engine/engine.h"
#include "host/image/kernel_builder.h"
#include "host/model/cycle.h"
#include "host/model/error.h"

namespace wafer::test {

inline std::unique_ptr<Engine> cpu(unsigned threads = 1) {
  return make_engine("cpu", {.threads = threads});
}

// Runs exactly n cycles (fails the test if the run stops early).
inline void run_cycles(Engine& e, uint64_t n) {
  if (n == 0) return;
  const RunResult r = e.run({.max_cycles = n, .watchdog_cycles = 0});
  ASSERT_EQ(r.reason, StopReason::kCycleLimit) << r.describe();
  ASSERT_EQ(r.cycles, n);
}

inline RunResult run_quiet(Engine& e, uint64_t max_cycles = 100000, uint64_t watchdog = 1000) {
  return e.run({.max_cycles = max_cycles, .until_quiescent = true, .watchdog_cycles = watchdog});
}

inline uint32_t core_queue_count(const MachineState& s, uint32_t x, uint32_t y, uint32_t color) {
  return count_of(s.cq_count[uint64_t(y) * s.width + x], color);
}

inline uint32_t fbits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

}  // namespace wafer::test
