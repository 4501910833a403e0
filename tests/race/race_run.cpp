// The race checker's driver (see race_run.h).
#include "tests/race/race_run.h"

#include <algorithm>

#include "host/model/cycle.h"

namespace wafer::race {

void Traffic::add(const Traffic& o) {
  idle_pe_cycles += o.idle_pe_cycles, idle_bytes += o.idle_bytes;
  active_pe_cycles += o.active_pe_cycles, active_bytes += o.active_bytes;
  trapped_pe_cycles += o.trapped_pe_cycles, trapped_bytes += o.trapped_bytes;
  idle_min = std::min(idle_min, o.idle_min), idle_max = std::max(idle_max, o.idle_max);
}

RaceRunResult run_recorded(const Image& image, const RaceRunOptions& options) {
  RaceRunResult out;
  out.state = options.start != nullptr ? std::move(*options.start) : load_machine(image);
  const MachineView plain = out.state.view();
  AccessLog log(options.check_races);
  const RecordingView v(plain, &log);
  const uint32_t n = plain.n, ins = plain.in_count, outs = plain.out_count;
  log.describe_threads(plain.width, n, ins);
  const uint32_t occ = log.array_id("occ");
  const RunLimits limits{options.max_cycles, options.watchdog_cycles, 0, -1, options.until_quiescent ? 1u : 0u};
  RunProgress& progress = out.progress;
  for (uint64_t t = options.first_cycle; progress.stop == kRunOn && options.max_cycles > 0; ++t) {
    log.begin_cycle(t);
    CycleSummary s{false, false, false};
    for (uint32_t p = 0; p < n; ++p) {
      // Trapped before the step: the PE reads its flags and returns (read without recording).
      const bool was_trapped = (plain.flags[p] & kFlagTrapped) != 0;
      log.set_thread(p);
      const StepResult r = BasicPeCycle<RecordingView>(v, p, t).run();
      s.progress |= r.progress;
      s.pending |= r.has_work;
      // The same question step_thread asks after the step (its own element: no race possible).
      s.trapped |= (plain.flags[p] & kFlagTrapped) != 0;
      // The active path starts by reading the PE's own published queue counts of the previous cycle; the
      // idle path never reads them (it may only clear the next buffer's).
      const uint64_t bytes = log.thread_read_bytes() + log.thread_write_bytes();
      Traffic& tr = out.traffic;
      if (was_trapped) {
        ++tr.trapped_pe_cycles, tr.trapped_bytes += bytes;
      } else if (log.thread_read(occ, uint64_t((t + 1) & 1) * n + p)) {
        ++tr.active_pe_cycles, tr.active_bytes += bytes;
      } else {
        ++tr.idle_pe_cycles, tr.idle_bytes += bytes;
        tr.idle_min = std::min(tr.idle_min, bytes), tr.idle_max = std::max(tr.idle_max, bytes);
      }
      if (options.after_pe) options.after_pe(v, p, t);
    }
    for (uint32_t i = 0; i < ins; ++i) {
      log.set_thread(uint64_t(n) + i);
      s.pending |= step_in_stream(v, i, t, &s.progress);
    }
    for (uint32_t j = 0; j < outs; ++j) {
      log.set_thread(uint64_t(n) + ins + j);
      step_out_stream(v, j, t, &s.progress);
      s.trapped |= plain.out_overflow[j] != 0;
    }
    after_cycle(progress, limits, s, 0);
    out.cycles = t + 1 - options.first_cycle;
  }
  out.races = log.races();
  out.first_races = log.first_races();
  return out;
}

}  // namespace wafer::race
