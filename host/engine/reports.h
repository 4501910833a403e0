// Turning a stopped machine's state into the reports users read: who trapped and why, who waits on what.
// Shared by all engines (the CUDA engine downloads its state first).
#pragma once
#include <cstdint>
#include <optional>

#include "host/engine/engine.h"
#include "host/engine/machine_state.h"
#include "host/model/run_control.h"

namespace wafer {

// The first trap by (cycle, PE index); an output-stream overflow counts as a trap at `cycle`.
// Precondition: some PE has kFlagTrapped or some output stream overflowed.
TrapReport find_trap(const MachineState& s, uint64_t cycle);

// What every PE with pending work waits on (at most `max_lines` lines, the rest counted).
StallReport describe_stall(const MachineState& s, uint64_t cycle, uint64_t quiet_cycles,
                           size_t max_lines = 32);

// Maps a run-control stop code to a RunResult, adding the trap or stall report from `s` when needed.
RunResult make_run_result(uint32_t stop_code, uint64_t cycles_run, uint64_t end_cycle, uint64_t quiet_cycles,
                          const MachineState& s);

// What run() returns without stepping, the same on every engine: a machine stopped by a trap or a stall
// repeats its report with 0 cycles, and a request for 0 cycles returns at once. nullopt: go ahead and run.
std::optional<RunResult> result_without_running(const std::optional<RunResult>& stopped,
                                                const RunLimits& limits);

// Converts the engine-level request into the limits the run control evaluates after every cycle. Throws
// wafer::Error when the request watches an output stream the image does not have (of `out_streams`).
RunLimits run_limits(const RunRequest& request, size_t out_streams);

}  // namespace wafer
