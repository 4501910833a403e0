// Device-memory arithmetic of the CUDA engine (see device_memory.h).
#include "cuda/device_memory.h"

#include <cstdio>

#include "host/model/error.h"

namespace wafer {

namespace {

// The read-only tables DeviceState uploads next to the mutable arrays, in upload order.
template <class F>
void for_each_table(const MachineState& s, F&& f) {
  f(s.kernels.size() * sizeof(KernelInfo));
  f(s.code.size() * sizeof(Instr));
  f(s.edge_out_stream.size() * sizeof(int32_t));
  f(s.in_info.size() * sizeof(InStreamInfo));
  f(s.in_data_pay.size() * sizeof(uint32_t));
  f(s.in_data_meta.size() * sizeof(uint32_t));
  f(s.out_info.size() * sizeof(OutStreamInfo));
}

// Arrays per PE (fields + SRAM) plus the four edge-link arrays and edge_out_stream: the buffers every
// image has, whatever its streams.
constexpr uint32_t grid_buffers() {
  uint32_t fields = 0;
#define WAFER_COUNT_FIELD(type, name, count) ++fields;
  WAFER_PE_FIELDS(WAFER_COUNT_FIELD)
#undef WAFER_COUNT_FIELD
  return fields + 1 + 4 + 1;
}

}  // namespace

uint64_t pe_field_bytes() {
  uint64_t bytes = 0;
#define WAFER_FIELD_BYTES(type, name, count) bytes += sizeof(type) * uint64_t(count);
  WAFER_PE_FIELDS(WAFER_FIELD_BYTES)
#undef WAFER_FIELD_BYTES
  return bytes;
}

DeviceMemoryPlan plan_device_memory(const MachineState& s) {
  DeviceMemoryPlan plan;
  s.for_each_array([&](const char*, const void*, size_t count, size_t elem_size, uint32_t) {
    if (count == 0) return;
    plan.state_bytes += uint64_t(count) * elem_size;
    ++plan.buffers;
  });
  for_each_table(s, [&](uint64_t bytes) {
    if (bytes == 0) return;
    plan.table_bytes += bytes;
    ++plan.buffers;
  });
  plan.rounding_bytes = uint64_t(plan.buffers) * kDeviceAllocGranularity;
  return plan;
}

DeviceMemoryPlan plan_device_memory(uint32_t width, uint32_t height, uint32_t sram_words) {
  DeviceMemoryPlan plan;
  const uint64_t slots = 2ull * width + 2ull * height;
  plan.state_bytes = MachineState::bytes_needed(width, height, sram_words);
  plan.table_bytes = slots * sizeof(int32_t);  // edge_out_stream
  // A grid without SRAM has no SRAM buffer, as plan_device_memory(state) would find.
  plan.buffers = grid_buffers() - (sram_words == 0 ? 1u : 0u);
  plan.rounding_bytes = uint64_t(plan.buffers) * kDeviceAllocGranularity;
  return plan;
}

std::string format_gib(uint64_t bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f GiB", double(bytes) / double(1ull << 30));
  return buf;
}

void require_fits(const DeviceMemoryPlan& plan, uint32_t width, uint32_t height, uint32_t sram_words,
                  uint64_t free_bytes, const std::string& device) {
  if (plan.total() <= free_bytes) return;
  throw Error("image on " + std::to_string(width) + "x" + std::to_string(height) + " PEs with " +
              std::to_string(sram_words) + " SRAM words per PE needs " + format_gib(plan.total()) +
              " of device memory (state " + format_gib(plan.state_bytes) + ", tables " +
              format_gib(plan.table_bytes) + ", allocation rounding and scratch " +
              format_gib(plan.rounding_bytes + plan.scratch_bytes) + "), " + device + " has " +
              format_gib(free_bytes) + " free");
}

}  // namespace wafer
