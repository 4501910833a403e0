// Printing what a run did: stop reason, cycles, where the PEs' cycles went, throughput.
#pragma once
#include <string>

#include "host/cli/json.h"
#include "host/engine/engine.h"

namespace wafer::cli {

struct CycleSplit {
  uint64_t pe_cycles = 0;  // cycles x PEs
  uint64_t busy = 0, stall_in = 0, stall_out = 0, stall_other = 0, idle = 0;
  double fraction(uint64_t v) const { return pe_cycles ? double(v) / double(pe_cycles) : 0.0; }
};
CycleSplit cycle_split(const Engine& e, uint64_t cycles, uint64_t pes);

// Rates count every cycle since load: `seconds` must time all of them.
void print_run(const Engine& e, const RunResult& r, uint64_t pes, double seconds);
void json_run(JsonWriter& j, const Engine& e, const RunResult& r, uint64_t pes, double seconds);

}  // namespace wafer::cli
