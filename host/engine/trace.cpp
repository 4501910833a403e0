#include "host/engine/trace.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "host/model/cycle.h"
#include "host/model/error.h"

namespace wafer {

namespace {

enum Track : uint32_t { kTrackTasks = 0, kTrackOps, kTrackStalls, kTrackFabric };
const char* const kTrackNames[] = {"tasks", "vector ops", "core stalls", "fabric"};

// The stall counters in the order a cycle's cause is named when several rose (they cannot all at once: a
// contender either advances or stalls for one reason; several contenders may differ, the first wins).
constexpr Counter kStallCounters[] = {kCtrStallFabricIn, kCtrStallFabricOut, kCtrStallSlot, kCtrStallThread};
const char* stall_name(Counter c) {
  switch (c) {
    case kCtrStallFabricIn:
      return "stall: fabric input empty";
    case kCtrStallFabricOut:
      return "stall: fabric output full";
    case kCtrStallSlot:
      return "stall: arithmetic slot taken";
    default:
      return "stall: no free microthread";
  }
}

uint32_t opposite(uint32_t d) {
  return d ^ 2u;  // N <-> S, E <-> W
}

}  // namespace

TraceRecorder::TraceRecorder(const Image& image, Rect rect, uint64_t limit) : image_(image), rect_(rect), limit_(limit) {
  if (rect.w == 0 || rect.h == 0 || uint64_t(rect.x) + rect.w > image.width || uint64_t(rect.y) + rect.h > image.height) {
    throw Error("trace rectangle (" + std::to_string(rect.x) + "," + std::to_string(rect.y) + ") " +
                std::to_string(rect.w) + "x" + std::to_string(rect.h) + " is empty or leaves the " +
                std::to_string(image.width) + "x" + std::to_string(image.height) + " grid");
  }
  pes_.resize(uint64_t(rect.w) * rect.h);
}

std::string TraceRecorder::task_name(uint32_t kernel, uint32_t task) const {
  if (kernel < image_.names.size()) {
    for (const auto& t : image_.names[kernel].tasks)
      if (t.id == task) return "task " + t.name;
  }
  return "task " + std::to_string(task);
}

std::string TraceRecorder::color_label(uint32_t color) const {
  const std::string n = image_.color_name(color);
  return n.empty() ? "color " + std::to_string(color) : n;
}

void TraceRecorder::add(char ph, uint32_t pe, uint32_t track, uint64_t ts, uint64_t dur, std::string name,
                        std::string args) {
  if (cut_) return;
  events_.push_back({ph, pe, track, ts, dur, std::move(name), std::move(args)});
}

void TraceRecorder::close(Open& o, uint32_t pe, uint32_t track, uint64_t now) {
  if (!o.on) return;
  add('X', pe, track, o.since, now - o.since, o.name, o.args);
  o.on = false;
}

void TraceRecorder::begin(const MachineState& s, uint64_t cycle) {
  if (begun_) return;
  begun_ = true;
  for (uint32_t i = 0; i < pes_.size(); ++i) {
    const uint64_t p = uint64_t(rect_.y + i / rect_.w) * s.width + rect_.x + i % rect_.w;
    PeTrack& t = pes_[i];
    t.task = s.task[p];
    if (t.task != kNoTask) t.task_slice = {true, cycle, task_name(s.kernel[p], t.task), ""};
    t.slot_w0.resize(kOpSlots);
    t.op_slices.resize(kOpSlots);
    for (uint32_t k = 0; k < uint32_t(kOpSlots); ++k) {
      t.slot_w0[k] = s.ops[uint64_t(k * kOpSlotWords) * s.n + p];
      if (t.slot_w0[k] & opslot::kActive) t.op_slices[k] = {true, cycle, op_name(t.slot_w0[k] & 0xFFu), ""};
    }
    for (uint32_t c = 0; c < kCounterCount; ++c) t.ctr[c] = s.ctr[uint64_t(c) * s.n + p];
  }
}

void TraceRecorder::after_cycle(const MachineState& s, uint64_t cycle) {
  if (!begun_ || cut_) return;
  const uint64_t at = cycle - 1;  // the cycle just run
  for (uint32_t i = 0; i < pes_.size(); ++i) {
    const uint32_t x = rect_.x + i % rect_.w, y = rect_.y + i / rect_.w;
    const uint64_t p = uint64_t(y) * s.width + x;
    PeTrack& t = pes_[i];
    // Tasks: a slice from the cycle a task was first seen running to the cycle it was gone.
    const uint32_t task = s.task[p];
    if (task != t.task) {
      close(t.task_slice, i, kTrackTasks, at);
      if (task != kNoTask) t.task_slice = {true, at, task_name(s.kernel[p], task), ""};
      t.task = task;
    }
    // Vector ops: one slice per op, from issue to completion, with the pc that issued it.
    for (uint32_t k = 0; k < uint32_t(kOpSlots); ++k) {
      const uint32_t w0 = s.ops[uint64_t(k * kOpSlotWords) * s.n + p];
      const bool was = t.slot_w0[k] & opslot::kActive, is = w0 & opslot::kActive;
      if (was && (!is || w0 != t.slot_w0[k])) close(t.op_slices[k], i, kTrackOps, at);
      if (is && (!was || w0 != t.slot_w0[k])) {
        const uint32_t w1 = s.ops[uint64_t(k * kOpSlotWords + 1) * s.n + p];
        const uint32_t w6 = s.ops[uint64_t(k * kOpSlotWords + 6) * s.n + p];
        t.op_slices[k] = {true, at, op_name(w0 & 0xFFu),
                          "\"pc\":" + std::to_string(w6 >> 16) + ",\"length\":" + std::to_string(w1 & 0xFFFFu) +
                              ",\"slot\":" + std::to_string(k) + ((w0 & opslot::kAsync) ? ",\"async\":true" : "")};
      }
      t.slot_w0[k] = w0;
    }
    // Stalls: the counters that rose this cycle; a slice per run of cycles with the same cause.
    uint32_t stall = 0;
    for (Counter c : kStallCounters) {
      if (stall == 0 && s.ctr[uint64_t(c) * s.n + p] != t.ctr[c]) stall = 1 + c;
    }
    if (stall != t.stall) {
      close(t.stall_slice, i, kTrackStalls, at);
      if (stall) t.stall_slice = {true, at, stall_name(Counter(stall - 1)), ""};
      t.stall = stall;
    }
    for (uint32_t c = 0; c < kCounterCount; ++c) t.ctr[c] = s.ctr[uint64_t(c) * s.n + p];
    // Fabric: what this PE's router sent on each port this cycle, and what its neighbours (or an input
    // stream) put on its links this cycle, which its router takes next cycle: a recv is stamped then.
    const uint32_t sent = s.lastsent[p];
    for (uint32_t d = 0; d < uint32_t(kDirs); ++d) {
      const uint32_t b = (sent >> (8 * d)) & 0xFFu;
      if (b & 0x80u)
        add('i', i, kTrackFabric, at, 0, std::string("send ") + port_name(d) + " " + color_label(b & 0x7Fu),
            "\"color\":" + std::to_string(b & 0x7Fu));
      uint32_t q;
      if (neighbour(s.width, s.height, x, y, d, &q)) {
        const uint32_t nb = (s.lastsent[q] >> (8 * opposite(d))) & 0xFFu;
        if (nb & 0x80u)
          add('i', i, kTrackFabric, at + 1, 0, std::string("recv ") + port_name(d) + " " + color_label(nb & 0x7Fu),
              "\"color\":" + std::to_string(nb & 0x7Fu));
      }
    }
    for (size_t k = 0; k < s.in_info.size(); ++k) {
      if (s.in_info[k].pe == p && s.in_sent_last[k] != 0) {
        const uint32_t color = s.in_sent_last[k] - 1;
        add('i', i, kTrackFabric, at + 1, 0,
            std::string("recv ") + port_name(s.in_info[k].port) + " " + color_label(color) + " from '" + s.in_names[k] + "'",
            "\"color\":" + std::to_string(color));
      }
    }
  }
  if (events_.size() >= limit_) {
    cut_ = true;
    cut_cycle_ = cycle;
  }
}

std::string TraceRecorder::json(uint64_t cycle) const {
  using nlohmann::json;
  json events = json::array();
  for (uint32_t i = 0; i < pes_.size(); ++i) {
    const uint32_t x = rect_.x + i % rect_.w, y = rect_.y + i / rect_.w;
    std::string kernel;
    for (const auto& pl : image_.placements)
      if (pl.rect.contains(x, y)) kernel = image_.kernels[pl.kernel].name;  // later placements override
    events.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", i},
                      {"args", {{"name", "PE(" + std::to_string(x) + "," + std::to_string(y) + ")" +
                                             (kernel.empty() ? "" : " " + kernel)}}}});
    events.push_back({{"ph", "M"}, {"name", "process_sort_index"}, {"pid", i}, {"args", {{"sort_index", i}}}});
    for (uint32_t k = 0; k < 4; ++k)
      events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", i}, {"tid", k}, {"args", {{"name", kTrackNames[k]}}}});
  }
  auto emit = [&](const Event& e) {
    json j = {{"ph", std::string(1, e.ph)}, {"pid", e.pe}, {"tid", e.track}, {"ts", e.ts}, {"name", e.name}};
    if (e.ph == 'X') j["dur"] = e.dur;
    if (e.ph == 'i') j["s"] = "t";
    if (!e.args.empty()) j["args"] = json::parse("{" + e.args + "}");
    events.push_back(std::move(j));
  };
  for (const Event& e : events_) emit(e);
  const uint64_t end = cut_ ? cut_cycle_ : cycle;
  for (uint32_t i = 0; i < pes_.size(); ++i) {  // slices still open when the trace ends
    const PeTrack& t = pes_[i];
    auto open = [&](const Open& o, uint32_t track) {
      if (o.on) emit({'X', i, track, o.since, end - o.since, o.name + " (still running)", o.args});
    };
    open(t.task_slice, kTrackTasks);
    open(t.stall_slice, kTrackStalls);
    for (const Open& o : t.op_slices) open(o, kTrackOps);
  }
  json doc = {{"traceEvents", events},
              {"displayTimeUnit", "ns"},
              {"otherData",
               {{"timestamps", "cycles"},
                {"rect", std::to_string(rect_.x) + "," + std::to_string(rect_.y) + " " + std::to_string(rect_.w) +
                             "x" + std::to_string(rect_.h)},
                {"events", events_.size()},
                {"cut_at_cycle", cut_ ? json(cut_cycle_) : json(nullptr)}}}};
  return doc.dump();
}

void TraceRecorder::write(const std::string& path, uint64_t cycle) const {
  std::ofstream f(path);
  f << json(cycle) << "\n";
  if (!f) throw Error(path + ": cannot write the trace");
}

}  // namespace wafer
