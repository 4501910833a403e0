#include "host/runtime/run_outcome.h"

namespace wafer {

std::string RunOutcome::failure(bool allow_partial) const {
  if (result.trap) return result.trap->describe();
  if (result.stall) return result.stall->describe();
  if (cycle_limit_with_work_pending() && !allow_partial) {
    return "the cycle limit stopped the run after " + std::to_string(result.cycles) +
           " cycles with work still pending (not quiescent)";
  }
  std::string out;
  for (const ShortStream& s : short_streams) {
    out += (out.empty() ? "" : "\n") + std::string("output stream '") + s.name + "' received " +
           std::to_string(s.received) + " of the " + std::to_string(s.expected) +
           " wavelets the program expects, and the run ended quiescent";
  }
  return out;
}

}  // namespace wafer
