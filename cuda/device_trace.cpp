#include "cuda/device_trace.h"

#include "cuda/cuda_check.h"
#include "cuda/step_kernels.h"
#include "cuda/trace_batches.h"
#include "host/model/error.h"

namespace wafer {

DeviceTraceFrames::DeviceTraceFrames(TraceRecorder& rec, const MachineState& host, uint32_t batch_cycles,
                                     cudaStream_t stream)
    : rec_(rec), stream_(stream) {
  rec.prepare(host);
  gather_ = rec.gather();
  words_ = trace_frame_words(gather_);
  size_t free_bytes = 0, total_bytes = 0;
  WAFER_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  frames_per_batch_ = trace_frames_per_batch(words_, batch_cycles, free_bytes);
  if (frames_per_batch_ == 0) {
    throw Error("trace: one frame of the rectangle takes " + std::to_string(words_ * sizeof(uint32_t)) +
                " bytes of device memory, more than half of the " + std::to_string(free_bytes) +
                " bytes free: trace a smaller rectangle");
  }
  streams_ = DeviceBuffer(uint64_t(gather_.stream_count) * sizeof(uint32_t));
  if (gather_.stream_count > 0) {
    // On the engine's stream, so every gather enqueued after it sees the list. (A plain cudaMemcpy would go
    // to the legacy default stream, which the engine's non-blocking stream does not wait for.) The source,
    // the recorder's list, lives as long as the recorder.
    WAFER_CUDA_CHECK(cudaMemcpyAsync(streams_.get(), gather_.streams, streams_.bytes(), cudaMemcpyHostToDevice, stream_));
  }
  gather_.streams = streams_.as<uint32_t>();
  frames_ = DeviceBuffer(uint64_t(frames_per_batch_) * words_ * sizeof(uint32_t));
  host_.resize(uint64_t(frames_per_batch_) * words_);
}

void DeviceTraceFrames::download(uint64_t frames) {
  WAFER_CUDA_CHECK(cudaMemcpyAsync(host_.data(), frames_.get(), frames * words_ * sizeof(uint32_t),
                                   cudaMemcpyDeviceToHost, stream_));
  WAFER_CUDA_CHECK(cudaStreamSynchronize(stream_));
}

void DeviceTraceFrames::baseline(const MachineView& view, uint64_t cycle, bool debug_sync) {
  if (rec_.begun()) return;  // a later run of the same recorder: its baseline was the first run's
  enqueue(view, 0, debug_sync);
  download(1);
  rec_.begin(host_.data(), cycle);
}

void DeviceTraceFrames::enqueue(const MachineView& view, uint32_t slot, bool debug_sync) {
  if (!rec_.recording()) return;  // cut by its limit: the rest of the run costs no gathers
  enqueue_trace_gather(view, gather_, frames_.as<uint32_t>() + uint64_t(slot) * words_, stream_, debug_sync);
}

void DeviceTraceFrames::deliver(uint64_t count, uint64_t cycle_before) {
  if (!rec_.recording() || count == 0) return;
  download(count);
  deliver_trace_frames(rec_, host_.data(), words_, count, cycle_before);
}

}  // namespace wafer
