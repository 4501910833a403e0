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

#include <cuda_runtime_api.h>

#include "cuda/step_thread.h"
#include "host/image/image.h"
#include "host/model/state.h"

namespace wafer {

// Enqueues one cycle (both launches) and checks each launch (WAFER_CUDA_CHECK_LAUNCH with debug_sync).
// Legal inside stream capture when debug_sync is false.
void enqueue_cycle(const MachineView& view, DeviceControl* control, uint32_t block_size, cudaStream_t stream,
                   bool debug_sync);

// The SDK's launch, in copy mode: activate local task `task` on every PE of `rect` (clipped by the caller).
void enqueue_activate(const MachineView& view, Rect rect, uint32_t task, cudaStream_t stream,
                      bool debug_sync);

}  // namespace wafer
