// Bytes of device memory the step kernel moves per PE-cycle, from the code path of PeCycle::run()
// (host/model/cycle.h). Measuring DRAM traffic needs a profiler (docs/cuda-engine.md gives the Nsight Compute
// command); what the benchmark can state without one is the floor that every PE pays every cycle.
#pragma once
#include <cstdint>

namespace wafer::bench {

// An idle PE (no work, nothing arriving) reads its flags word (4 B), the four link-metadata words addressed
// to it (16 B) and its next-buffer queue counts (8 B, written back only when stale). Exact for idle PEs; a
// floor for active ones, which touch their queues, registers, op slots, counters and SRAM as well.
inline constexpr uint64_t kIdlePeBytes = 4 + 4 * 4 + 8;

}  // namespace wafer::bench
