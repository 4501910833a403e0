// Traces: for the PEs of a small rectangle, what the machine did cycle by cycle, in the Chrome trace event
// format that Perfetto (ui.perfetto.dev) and chrome://tracing open. The engine calls the recorder after
// every cycle of a run that asks for it (RunRequest::trace); it reads the state the cycle left (the running
// task, the vector-op slots, the per-PE counters, the router's record of what it sent), so the trace shows
// what the machine did, and a run that asks for none pays nothing.
//
// Each PE is a process "PE(x,y) kernel" with four tracks: tasks (one slice per task run, named by the
// program's task names where the image has them), vector ops (one slice per op, with its issuing pc),
// core stalls (one slice per run of cycles stalled for the same cause) and fabric (an instant event per
// wavelet sent or received on a port, with its color). Timestamps are cycles (the viewer shows them as
// microseconds): a slice spans the cycles at whose end its task (op, stall) was in progress; a send is
// stamped with the cycle the router sent it, a recv with the cycle the receiving router takes it off the
// link (the next one). Bounded: after `limit` events the recorder stops and says at which cycle.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "host/engine/machine_state.h"
#include "host/image/image.h"

namespace wafer {

class TraceRecorder {
 public:
  // Throws wafer::Error when the rectangle is empty or leaves the image's grid.
  TraceRecorder(const Image& image, Rect rect, uint64_t limit);

  // The engine's calls: before the first cycle of a run (the recorder takes its baseline on the first
  // call), and after each cycle with the cycle count reached.
  void begin(const MachineState& s, uint64_t cycle);
  void after_cycle(const MachineState& s, uint64_t cycle);

  uint64_t events() const { return events_.size(); }
  bool cut() const { return cut_; }
  uint64_t cut_cycle() const { return cut_cycle_; }
  // Closes the slices still open at `cycle` and returns the JSON (the Chrome trace event format).
  std::string json(uint64_t cycle) const;
  void write(const std::string& path, uint64_t cycle) const;

 private:
  struct Event {
    char ph;  // 'X' complete slice, 'i' instant
    uint32_t pe;   // index into rect
    uint32_t track;
    uint64_t ts, dur;
    std::string name, args;  // args: a JSON object's body, or ""
  };
  struct Open {  // a slice in progress on one track
    bool on = false;
    uint64_t since = 0;
    std::string name, args;
  };
  struct PeTrack {
    uint32_t task = 0xFFFFFFFFu;
    std::vector<uint32_t> slot_w0;  // op slot word 0 per slot
    uint32_t stall = 0;             // 0, or 1 + the stall counter that rose last cycle
    uint64_t ctr[kCounterCount] = {};
    Open task_slice, stall_slice;
    std::vector<Open> op_slices;
  };
  void add(char ph, uint32_t pe, uint32_t track, uint64_t ts, uint64_t dur, std::string name, std::string args = "");
  void close(Open& o, uint32_t pe, uint32_t track, uint64_t now);
  std::string task_name(uint32_t kernel, uint32_t task) const;
  std::string color_label(uint32_t color) const;

  const Image& image_;
  Rect rect_;
  uint64_t limit_;
  bool begun_ = false, cut_ = false;
  uint64_t cut_cycle_ = 0;
  std::vector<PeTrack> pes_;
  std::vector<Event> events_;
};

}  // namespace wafer
