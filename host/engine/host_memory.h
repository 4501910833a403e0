// How much host memory the emulator may use, and the refusal of a machine state that would not fit:
// a grid too large for the host is an error with the figures, before anything is allocated, never a
// std::bad_alloc (or the kernel's OOM killer) halfway through a load.
#pragma once
#include <cstdint>
#include <string>

namespace wafer {

// The most PEs an image may have (Image::validate refuses more).
inline constexpr uint64_t kMaxImagePes = uint64_t(1) << 30;

struct HostMemory {
  uint64_t available = 0;  // what a new allocation can still get: MemAvailable, capped by the cgroup limit
  uint64_t total = 0;      // physical memory, or the cgroup limit when lower
};
// Read from /proc/meminfo and /sys/fs/cgroup (cgroup v2); zeros where they cannot be read.
HostMemory host_memory();

// "1.25 GiB".
std::string gib(uint64_t bytes);

// Throws wafer::Error when `bytes` (the state of a `width` x `height` grid) exceeds the available host
// memory: "the machine state of a 762x1172 grid needs 51.2 GiB of host memory, but 20.3 GiB is available
// (of 23.0 GiB)". Does nothing when the available memory cannot be read.
void check_fits_host_memory(uint64_t bytes, uint32_t width, uint32_t height);
// The refusal's message for given figures, or "" when the state fits (or the memory is unknown).
std::string host_memory_refusal(uint64_t bytes, uint32_t width, uint32_t height, const HostMemory& memory);

}  // namespace wafer
