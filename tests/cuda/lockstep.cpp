// The lockstep comparison (see lockstep.h).
#include "tests/cuda/lockstep.h"

#include <algorithm>
#include <sstream>

namespace wafer::test {

namespace {

std::string engine_label(const std::vector<Engine*>& engines, size_t i) {
  return std::string(engines[i]->name()) + " engine #" + std::to_string(i);
}

// The first cycle whose state differs between engines[0] and engines[other], found by replaying from the
// start: `good` cycles together, then one cycle at a time. Replays with the watchdog off, so the replay
// cannot stop where the checkpointed run did not.
std::string locate(const Image& image, const std::vector<Engine*>& engines, size_t other, uint64_t good,
                   uint64_t bad) {
  Engine& a = *engines[0];
  Engine& b = *engines[other];
  a.load(image);
  b.load(image);
  RunRequest q;
  q.watchdog_cycles = 0;
  if (good > 0) {
    q.max_cycles = good;
    a.run(q);
    b.run(q);
  }
  std::string diff = a.snapshot().first_difference(b.snapshot());
  if (!diff.empty()) return "already at cycle " + std::to_string(a.cycle()) + " on replay: " + diff;
  q.max_cycles = 1;
  for (uint64_t t = good; t < bad; ++t) {
    const RunResult ra = a.run(q), rb = b.run(q);
    diff = a.snapshot().first_difference(b.snapshot());
    if (!diff.empty()) {
      return "first differing state after stepping cycle t=" + std::to_string(t) + " (machine cycle count " +
             std::to_string(a.cycle()) + "): " + diff;
    }
    if (ra.cycles == 0 || rb.cycles == 0) break;  // stopped (trap): no further cycle to step
  }
  return "the replay one cycle at a time did not reproduce the difference between cycles " +
         std::to_string(good) + " and " + std::to_string(bad);
}

std::string compare_results(const RunResult& a, const RunResult& b) {
  if (a.reason != b.reason || a.cycles != b.cycles || a.describe() != b.describe()) {
    return "run results differ:\n  reference: " + a.describe() + "\n  other:     " + b.describe();
  }
  return "";
}

}  // namespace

LockstepOutcome run_lockstep(const Image& image, const std::vector<Engine*>& engines,
                             const LockstepOptions& o) {
  LockstepOutcome out;
  for (Engine* e : engines) e->load(image);
  uint64_t done = 0;
  while (done < o.cycles) {
    RunRequest q;
    q.max_cycles = std::min(o.checkpoint, o.cycles - done);
    q.until_quiescent = o.until_quiescent;
    q.watchdog_cycles = o.watchdog_cycles;
    std::vector<RunResult> results;
    for (Engine* e : engines) results.push_back(e->run(q));
    const MachineState reference = engines[0]->snapshot();
    for (size_t i = 1; i < engines.size(); ++i) {
      std::string why = compare_results(results[0], results[i]);
      const std::string diff = reference.first_difference(engines[i]->snapshot());
      if (why.empty() && diff.empty()) continue;
      std::ostringstream m;
      m << engine_label(engines, i) << " differs from " << engine_label(engines, 0)
        << " at the checkpoint after cycle " << done + results[0].cycles << " (last equal checkpoint: cycle "
        << done << ")";
      if (!why.empty()) m << "\n" << why;
      if (!diff.empty()) {
        m << "\nstate: " << diff << "\n" << locate(image, engines, i, done, done + q.max_cycles);
      }
      out.mismatch = m.str();
      return out;
    }
    done += results[0].cycles;
    out.cycles = done;
    out.last = results[0];
    out.state = reference;
    if (results[0].reason != StopReason::kCycleLimit) break;
  }
  return out;
}

}  // namespace wafer::test
