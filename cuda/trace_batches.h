// The host side of a traced CUDA run: the device gathers a frame (host/model/trace_frame.h) after every
// cycle of a batch into a buffer of frames; after the batch the host downloads the frames of the cycles
// that ran and hands them to the recorder in order. Plain C++, so the CPU tests drive it with an emulated
// device (tests/cuda/step_thread_test.cpp) and the engine with the real one (cuda/device_trace.*).
#pragma once
#include <algorithm>
#include <cstdint>

#include "host/engine/trace.h"

namespace wafer {

// Device memory one batch's frames may take: a traced run's batches are cut to fit it.
inline constexpr uint64_t kTraceBatchBytes = 64ull << 20;

// Frames (cycles) per batch of a traced run: the engine's batch, or fewer where the frames would not fit
// kTraceBatchBytes or half of the device's free memory (`free_bytes`; the state is already loaded); at
// least one. 0 when not even one frame fits in half the free memory: the caller refuses the trace.
inline uint32_t trace_frames_per_batch(uint64_t frame_words, uint32_t batch_cycles,
                                       uint64_t free_bytes = UINT64_MAX) {
  const uint64_t frame_bytes = std::max<uint64_t>(1, frame_words * sizeof(uint32_t));
  if (frame_bytes > free_bytes / 2) return 0;
  const uint64_t fit = std::min(kTraceBatchBytes, free_bytes / 2) / frame_bytes;
  return uint32_t(std::clamp<uint64_t>(fit, 1, std::max<uint32_t>(1, batch_cycles)));
}

// A batch ran `count` cycles after `cycle_before`: frame j holds the state after cycle cycle_before + j + 1.
// Frames of cycles enqueued past a stop are not delivered (the machine did not run them).
inline void deliver_trace_frames(TraceRecorder& rec, const uint32_t* frames, uint64_t frame_words, uint64_t count,
                                 uint64_t cycle_before) {
  for (uint64_t j = 0; j < count && rec.recording(); ++j) rec.after_cycle(frames + j * frame_words, cycle_before + j + 1);
}

}  // namespace wafer
