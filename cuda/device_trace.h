// A traced run on the CUDA engine: the device buffers of one run's trace frames and the host copy they are
// downloaded into (see cuda/trace_batches.h). The recorder is the CPU engine's (host/engine/trace.h).
#pragma once
#include <cstdint>
#include <vector>

#include <cuda_runtime_api.h>

#include "cuda/device_buffer.h"
#include "host/engine/machine_state.h"
#include "host/engine/trace.h"

namespace wafer {

class DeviceTraceFrames {
 public:
  // `host` is the engine's host copy of the state: its shape and stream tables (prepare reads no per-PE
  // array). Allocates the frame buffer for up to `batch_cycles` frames (fewer where they would not fit).
  DeviceTraceFrames(TraceRecorder& rec, const MachineState& host, uint32_t batch_cycles, cudaStream_t stream);

  uint32_t frames_per_batch() const { return frames_per_batch_; }
  // The frame before the run's first cycle: gathered, downloaded and given to the recorder now (the first
  // run of a recorder only: later runs continue from its baseline).
  void baseline(const MachineView& view, uint64_t cycle, bool debug_sync);
  // Enqueues the gather of the state after the cycle just enqueued into frame `slot` of the batch.
  void enqueue(const MachineView& view, uint32_t slot, bool debug_sync);
  // After the batch has completed on the stream: downloads its first `count` frames and records them.
  void deliver(uint64_t count, uint64_t cycle_before);

 private:
  void download(uint64_t frames);

  TraceRecorder& rec_;
  cudaStream_t stream_;
  TraceGather gather_;
  uint64_t words_ = 0;
  uint32_t frames_per_batch_ = 1;
  DeviceBuffer streams_, frames_;
  std::vector<uint32_t> host_;
};

}  // namespace wafer
