// The CUDA engine's kernels on the emulated device (WAFER_CUDA=EMULATED): what step_kernels.cu and
// state_reduce.cu launch, as host loops over the same per-thread functions (cuda/step_thread.h,
// host/model/trace_frame.h), enqueued through the emulated runtime so that stream capture records them.
#include "cuda/state_reduce.h"
#include "cuda/step_kernels.h"
#include "host/model/hash.h"

namespace wafer {

StepKernelLimits step_kernel_limits(bool) {
  // No registers to count: the emulated device takes the largest block the build allows.
  return {kStepKernelMaxBlock, 0, 0};
}

void enqueue_cycle(const MachineView& view, DeviceControl* control, const StepLaunch& launch, cudaStream_t stream,
                   bool) {
  emulated::launch(stream, [view, control, launch] {
    // step_kernel: every thread returns at once past a stop; the grid is rounded up to whole blocks.
    if (control->progress.stop != kRunOn) return;
    const uint64_t threads = cycle_threads(view);
    const uint64_t grid = (threads + launch.block_size - 1) / launch.block_size * launch.block_size;
    const ThreadOrder order = launch.permuted ? permuted_order(threads) : ThreadOrder{};
    uint32_t summary = 0;
    for (uint64_t i = 0; i < grid; ++i) summary |= step_thread(view, launch.permuted ? ordered_thread(order, i) : i, control->cycle);
    control->summary |= summary;
  });
  emulated::launch(stream, [view, control] { run_control_step(*control, view.out_received, view.out_count); });
}

void enqueue_activate(const MachineView& view, Rect rect, uint32_t task, cudaStream_t stream, bool) {
  emulated::launch(stream, [view, rect, task] {
    for (uint64_t i = 0; i < uint64_t(rect.w) * rect.h; ++i) {
      const uint64_t p = (rect.y + i / rect.w) * uint64_t(view.width) + rect.x + i % rect.w;
      view.activated[p] |= 1u << task;
      if (!(view.blocked[p] & (1u << task))) view.flags[p] |= kFlagHasWork;
    }
  });
}

void enqueue_trace_gather(const MachineView& view, const TraceGather& g, uint32_t* frame, cudaStream_t stream,
                          bool) {
  emulated::launch(stream, [view, g, frame] {
    for (uint64_t i = 0; i < trace_frame_items(g); ++i) gather_trace_item(view, g, i, frame);
  });
}

uint64_t device_state_hash(const DeviceState& state, cudaStream_t) {
  uint64_t total = 0;
  uint32_t array_id = 0;
  for (const DeviceArray& a : state.arrays()) {
    const uint32_t id = array_id++;
    for (uint64_t i = 0; i < a.count; ++i) total += hash_array_element(id, a.data, a.elem_size, i);
  }
  return total;
}

std::vector<uint64_t> device_counter_totals(const MachineView& view, cudaStream_t) {
  std::vector<uint64_t> totals(kCounterCount, 0);
  for (uint32_t c = 0; c < uint32_t(kCounterCount); ++c)
    for (uint64_t p = 0; p < view.n; ++p) totals[c] += view.ctr[uint64_t(c) * view.n + p];
  return totals;
}

}  // namespace wafer
