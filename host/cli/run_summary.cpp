#include "host/cli/run_summary.h"

#include <cstdio>

namespace wafer::cli {

CycleSplit cycle_split(const Engine& e, uint64_t cycles, uint64_t pes) {
  const auto t = e.counter_totals();
  CycleSplit s;
  s.pe_cycles = cycles * pes;
  s.busy = t[kCtrBusy];
  s.stall_in = t[kCtrStallFabricIn];
  s.stall_out = t[kCtrStallFabricOut];
  s.stall_other = t[kCtrStallSlot] + t[kCtrStallThread];
  const uint64_t used = s.busy + s.stall_in + s.stall_out + s.stall_other;
  s.idle = s.pe_cycles > used ? s.pe_cycles - used : 0;
  return s;
}

void print_run(const Engine& e, const RunResult& r, uint64_t pes, double seconds) {
  std::printf("stopped at cycle %llu: %s\n", (unsigned long long)e.cycle(), stop_reason_name(r.reason));
  if (r.trap) std::printf("%s\n", r.trap->describe().c_str());
  if (r.stall) std::printf("%s\n", r.stall->describe().c_str());
  const CycleSplit s = cycle_split(e, e.cycle(), pes);
  const auto t = e.counter_totals();
  std::printf("cycles %llu on %llu PEs (%.3f us at 850 MHz)\n", (unsigned long long)e.cycle(),
              (unsigned long long)pes, double(e.cycle()) / 850.0);
  std::printf(
      "PE-cycles: busy %.1f%%, waiting on fabric input %.1f%%, on fabric output %.1f%%, other stalls %.1f%%, "
      "idle %.1f%%\n",
      100 * s.fraction(s.busy), 100 * s.fraction(s.stall_in), 100 * s.fraction(s.stall_out),
      100 * s.fraction(s.stall_other), 100 * s.fraction(s.idle));
  std::printf("wavelets on links %llu; arithmetic-slot uses %llu\n", (unsigned long long)t[kCtrWaveletsOut],
              (unsigned long long)t[kCtrArith]);
  if (seconds > 0 && e.cycle() > 0) {
    std::printf("emulation: %.3f s, %.3g PE-cycles/s (%s engine)\n", seconds,
                double(e.cycle()) * double(pes) / seconds, e.name());
  }
}

void json_run(JsonWriter& j, const Engine& e, const RunResult& r, uint64_t pes, double seconds) {
  const CycleSplit s = cycle_split(e, e.cycle(), pes);
  j.field("engine", e.name())
      .field("stop", stop_reason_name(r.reason))
      .field("cycles", e.cycle())
      .field("pes", pes);
  j.field("seconds", seconds)
      .field("pe_cycles_per_second", seconds > 0 ? double(r.cycles) * double(pes) / seconds : 0.0);
  j.key("split").begin_object();
  j.field("busy", s.fraction(s.busy)).field("stall_fabric_in", s.fraction(s.stall_in));
  j.field("stall_fabric_out", s.fraction(s.stall_out)).field("stall_other", s.fraction(s.stall_other));
  j.field("idle", s.fraction(s.idle)).end_object();
  j.key("counters").begin_object();
  const auto t = e.counter_totals();
  for (uint32_t c = 0; c < kCounterCount; ++c) j.field(counter_name(c), t[c]);
  j.end_object();
  if (r.trap) j.field("trap", r.trap->describe());
  if (r.stall) j.field("stall", r.stall->describe());
}

}  // namespace wafer::cli
