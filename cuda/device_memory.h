// How much device memory the CUDA engine needs, computed on the host before anything is allocated, so a
// run that does not fit fails before it starts with the figure (issue 3). Pure arithmetic: tested on the CPU.
#pragma once
#include <cstdint>
#include <string>

#include "host/engine/machine_state.h"

namespace wafer {

// cudaMalloc hands out large buffers in 2 MiB pages; charging every buffer a whole page bounds the waste.
inline constexpr uint64_t kDeviceAllocGranularity = 2ull << 20;
// Temporary storage of the reductions (hash, counter totals), the run-control word and the instantiated
// CUDA graph: a few MiB in practice; 64 MiB keeps a margin without mattering next to a wafer's state.
inline constexpr uint64_t kDeviceScratchBytes = 64ull << 20;

// Bytes one PE's fields take (every WAFER_PE_FIELDS entry), without SRAM.
uint64_t pe_field_bytes();

struct DeviceMemoryPlan {
  uint64_t state_bytes = 0;  // every mutable array of MachineState (fields, SRAM, edges, streams)
  uint64_t table_bytes = 0;  // read-only tables: kernels, code, edge_out_stream, stream descriptors and data
  uint64_t rounding_bytes = 0;  // buffers x kDeviceAllocGranularity
  uint64_t scratch_bytes = kDeviceScratchBytes;
  uint32_t buffers = 0;  // device allocations (empty arrays are not allocated)
  uint64_t total() const { return state_bytes + table_bytes + rounding_bytes + scratch_bytes; }
};

// The exact plan for a built state: what DeviceState::upload will allocate.
DeviceMemoryPlan plan_device_memory(const MachineState& state);

// The plan for a grid before any state is built (wafer info, the engine's pre-check that keeps a hopeless
// image from being built in host memory at all): `sram_words` words per PE, no streams and no code. Equals
// plan_device_memory(load_machine(image)) for such an image; streams and code add their (small) tables.
DeviceMemoryPlan plan_device_memory(uint32_t width, uint32_t height, uint32_t sram_words);
inline uint64_t device_bytes_for_grid(uint32_t width, uint32_t height, uint32_t sram_words) {
  return plan_device_memory(width, height, sram_words).total();
}

// "41.96 GiB"
std::string format_gib(uint64_t bytes);

// Throws wafer::Error "image on WxH PEs with S SRAM words per PE needs X GiB of device memory (...), <device>
// has Y GiB free" when plan.total() > free_bytes.
void require_fits(const DeviceMemoryPlan& plan, uint32_t width, uint32_t height, uint32_t sram_words,
                  uint64_t free_bytes, const std::string& device);

}  // namespace wafer
