// The per-cycle kernels (see step_kernels.h). The semantics are host/model/cycle.h, shared with the CPU
// engine; this file only maps threads to PEs and streams and reduces the cycle's summary.
#include "cuda/cuda_check.h"
#include "cuda/step_kernels.h"

namespace wafer {

namespace {

// __launch_bounds__(kStepKernelMaxBlock): ptxas must fit a block of that many threads in one SM's
// registers, which caps the step kernel at 76 registers (118 without on sm_90), no stack, no spills
// (docs/cuda-engine.md, "Registers and occupancy"; tests/cuda/check_registers.cmake pins it).
// __grid_constant__: the view is read through a reference inside PeCycle; without it, taking the address of
// a kernel parameter would copy the ~400-byte view to local memory in every thread.
// kPermuted (debug): threads step PEs in ThreadOrder's scattered order; the normal kernel pays nothing for it.
template <bool kPermuted>
__global__ void __launch_bounds__(kStepKernelMaxBlock)
    step_kernel(const __grid_constant__ MachineView v, DeviceControl* control, ThreadOrder order) {
  // Uniform across the grid: either every thread returns here or none does, so the warp votes below always
  // see full warps (the block size is a multiple of 32).
  if (control->progress.stop != kRunOn) return;
  uint64_t i = uint64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if constexpr (kPermuted) i = ordered_thread(order, i);
  const uint32_t mine = step_thread(v, i, control->cycle);
  // OR is order-independent, so atomics here cannot make results depend on scheduling (DESIGN.md 3). One
  // vote per bit per warp and one atomic per warp that has something to report: idle warps cost no atomics.
  const unsigned full = 0xFFFFFFFFu;
  const uint32_t bits = (__any_sync(full, mine & kSummaryProgress) ? kSummaryProgress : 0u) |
                        (__any_sync(full, mine & kSummaryPending) ? kSummaryPending : 0u) |
                        (__any_sync(full, mine & kSummaryTrapped) ? kSummaryTrapped : 0u);
  if ((threadIdx.x & 31u) == 0 && bits != 0) atomicOr(&control->summary, bits);
}

__global__ void run_control_kernel(DeviceControl* control, const uint64_t* out_received, uint32_t out_count) {
  run_control_step(*control, out_received, out_count);
}

__global__ void activate_kernel(const __grid_constant__ MachineView v, Rect rect, uint32_t task) {
  const uint64_t i = uint64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= uint64_t(rect.w) * rect.h) return;
  const uint64_t p = (rect.y + i / rect.w) * uint64_t(v.width) + rect.x + i % rect.w;
  // Same update as the CPU engine's activate(): a blocked task is recorded but gives the PE no work yet.
  v.activated[p] |= 1u << task;
  if (!(v.blocked[p] & (1u << task))) v.flags[p] |= kFlagHasWork;
}

// One thread per frame item (trace_frame.h): a PE of the traced rectangle, then a stream.
__global__ void trace_gather_kernel(const __grid_constant__ MachineView v, TraceGather g, uint32_t* frame) {
  const uint64_t i = uint64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  gather_trace_item(v, g, i, frame);
}

}  // namespace

StepKernelLimits step_kernel_limits(bool permuted) {
  cudaFuncAttributes a{};
  if (permuted) {
    WAFER_CUDA_CHECK(cudaFuncGetAttributes(&a, step_kernel<true>));
  } else {
    WAFER_CUDA_CHECK(cudaFuncGetAttributes(&a, step_kernel<false>));
  }
  return {uint32_t(a.maxThreadsPerBlock), uint32_t(a.numRegs), uint64_t(a.localSizeBytes)};
}

void enqueue_cycle(const MachineView& view, DeviceControl* control, const StepLaunch& launch,
                   cudaStream_t stream, bool debug_sync) {
  const uint64_t threads = cycle_threads(view);
  const uint32_t blocks = uint32_t((threads + launch.block_size - 1) / launch.block_size);
  if (launch.permuted) {
    step_kernel<true><<<blocks, launch.block_size, 0, stream>>>(view, control, permuted_order(threads));
    WAFER_CUDA_CHECK_LAUNCH(step_kernel<true>, debug_sync);
  } else {
    step_kernel<false><<<blocks, launch.block_size, 0, stream>>>(view, control, ThreadOrder{});
    WAFER_CUDA_CHECK_LAUNCH(step_kernel<false>, debug_sync);
  }
  run_control_kernel<<<1, 1, 0, stream>>>(control, view.out_received, view.out_count);
  WAFER_CUDA_CHECK_LAUNCH(run_control_kernel, debug_sync);
}

void enqueue_activate(const MachineView& view, Rect rect, uint32_t task, cudaStream_t stream,
                      bool debug_sync) {
  const uint64_t pes = uint64_t(rect.w) * rect.h;
  if (pes == 0) return;
  constexpr uint32_t kBlock = 256;
  activate_kernel<<<uint32_t((pes + kBlock - 1) / kBlock), kBlock, 0, stream>>>(view, rect, task);
  WAFER_CUDA_CHECK_LAUNCH(activate_kernel, debug_sync);
}

void enqueue_trace_gather(const MachineView& view, const TraceGather& g, uint32_t* frame, cudaStream_t stream,
                          bool debug_sync) {
  const uint64_t items = trace_frame_items(g);
  if (items == 0) return;
  constexpr uint32_t kBlock = 128;
  trace_gather_kernel<<<uint32_t((items + kBlock - 1) / kBlock), kBlock, 0, stream>>>(view, g, frame);
  WAFER_CUDA_CHECK_LAUNCH(trace_gather_kernel, debug_sync);
}

}  // namespace wafer
