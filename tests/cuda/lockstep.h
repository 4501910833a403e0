// Engine-vs-engine comparison: run the same image on several engines in checkpoints and compare the run
// results and the whole state with == (MachineState::first_difference) at each one. On a mismatch, replay
// one cycle at a time from the last equal checkpoint to name the first cycle whose state differs.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "host/engine/engine.h"

namespace wafer::test {

struct LockstepOptions {
  uint64_t cycles = 500;      // cycles to run, unless the machine stops first
  uint64_t checkpoint = 100;  // compare every this many cycles
  bool until_quiescent = false;
  uint64_t watchdog_cycles = 2000;
};

struct LockstepOutcome {
  std::string mismatch;  // "" when every engine agreed at every checkpoint
  uint64_t cycles = 0;   // cycles the reference ran
  RunResult last;        // the reference's last run result
  MachineState state;    // the reference's final state
};

// engines[0] is the reference. Every engine is (re)loaded with `image`.
LockstepOutcome run_lockstep(const Image& image, const std::vector<Engine*>& engines,
                             const LockstepOptions& options);

}  // namespace wafer::test
