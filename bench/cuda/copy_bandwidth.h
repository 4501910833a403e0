// The yardstick for the engine's memory traffic: device-to-device cudaMemcpy bandwidth, measured in the same
// run on the same device.
#pragma once
#include <cstdint>

namespace wafer::bench {

struct CopyBandwidth {
  uint64_t bytes = 0;           // size of one copy
  double seconds = 0;           // best of the repetitions
  double bytes_per_second = 0;  // read + write traffic: 2 * bytes / seconds
};

// Copies a `bytes` buffer device to device `repetitions` times (after one warm-up) and keeps the fastest.
CopyBandwidth measure_copy_bandwidth(uint64_t bytes, int repetitions);

}  // namespace wafer::bench
