// The machine state in device memory: one buffer per MachineState array, same structure-of-arrays layout
// (element k of PE p at [k * n + p], SRAM word w of PE p at [w * n + p]), plus the read-only tables, and the
// MachineView of device pointers the kernels step.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "cuda/device_buffer.h"
#include "host/engine/machine_state.h"
#include "host/model/state.h"

namespace wafer {

// A mutable array on the device, as MachineState::for_each_array describes it.
struct DeviceArray {
  std::string name;
  void* data = nullptr;
  uint64_t count = 0;
  uint32_t elem_size = 0;
  uint32_t per_pe = 0;
};

class DeviceState {
 public:
  // Allocates every array and table of `s` and copies it in. Replaces what was there. Memory must have been
  // checked by the caller (plan_device_memory / require_fits): an allocation failure here still throws.
  void upload(const MachineState& s, cudaStream_t stream);
  // Copies every mutable array into `s`, whose arrays must already have the uploaded sizes (checked).
  // Without SRAM (with_sram false), s.sram must be empty and stays so.
  void download(MachineState& s, cudaStream_t stream, bool with_sram = true) const;
  void release();

  bool loaded() const { return !arrays_.empty(); }
  const MachineView& view() const { return view_; }
  // Mutable arrays in for_each_array order: the array id of the state hash is the position here.
  const std::vector<DeviceArray>& arrays() const { return arrays_; }

 private:
  void upload_arrays(const MachineState& s, cudaStream_t stream);
  void* find(const char* name) const;

  std::vector<DeviceBuffer> buffers_;
  std::vector<DeviceArray> arrays_;
  MachineView view_{};
};

}  // namespace wafer
