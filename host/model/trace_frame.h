// One cycle's sample of a traced rectangle: the words TraceRecorder (host/engine/trace.h) reads, gathered
// from the state after each cycle. The CPU engine gathers on the host; the CUDA engine runs the same function
// in a kernel after each cycle, into a device buffer of frames that the host downloads once per batch. One
// layout and one gathering function, so a trace cannot depend on the engine that recorded it.
//
// A frame: rect.w * rect.h PE records of kTraceWordsPerPe words (row-major over the rectangle), then one word
// per traced input stream (TraceGather::streams: the group leaders whose PE lies in the rectangle).
#pragma once
#include <cstdint>

#include "host/model/constants.h"
#include "host/model/cycle.h"
#include "host/model/hd.h"
#include "host/model/state.h"

namespace wafer {

// Word offsets in a PE record.
inline constexpr uint32_t kTraceTask = 0;     // running task id or kNoTask
inline constexpr uint32_t kTraceKernel = 1;   // kernel id or kNoKernel
inline constexpr uint32_t kTraceSent = 2;     // the PE's lastsent: per direction 0x80 | color sent this cycle
inline constexpr uint32_t kTraceHeard = 3;    // per direction d: the byte its neighbour on d sent toward it
inline constexpr uint32_t kTraceStalls = 4;   // the four stall counters' low 32 bits (kCtrStallFabricIn..)
inline constexpr uint32_t kTraceStallCounters = 4;
inline constexpr uint32_t kTraceOps = kTraceStalls + kTraceStallCounters;  // per op slot: words 0, 1, 6
inline constexpr uint32_t kTraceOpWords = 3;
inline constexpr uint32_t kTraceWordsPerPe = kTraceOps + kTraceOpWords * kOpSlots;
static_assert(kCtrStallFabricIn + 1 == kCtrStallFabricOut && kCtrStallFabricOut + 1 == kCtrStallSlot &&
                  kCtrStallSlot + 1 == kCtrStallThread,
              "the frame stores the stall counters as one run");

// What to gather: the rectangle, and the input streams (device memory on the CUDA engine).
struct TraceGather {
  uint32_t x = 0, y = 0, w = 0, h = 0;
  uint32_t stream_count = 0;
  const uint32_t* streams = nullptr;
};

WAFER_HD inline uint64_t trace_frame_items(const TraceGather& g) {
  return uint64_t(g.w) * g.h + g.stream_count;
}
WAFER_HD inline uint64_t trace_frame_words(const TraceGather& g) {
  return uint64_t(g.w) * g.h * kTraceWordsPerPe + g.stream_count;
}

// Gathers item i of the frame (a PE of the rectangle, then a stream) into `frame`. Reads the state only;
// items are independent, so a kernel runs one per thread.
template <class View>
WAFER_HD inline void gather_trace_item(const View& v, const TraceGather& g, uint64_t i, uint32_t* frame) {
  const uint64_t pes = uint64_t(g.w) * g.h;
  if (i >= pes) {
    if (i < pes + g.stream_count) frame[pes * kTraceWordsPerPe + (i - pes)] = v.in_sent_last[g.streams[i - pes]];
    return;
  }
  const uint32_t x = g.x + uint32_t(i % g.w), y = g.y + uint32_t(i / g.w);
  const uint64_t n = v.n, p = uint64_t(y) * v.width + x;
  uint32_t* r = frame + i * kTraceWordsPerPe;
  r[kTraceTask] = v.task[p];
  r[kTraceKernel] = v.kernel[p];
  r[kTraceSent] = v.lastsent[p];
  uint32_t heard = 0;
  for (uint32_t d = 0; d < uint32_t(kDirs); ++d) {
    uint32_t q;
    if (neighbour(v.width, v.height, x, y, d, &q)) heard |= ((v.lastsent[q] >> (8 * (d ^ 2u))) & 0xFFu) << (8 * d);
  }
  r[kTraceHeard] = heard;
  for (uint32_t c = 0; c < kTraceStallCounters; ++c) r[kTraceStalls + c] = uint32_t(v.ctr[(kCtrStallFabricIn + c) * n + p]);
  for (uint32_t k = 0; k < uint32_t(kOpSlots); ++k) {
    const uint64_t w = uint64_t(k) * kOpSlotWords;
    r[kTraceOps + kTraceOpWords * k + 0] = v.ops[(w + 0) * n + p];
    r[kTraceOps + kTraceOpWords * k + 1] = v.ops[(w + 1) * n + p];
    r[kTraceOps + kTraceOpWords * k + 2] = v.ops[(w + 6) * n + p];
  }
}

}  // namespace wafer
