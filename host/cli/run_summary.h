// Printing what a run did: stop reason, cycles, where the PEs' cycles went, throughput; traps and stalls
// (text, or JSON objects with fields); the output streams.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/engine/engine.h"

namespace wafer::cli {

struct CycleSplit {
  uint64_t pe_cycles = 0;  // cycles x PEs
  uint64_t busy = 0, stall_in = 0, stall_out = 0, stall_other = 0, idle = 0;
  double fraction(uint64_t v) const { return pe_cycles ? double(v) / double(pe_cycles) : 0.0; }
};
CycleSplit cycle_split(const Engine& e, uint64_t cycles, uint64_t pes);

// Rates count every cycle since load (Engine::cycle()): `seconds` must time all of them.
void print_run(const Engine& e, const RunResult& r, uint64_t pes, double seconds);
// The same figures as print_run, as fields added to the object `j`: "engine", "stop", "cycles", "pes",
// "seconds", "pe_cycles_per_second", "split" {...}, "counters" {...}, and "trap" and "stall" objects
// (json_trap, json_stall) when the run had one.
void json_run(nlohmann::ordered_json& j, const Engine& e, const RunResult& r, uint64_t pes, double seconds);

// {"x", "y", "cycle", "cause", "cause_code", "pc" (null: the router), "kernel", "task", "task_id"
// (null: none), "file", "line" (0: unknown), "details", "message" (describe())}.
nlohmann::ordered_json json_trap(const TrapReport& t);
// {"cycle", "quiet_cycles", "waiting_pes", "pes": [{"x", "y", "kernel", "task", "task_id", "pc", "file",
// "line", "waits"}], "lines": [...], "groups": [{"pes", "bounds", "kernel", "task", "file", "line", "first_x",
// "first_y", "waits"}], "message"}.
nlohmann::ordered_json json_stall(const StallReport& s);

// How an output stream's words read. Images do not record a payload type, so it is inferred per stream:
// float32 when every word is a normal float, zero or infinite, int32 otherwise (an integer below 2^23 reads as a
// denormal float, a small negative one as a NaN; neither is a plausible result of fp32 arithmetic).
enum class PayloadType { kFloat32, kInt32 };
PayloadType payload_type(const std::vector<Wavelet>& words);
const char* payload_type_name(PayloadType t);  // "float32", "int32"

// "output 'y': 1024 wavelet(s) 0 0.5 1 ... (8 of 1024 shown; --outputs N shows more)", one line per
// stream, up to `show` values each, printed in the stream's type.
void print_outputs(const Engine& e, const Image& im, uint64_t show);
// The "outputs" array: [{"name", "received", "expect", "type", "values" (the first `show`), "shown",
// "truncated"}]; an infinite float32 value prints as null (json_text).
nlohmann::ordered_json json_outputs(const Engine& e, const Image& im, uint64_t show);

}  // namespace wafer::cli
