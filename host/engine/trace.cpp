#include "host/engine/trace.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "host/model/cycle.h"
#include "host/model/error.h"

namespace wafer {

namespace {

enum Track : uint32_t { kTrackTasks = 0, kTrackOps, kTrackStalls, kTrackFabric };
const char* const kTrackNames[] = {"tasks", "vector ops", "core stalls", "fabric"};

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

std::string TraceRecorder::TracedStream::name_of(uint32_t color) const {
  for (const auto& [c, name] : members)
    if (c == color) return name;
  // A stream that multiplexes colors (InStream::colors): alone on its port it is the only candidate.
  if (members.size() == 1) return members[0].second;
  std::string all;
  for (const auto& m : members) all += (all.empty() ? "" : "|") + m.second;
  return all;
}

void TraceRecorder::prepare(const MachineState& s) {
  if (prepared_) return;
  if (s.width != image_.width || s.height != image_.height) throw Error("trace: the state is not the image's");
  prepared_ = true;
  for (uint32_t k = 0; k < s.in_info.size(); ++k) {
    const InStreamInfo& info = s.in_info[k];
    const uint32_t x = info.pe % s.width, y = info.pe / s.width;
    if (info.leader != k || !rect_.contains(x, y)) continue;
    TracedStream t{(y - rect_.y) * rect_.w + (x - rect_.x), info.port, {}};
    uint32_t m = k;
    do {
      t.members.emplace_back(s.in_info[m].color, m < s.in_names.size() ? s.in_names[m] : "stream " + std::to_string(m));
      m = s.in_info[m].next;
    } while (m != k && t.members.size() < s.in_info.size());
    stream_ids_.push_back(k);
    streams_.push_back(std::move(t));
  }
}

TraceGather TraceRecorder::gather() const {
  return {rect_.x, rect_.y, rect_.w, rect_.h, uint32_t(stream_ids_.size()), stream_ids_.data()};
}

void TraceRecorder::begin(const MachineState& s, uint64_t cycle) {
  if (begun_) return;
  prepare(s);
  gather_host_frame(s);
  begin(frame_.data(), cycle);
}

void TraceRecorder::after_cycle(const MachineState& s, uint64_t cycle) {
  if (!begun_ || cut_) return;
  gather_host_frame(s);
  after_cycle(frame_.data(), cycle);
}

void TraceRecorder::gather_host_frame(const MachineState& s) {
  const TraceGather g = gather();
  frame_.resize(trace_frame_words(g));
  // The view's pointers are not const, but gather_trace_item only reads through them.
  const MachineView v = const_cast<MachineState&>(s).view();
  for (uint64_t i = 0; i < trace_frame_items(g); ++i) gather_trace_item(v, g, i, frame_.data());
}

void TraceRecorder::begin(const uint32_t* frame, uint64_t cycle) {
  if (begun_) return;
  if (!prepared_) throw Error("internal: trace frames before TraceRecorder::prepare");
  begun_ = true;
  for (uint32_t i = 0; i < pes_.size(); ++i) {
    const uint32_t* r = frame + uint64_t(i) * kTraceWordsPerPe;
    PeTrack& t = pes_[i];
    t.task = r[kTraceTask];
    if (t.task != kNoTask) t.task_slice = {true, cycle, task_name(r[kTraceKernel], t.task), ""};
    for (uint32_t k = 0; k < uint32_t(kOpSlots); ++k) {
      t.slot_w0[k] = r[kTraceOps + kTraceOpWords * k];
      if (t.slot_w0[k] & opslot::kActive) t.op_slices[k] = {true, cycle, op_name(t.slot_w0[k] & 0xFFu), ""};
    }
    for (uint32_t c = 0; c < kTraceStallCounters; ++c) t.stalls[c] = r[kTraceStalls + c];
  }
}

void TraceRecorder::after_cycle(const uint32_t* frame, uint64_t cycle) {
  if (!begun_ || cut_) return;
  const uint64_t at = cycle - 1;  // the cycle just run
  const uint32_t* stream_words = frame + pes_.size() * uint64_t(kTraceWordsPerPe);
  for (uint32_t i = 0; i < pes_.size(); ++i) {
    const uint32_t* r = frame + uint64_t(i) * kTraceWordsPerPe;
    PeTrack& t = pes_[i];
    // Tasks: a slice from the cycle a task was first seen running to the cycle it was gone.
    const uint32_t task = r[kTraceTask];
    if (task != t.task) {
      close(t.task_slice, i, kTrackTasks, at);
      if (task != kNoTask) t.task_slice = {true, at, task_name(r[kTraceKernel], task), ""};
      t.task = task;
    }
    // Vector ops: one slice per op, from issue to completion, with the pc that issued it.
    for (uint32_t k = 0; k < uint32_t(kOpSlots); ++k) {
      const uint32_t* op = r + kTraceOps + kTraceOpWords * k;  // words 0, 1 and 6 of the slot
      const uint32_t w0 = op[0];
      const bool was = t.slot_w0[k] & opslot::kActive, is = w0 & opslot::kActive;
      if (was && (!is || w0 != t.slot_w0[k])) close(t.op_slices[k], i, kTrackOps, at);
      if (is && (!was || w0 != t.slot_w0[k])) {
        t.op_slices[k] = {true, at, op_name(w0 & 0xFFu),
                          "\"pc\":" + std::to_string(op[2] >> 16) + ",\"length\":" + std::to_string(op[1] & 0xFFFFu) +
                              ",\"slot\":" + std::to_string(k) + ((w0 & opslot::kAsync) ? ",\"async\":true" : "")};
      }
      t.slot_w0[k] = w0;
    }
    // Stalls: the counters that rose this cycle; a slice per run of cycles with the same cause. When several
    // rose (contenders may stall for different reasons), the first in counter order names the cycle.
    uint32_t stall = 0;
    for (uint32_t c = 0; c < kTraceStallCounters; ++c) {
      if (stall == 0 && r[kTraceStalls + c] != t.stalls[c]) stall = 1 + kCtrStallFabricIn + c;
      t.stalls[c] = r[kTraceStalls + c];
    }
    if (stall != t.stall) {
      close(t.stall_slice, i, kTrackStalls, at);
      if (stall) t.stall_slice = {true, at, stall_name(Counter(stall - 1)), ""};
      t.stall = stall;
    }
    // Fabric: what this PE's router sent on each port this cycle, and what its neighbours (or an input
    // stream) put on its links this cycle, which its router takes next cycle: a recv is stamped then.
    for (uint32_t d = 0; d < uint32_t(kDirs); ++d) {
      const uint32_t b = (r[kTraceSent] >> (8 * d)) & 0xFFu;
      if (b & 0x80u)
        add('i', i, kTrackFabric, at, 0, std::string("send ") + port_name(d) + " " + color_label(b & 0x7Fu),
            "\"color\":" + std::to_string(b & 0x7Fu));
      const uint32_t nb = (r[kTraceHeard] >> (8 * d)) & 0xFFu;
      if (nb & 0x80u)
        add('i', i, kTrackFabric, at + 1, 0, std::string("recv ") + port_name(d) + " " + color_label(nb & 0x7Fu),
            "\"color\":" + std::to_string(nb & 0x7Fu));
    }
    for (size_t k = 0; k < streams_.size(); ++k) {
      if (streams_[k].pe != i || stream_words[k] == 0) continue;
      const uint32_t color = stream_words[k] - 1;
      add('i', i, kTrackFabric, at + 1, 0,
          std::string("recv ") + port_name(streams_[k].port) + " " + color_label(color) + " from '" +
              streams_[k].name_of(color) + "'",
          "\"color\":" + std::to_string(color));
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
