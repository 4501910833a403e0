// Reductions over the device state: the whole-state hash and the counter totals (thrust on the engine's
// stream). Host-only header.
#pragma once
#include <cstdint>
#include <vector>

#include <cuda_runtime_api.h>

#include "cuda/device_state.h"

namespace wafer {

// Equals MachineState::hash() of the same state: the wrapping sum of hash_element(array id, position, value)
// over every mutable array, array id = position in for_each_array order (host/model/hash.h).
uint64_t device_state_hash(const DeviceState& state, cudaStream_t stream);

// Sum over all PEs of each counter: kCounterCount entries.
std::vector<uint64_t> device_counter_totals(const MachineView& view, cudaStream_t stream);

}  // namespace wafer
