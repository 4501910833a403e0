// Fixed parameters of machine model v1 (docs/machine-model.md). Changing one changes the model.
#pragma once
#include <cstdint>

namespace wafer {

inline constexpr int kColors = 24;     // routable colors (virtual channels)
inline constexpr int kQueueDepth = 2;  // per-color queue depth, router and core input
inline constexpr int kRegs = 16;       // general 32-bit registers per core
inline constexpr int kDsrs = 8;        // descriptor registers per core
inline constexpr int kDsrWords = 2;    // words per descriptor
inline constexpr int kTasks = 32;      // task ids: 0..23 data tasks, 24..31 local tasks
inline constexpr int kFirstLocalTask = 24;
inline constexpr int kMicrothreads = 4;             // asynchronous vector-op slots
inline constexpr int kOpSlots = 1 + kMicrothreads;  // slot 0 = the main thread's synchronous op
inline constexpr int kOpWords = 6;                  // words of in-flight state per op slot
inline constexpr uint32_t kSramBytes = 48 * 1024;
inline constexpr uint32_t kSramWords = kSramBytes / 4;  // 12288 words
inline constexpr uint32_t kInstrWords = 2;              // an instruction occupies 2 SRAM words (64 bits)
inline constexpr uint32_t kNoKernel = 0xFFFFFFFFu;
inline constexpr uint32_t kNoTask = 0xFFu;
inline constexpr uint32_t kUnbound = 0xFFFFFFFFu;  // task entry of an unbound task
inline constexpr uint32_t kNoPc = 0xFFFFFFFFu;     // a trap not charged to an instruction

// Router ports. Directions are numbered so that opposite(d) == d ^ 2.
enum Port : uint32_t { kNorth = 0, kEast = 1, kSouth = 2, kWest = 3, kRamp = 4 };
inline constexpr int kDirs = 4;
inline constexpr int kPorts = 5;
inline constexpr uint32_t kNoPort = 7;  // rx value of a color with no route

// Grid presets (public figures).
struct GridPreset {
  const char* name;
  uint32_t width;
  uint32_t height;
};
inline constexpr GridPreset kPresets[] = {{"wse2", 757, 996}, {"wse3", 762, 1172}};

// Cycle conversion used by reports (the SDK converts at 850 MHz).
inline constexpr double kClockHz = 850e6;

}  // namespace wafer
