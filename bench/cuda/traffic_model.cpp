// Traffic per PE-cycle from the access recording (see traffic_model.h).
#include "bench/cuda/traffic_model.h"

#include <algorithm>

#include "tests/race/race_run.h"

namespace wafer::bench {

TrafficSample sample_traffic(MachineState state, uint64_t first_cycle, const Image& image, uint64_t max_cycles,
                             uint64_t pe_cycle_budget) {
  const uint64_t pes = std::max<uint64_t>(1, image.pe_count());
  const uint64_t cycles = std::max<uint64_t>(1, std::min(max_cycles, pe_cycle_budget / pes));
  race::RaceRunOptions o;
  o.max_cycles = cycles;
  o.until_quiescent = true;
  o.watchdog_cycles = cycles + 1;  // a sample, not a run: never a stall report
  o.check_races = false;
  o.start = &state;
  o.first_cycle = first_cycle;
  const race::RaceRunResult r = race::run_recorded(image, o);
  TrafficSample s;
  s.first_cycle = o.first_cycle;
  s.cycles = r.cycles;
  s.active_pe_cycles = r.traffic.active_pe_cycles;
  s.idle_pe_cycles = r.traffic.idle_pe_cycles;
  s.bytes_per_active = r.traffic.per_active();
  s.bytes_per_idle = r.traffic.idle_pe_cycles ? r.traffic.per_idle() : double(kIdlePeBytes);
  return s;
}

}  // namespace wafer::bench
