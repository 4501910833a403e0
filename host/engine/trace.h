// Traces: for the PEs of a small rectangle, what the machine did cycle by cycle, in the Chrome trace event
// format that Perfetto (ui.perfetto.dev) and chrome://tracing open. The engine hands the recorder a frame
// after every cycle of a run that asks for it (RunRequest::trace): what the cycle left in the state (the
// running task, the vector-op slots, the stall counters, the router's record of what it sent), gathered by
// host/model/trace_frame.h, on the host by the CPU engine and on the device by the CUDA engine. So the trace
// shows what the machine did, is the same on both engines, and a run that asks for none pays nothing.
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
#include "host/model/trace_frame.h"

namespace wafer {

class TraceRecorder {
 public:
  // Throws wafer::Error when the rectangle is empty or leaves the image's grid.
  TraceRecorder(const Image& image, Rect rect, uint64_t limit);

  // The engine's calls. prepare: once the state is loaded, before the first frame (it finds the input
  // streams that feed the rectangle); then `gather()` says what a frame holds. begin: the frame before the
  // first cycle of a run (the recorder takes its baseline on the first call only); after_cycle: the frame
  // after each cycle, with the cycle count reached. Frames are trace_frame_words(gather()) words.
  void prepare(const MachineState& s);
  TraceGather gather() const;
  void begin(const uint32_t* frame, uint64_t cycle);
  void after_cycle(const uint32_t* frame, uint64_t cycle);
  // The CPU engine's calls: prepare (on the first call), gather the frame from the host state, record it.
  void begin(const MachineState& s, uint64_t cycle);
  void after_cycle(const MachineState& s, uint64_t cycle);
  // False once the limit cut the trace: the engine may stop gathering frames.
  bool recording() const { return !cut_; }
  // True once the baseline frame is taken (the first run's begin); later runs need none.
  bool begun() const { return begun_; }

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
    uint32_t slot_w0[kOpSlots] = {};  // op slot word 0 per slot
    uint32_t stall = 0;               // 0, or 1 + the stall counter that rose last cycle
    uint32_t stalls[kTraceStallCounters] = {};
    Open task_slice, stall_slice;
    Open op_slices[kOpSlots];
  };
  // An input stream group whose port lies in the rectangle: its leader's word in the frame says which
  // color it injected; the member that carries that color names the event.
  struct TracedStream {
    uint32_t pe;    // index into rect
    uint32_t port;
    std::vector<std::pair<uint32_t, std::string>> members;  // (color, name)
    std::string name_of(uint32_t color) const;
  };
  void add(char ph, uint32_t pe, uint32_t track, uint64_t ts, uint64_t dur, std::string name, std::string args = "");
  void close(Open& o, uint32_t pe, uint32_t track, uint64_t now);
  std::string task_name(uint32_t kernel, uint32_t task) const;
  std::string color_label(uint32_t color) const;
  void gather_host_frame(const MachineState& s);

  const Image& image_;
  Rect rect_;
  uint64_t limit_;
  bool begun_ = false, cut_ = false;
  uint64_t cut_cycle_ = 0;
  std::vector<PeTrack> pes_;
  std::vector<Event> events_;
  bool prepared_ = false;
  std::vector<uint32_t> stream_ids_;  // leaders, in frame order
  std::vector<TracedStream> streams_;
  std::vector<uint32_t> frame_;  // the CPU engine's frame
};

}  // namespace wafer
