// What Runtime::run reports: the engine's result plus the checks that make a run a success or a failure
// (no silent success): a trap or stall, the cycle limit reached with work pending, an output stream that
// ended a quiescent run with fewer wavelets than the program expects (OutStream::expect).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "host/engine/engine.h"

namespace wafer {

struct RunOptions {
  uint64_t max_cycles = 10000000;  // cycles this call may run
  bool until_quiescent = true;     // stop when nothing is in flight and nothing is runnable
  uint64_t watchdog_cycles = 10000;
  std::string output_stream = {};  // with output_count: stop once this stream has received that many wavelets
  uint64_t output_count = 0;
  // Observation (RunRequest's): a trace recorder, a callback every progress_every cycles.
  TraceRecorder* trace = nullptr;
  std::function<void(uint64_t cycle)> on_progress = nullptr;
  uint64_t progress_every = 0;
};

struct ShortStream {
  std::string name;
  uint64_t received = 0, expected = 0;
};

struct RunOutcome {
  RunResult result;
  bool until_quiescent = true;             // what was asked: a cycle-limit stop is a failure only then
  std::vector<ShortStream> short_streams;  // checked when the run ended quiescent

  // True when the cycle limit stopped a run that was asked to reach quiescence (work is still pending).
  bool cycle_limit_with_work_pending() const {
    return until_quiescent && result.reason == StopReason::kCycleLimit;
  }
  // "" when the run succeeded; else one line per failure. `allow_partial` treats max_cycles as a budget:
  // reaching it with work pending is then not a failure.
  std::string failure(bool allow_partial = false) const;
  bool ok(bool allow_partial = false) const { return failure(allow_partial).empty(); }
};

}  // namespace wafer
