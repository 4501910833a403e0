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

}  // namespace wafer
