// The whole-state hash: a sum of per-element mixes, so any executor can reduce it in any order
// (thrust::transform_reduce on the GPU, threads on the CPU) and get the same 64-bit value.
#pragma once
#include <cstdint>

#include "host/model/hd.h"

namespace wafer {

// splitmix64 finaliser of (array id, element position, value).
WAFER_HD inline uint64_t hash_element(uint32_t array_id, uint64_t position, uint64_t value) {
  uint64_t z =
      value * 0x9E3779B97F4A7C15ull ^ (position + 0x632BE59BD9B4E019ull) ^ (uint64_t(array_id) << 56);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// hash_element of element i of an array of 4- or 8-byte elements (4-byte ones zero-extended): the one
// widening rule of MachineState::hash(), the device reduction and the emulated device.
WAFER_HD inline uint64_t hash_array_element(uint32_t array_id, const void* data, uint32_t elem_size, uint64_t i) {
  const uint64_t value =
      elem_size == 8 ? static_cast<const uint64_t*>(data)[i] : uint64_t(static_cast<const uint32_t*>(data)[i]);
  return hash_element(array_id, i, value);
}

}  // namespace wafer
