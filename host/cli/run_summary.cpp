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

void json_run(nlohmann::ordered_json& j, const Engine& e, const RunResult& r, uint64_t pes, double seconds) {
  const CycleSplit s = cycle_split(e, e.cycle(), pes);
  j["engine"] = e.name();
  j["stop"] = stop_reason_name(r.reason);
  j["cycles"] = e.cycle();
  j["pes"] = pes;
  j["seconds"] = seconds;
  j["pe_cycles_per_second"] = pe_cycles_per_second(e, pes, seconds);
  j["split"] = {{"busy", s.fraction(s.busy)},
                {"stall_fabric_in", s.fraction(s.stall_in)},
                {"stall_fabric_out", s.fraction(s.stall_out)},
                {"stall_other", s.fraction(s.stall_other)},
                {"idle", s.fraction(s.idle)}};
  auto& counters = j["counters"] = nlohmann::ordered_json::object();
  const auto t = e.counter_totals();
  for (uint32_t c = 0; c < kCounterCount; ++c) counters[counter_name(c)] = t[c];
  if (r.trap) j["trap"] = json_trap(*r.trap);
  if (r.stall) j["stall"] = json_stall(*r.stall);
}

namespace {

// A task id, or null for none.
nlohmann::ordered_json task_id_json(uint32_t id) {
  return id == kNoTask ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(id);
}

// A pc, or null for none (the router).
nlohmann::ordered_json pc_json(uint32_t pc) {
  return pc == kNoPc ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(pc);
}

}  // namespace

nlohmann::ordered_json json_trap(const TrapReport& t) {
  return {{"x", t.x},
          {"y", t.y},
          {"cycle", t.cycle},
          {"cause", trap_cause_name(t.cause)},
          {"cause_code", t.cause},
          {"pc", pc_json(t.pc)},
          {"kernel", t.kernel},
          {"task", t.task},
          {"task_id", task_id_json(t.task_id)},
          {"file", t.file},
          {"line", t.line},
          {"details", t.details},
          {"message", t.describe()}};
}

nlohmann::ordered_json json_stall(const StallReport& s) {
  nlohmann::ordered_json pes = nlohmann::ordered_json::array();
  for (const auto& w : s.pes) {
    pes.push_back({{"x", w.x},
                   {"y", w.y},
                   {"kernel", w.kernel},
                   {"task", w.task},
                   {"task_id", task_id_json(w.task_id)},
                   {"pc", pc_json(w.pc)},
                   {"file", w.file},
                   {"line", w.line},
                   {"waits", w.waits}});
  }
  // Every waiting PE, grouped by what it waits on.
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const auto& g : s.groups) {
    groups.push_back({{"pes", g.pes},
                      {"bounds",
                       {{"x", g.bounds.x}, {"y", g.bounds.y}, {"w", g.bounds.w}, {"h", g.bounds.h}}},
                      {"kernel", g.first.kernel},
                      {"task", g.first.task},
                      {"file", g.first.file},
                      {"line", g.first.line},
                      {"first_x", g.first.x},
                      {"first_y", g.first.y},
                      {"waits", g.waits}});
  }
  nlohmann::ordered_json j;
  j["cycle"] = s.cycle;
  j["quiet_cycles"] = s.quiet_cycles;
  j["waiting_pes"] = s.waiting_pes;
  j["pes"] = std::move(pes);
  j["lines"] = s.waits;
  j["groups"] = std::move(groups);
  j["message"] = s.describe();
  return j;
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

nlohmann::ordered_json json_outputs(const Engine& e, const Image& im, uint64_t show) {
  nlohmann::ordered_json streams = nlohmann::ordered_json::array();
  for (uint32_t s = 0; s < im.out_streams.size(); ++s) {
    const auto out = e.output(s);
    const PayloadType type = payload_type(out);
    const uint64_t shown = std::min<uint64_t>(out.size(), show);
    nlohmann::ordered_json values = nlohmann::ordered_json::array();
    for (uint64_t i = 0; i < shown; ++i) {
      if (type == PayloadType::kInt32)
        values.push_back(int64_t(int32_t(out[i].payload)));
      else
        values.push_back(double(out[i].as_float()));  // an infinite float prints as null
    }
    streams.push_back({{"name", im.out_streams[s].name},
                       {"received", uint64_t(out.size())},
                       {"expect", im.out_streams[s].expect},
                       {"type", payload_type_name(type)},
                       {"values", std::move(values)},
                       {"shown", shown},
                       {"truncated", shown < out.size()}});
  }
  return streams;
}

}  // namespace wafer::cli
