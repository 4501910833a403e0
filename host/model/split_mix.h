// SplitMix64: the project's one fixed, portable generator, so a seed means the same numbers on every
// machine (random problems, the JSON importer's seeded weights, tests and benchmarks). Values come from
// the top 24 bits, so every float it gives is exact in fp32.
#pragma once
#include <cstdint>

namespace wafer {

struct SplitMix {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  float uniform() { return float(int32_t(next() >> 40) - (1 << 23)) / float(1 << 23); }  // [-1, 1)
  double unit() { return double(next() >> 40) / double(1ull << 24); }                    // [0, 1)
};

}  // namespace wafer
