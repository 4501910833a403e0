#include "host/cli/run_summary.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "host/model/constants.h"
#include "host/model/state.h"

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

namespace {

// PE-cycles emulated per second of wall time, over every cycle since load (what print_run prints).
double pe_cycles_per_second(const Engine& e, uint64_t pes, double seconds) {
  return seconds > 0 ? double(e.cycle()) * double(pes) / seconds : 0.0;
}

}  // namespace

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
    std::printf("emulation: %.3f s, %.3g PE-cycles/s (%s engine)\n", seconds, pe_cycles_per_second(e, pes, seconds),
                e.name());
  }
}

void json_run(JsonWriter& j, const Engine& e, const RunResult& r, uint64_t pes, double seconds) {
  const CycleSplit s = cycle_split(e, e.cycle(), pes);
  j.field("engine", e.name())
      .field("stop", stop_reason_name(r.reason))
      .field("cycles", e.cycle())
      .field("pes", pes);
  j.field("seconds", seconds).field("pe_cycles_per_second", pe_cycles_per_second(e, pes, seconds));
  j.key("split").begin_object();
  j.field("busy", s.fraction(s.busy)).field("stall_fabric_in", s.fraction(s.stall_in));
  j.field("stall_fabric_out", s.fraction(s.stall_out)).field("stall_other", s.fraction(s.stall_other));
  j.field("idle", s.fraction(s.idle)).end_object();
  j.key("counters").begin_object();
  const auto t = e.counter_totals();
  for (uint32_t c = 0; c < kCounterCount; ++c) j.field(counter_name(c), t[c]);
  j.end_object();
  if (r.trap) {
    j.key("trap");
    json_trap(j, *r.trap);
  }
  if (r.stall) {
    j.key("stall");
    json_stall(j, *r.stall);
  }
}

namespace {

// A task id, or null for none.
void task_id_field(JsonWriter& j, uint32_t id) {
  j.key("task_id");
  if (id == kNoTask)
    j.null();
  else
    j.value(id);
}

}  // namespace

void json_trap(JsonWriter& j, const TrapReport& t) {
  j.begin_object();
  j.field("x", t.x).field("y", t.y).field("cycle", t.cycle);
  j.field("cause", trap_cause_name(t.cause)).field("cause_code", t.cause);
  j.key("pc");
  if (t.pc == kNoPc)
    j.null();
  else
    j.value(t.pc);
  j.field("kernel", t.kernel).field("task", t.task);
  task_id_field(j, t.task_id);
  j.field("file", t.file).field("line", t.line);
  j.field("details", t.details).field("message", t.describe());
  j.end_object();
}

void json_stall(JsonWriter& j, const StallReport& s) {
  j.begin_object();
  j.field("cycle", s.cycle).field("quiet_cycles", s.quiet_cycles).field("waiting_pes", s.waiting_pes);
  j.key("pes").begin_array();
  for (const auto& w : s.pes) {
    j.begin_object().field("x", w.x).field("y", w.y).field("kernel", w.kernel).field("task", w.task);
    task_id_field(j, w.task_id);
    j.key("pc");
    if (w.pc == kNoPc)
      j.null();
    else
      j.value(w.pc);
    j.field("file", w.file).field("line", w.line).field("waits", w.waits).end_object();
  }
  j.end_array();
  j.key("lines").begin_array();
  for (const auto& line : s.waits) j.value(line);
  j.end_array();
  j.key("groups").begin_array();  // every waiting PE, grouped by what it waits on
  for (const auto& g : s.groups) {
    j.begin_object().field("pes", g.pes).key("bounds").begin_object();
    j.field("x", g.bounds.x).field("y", g.bounds.y).field("w", g.bounds.w).field("h", g.bounds.h).end_object();
    j.field("kernel", g.first.kernel).field("task", g.first.task).field("file", g.first.file).field("line", g.first.line);
    j.field("first_x", g.first.x).field("first_y", g.first.y).field("waits", g.waits).end_object();
  }
  j.end_array();
  j.field("message", s.describe()).end_object();
}

PayloadType payload_type(const std::vector<Wavelet>& words) {
  for (const auto& w : words) {
    const float f = w.as_float();
    if (f != 0.0f && !std::isnormal(f) && !std::isinf(f)) return PayloadType::kInt32;
  }
  return PayloadType::kFloat32;
}

const char* payload_type_name(PayloadType t) {
  return t == PayloadType::kInt32 ? "int32" : "float32";
}

void print_outputs(const Engine& e, const Image& im, uint64_t show) {
  for (uint32_t s = 0; s < im.out_streams.size(); ++s) {
    const auto out = e.output(s);
    const PayloadType type = payload_type(out);
    std::printf("output '%s': %zu wavelet(s)", im.out_streams[s].name.c_str(), out.size());
    for (uint64_t i = 0; i < out.size() && i < show; ++i) {
      if (type == PayloadType::kInt32)
        std::printf(" %d", int32_t(out[i].payload));
      else
        std::printf(" %g", double(out[i].as_float()));
    }
    if (out.size() > show) {
      std::printf(" ... (%llu of %zu shown; --outputs N shows more)", (unsigned long long)show, out.size());
    }
    std::printf("%s\n", type == PayloadType::kInt32 ? " [int32]" : "");
  }
}

void json_outputs(JsonWriter& j, const Engine& e, const Image& im, uint64_t show) {
  j.key("outputs").begin_array();
  for (uint32_t s = 0; s < im.out_streams.size(); ++s) {
    const auto out = e.output(s);
    const PayloadType type = payload_type(out);
    const uint64_t shown = std::min<uint64_t>(out.size(), show);
    j.begin_object().field("name", im.out_streams[s].name).field("received", uint64_t(out.size()));
    j.field("expect", im.out_streams[s].expect).field("type", payload_type_name(type));
    j.key("values").begin_array();
    for (uint64_t i = 0; i < shown; ++i) {
      if (type == PayloadType::kInt32)
        j.value(int64_t(int32_t(out[i].payload)));
      else
        j.value(double(out[i].as_float()));
    }
    j.end_array();
    j.field("shown", shown).field("truncated", shown < out.size()).end_object();
  }
  j.end_array();
}

}  // namespace wafer::cli
