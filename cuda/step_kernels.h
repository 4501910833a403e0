// Launchers of the per-cycle kernels. The engine (plain C++) enqueues cycles through these functions and
// never sees a kernel; what each thread does is step_thread.h.
//
// One cycle = two launches on the engine's stream:
//   step_kernel:        threads [0, n) step PEs, [n, n + in) input streams, [n + in, n + in + out) output
//                       streams; each warp ORs its summary bits into DeviceControl::summary.
//   run_control_kernel: one thread applies after_cycle (host/model/run_control.h) to that summary, exactly
//                       as the CPU engine does, and sets DeviceControl::progress.stop.
// Every launch first reads progress.stop and returns at once when it is set, so a batch of enqueued cycles
// that runs past a stop condition changes nothing: the machine stops at exactly the CPU engine's cycle.
#pragma once
#include <cstdint>
#include <string>

#include <cuda_runtime_api.h>

#include "cuda/step_thread.h"
#include "host/image/image.h"
#include "host/model/state.h"
#include "host/model/trace_frame.h"

namespace wafer {

// The largest block the step kernel is compiled for (its __launch_bounds__): ptxas keeps the registers low
// enough for a block of this size to fit an SM, and a larger block cannot launch. 768 = 24 warps: 76
// registers with no spills on sm_80..sm_90 (docs/cuda-engine.md, "Registers and occupancy").
inline constexpr uint32_t kStepKernelMaxBlock = 768;

// What the driver says about the compiled step kernel (cudaFuncGetAttributes).
struct StepKernelLimits {
  uint32_t max_threads_per_block = 0;
  uint32_t registers = 0;
  uint64_t local_bytes = 0;  // stack frame + spills per thread
};
// Needs a device; throws through WAFER_CUDA_CHECK.
StepKernelLimits step_kernel_limits(bool permuted = false);

// "" when the step kernel can launch blocks of `block` threads, else the refusal, with the figures.
inline std::string step_block_refusal(uint32_t block, const StepKernelLimits& k) {
  if (block <= k.max_threads_per_block) return "";
  return "CUDA launch: block size " + std::to_string(block) + " exceeds the step kernel's limit of " +
         std::to_string(k.max_threads_per_block) + " threads per block (it uses " + std::to_string(k.registers) +
         " registers per thread)";
}

// How step_kernel is launched: threads per block, and the debug order of threads (ThreadOrder).
struct StepLaunch {
  uint32_t block_size = 256;
  bool permuted = false;
};

// Enqueues one cycle (both launches) and checks each launch (WAFER_CUDA_CHECK_LAUNCH with debug_sync).
// Legal inside stream capture when debug_sync is false.
void enqueue_cycle(const MachineView& view, DeviceControl* control, const StepLaunch& launch,
                   cudaStream_t stream, bool debug_sync);

// The SDK's launch, in copy mode: activate local task `task` on every PE of `rect` (clipped by the caller).
void enqueue_activate(const MachineView& view, Rect rect, uint32_t task, cudaStream_t stream,
                      bool debug_sync);

// Gathers the trace frame (host/model/trace_frame.h) of the state the cycles enqueued so far leave into
// `frame` (device memory, trace_frame_words(g) words; g.streams in device memory too). It reads the state
// only, so a run that is traced steps exactly as one that is not.
void enqueue_trace_gather(const MachineView& view, const TraceGather& g, uint32_t* frame, cudaStream_t stream,
                          bool debug_sync);

}  // namespace wafer
