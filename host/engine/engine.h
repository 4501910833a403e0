// The one small interface every executor implements (CPU reference, CUDA, later multi-GPU).
// Engines are created by name from an explicit table (make_engine); there is no self-registration.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/engine/machine_state.h"
#include "host/image/image.h"

namespace wafer {

enum class StopReason { kCycleLimit, kQuiescent, kOutputs, kTrap, kStall };
const char* stop_reason_name(StopReason r);

class TraceRecorder;  // host/engine/trace.h

struct RunRequest {
  uint64_t max_cycles = 1000000;  // stop after this many cycles in this call
  bool until_quiescent = false;   // stop when nothing is in flight and nothing is runnable
  int32_t output_stream = -1;     // with output_count: stop once this stream has received K elements
  uint64_t output_count = 0;
  uint64_t watchdog_cycles = 10000;  // stop with a stall report after this many cycles without progress
  // Observation, off by default and then free: a recorder given a frame of the traced PEs after every
  // cycle (the CUDA engine gathers them on the device and delivers them once per batch), and a callback
  // every `progress_every` cycles with the cycle count reached.
  TraceRecorder* trace = nullptr;
  std::function<void(uint64_t cycle)> on_progress = nullptr;
  uint64_t progress_every = 0;
};

struct TrapReport {
  uint32_t x = 0, y = 0;
  uint64_t cycle = 0;
  uint32_t cause = 0, pc = 0, value = 0;
  std::string kernel;
  std::string details;  // the cause in words, with the offending values (colors and symbols by name)
  // Where the image has source names (else empty, 0): the task that ran and the pc's source line.
  uint32_t task_id = 0xFFu;  // kNoTask: none (a router trap, or between tasks)
  std::string task;          // the task's source name
  std::string file;          // the kernel's source file
  uint32_t line = 0;         // the pc's source line
  // "trap at PE(3,4) cycle 17: <cause>: <details> in task 'main' at prog.wasm:12 [kernel 'k', pc 5]"
  // (the task and line parts only where the image has names)
  std::string describe() const;
};

// One PE with pending work when the watchdog fired.
struct PeWait {
  uint32_t x = 0, y = 0;
  std::string kernel;        // "" when the PE runs none
  uint32_t task_id = 0xFFu;  // the running task (kNoTask: none)
  std::string task;          // its source name, where the image has one
  uint32_t pc = 0xFFFFFFFFu;  // the instruction it is stuck on (kNoPc: none)
  std::string file;          // the pc's source file and line, where the image has a line table
  uint32_t line = 0;
  std::string waits;         // what it waits on, in words
};

// PEs that wait on the same thing: the same kernel, task and source line, and the same wait once the
// neighbour names and queue counts are left out. What makes 100,000 stalled PEs read as a few lines.
struct StallGroup {
  uint64_t pes = 0;
  Rect bounds;              // the smallest rectangle holding them all
  PeWait first;             // the first of them (row-major), in full
  std::string waits;        // the wait, with neighbours and counts left out (the group's key)
};

inline constexpr size_t kMaxStallGroups = 12;   // groups StallReport::describe() prints
inline constexpr size_t kGroupedStallLines = 8;  // PE lines it prints after the groups

struct StallReport {
  uint64_t cycle = 0;              // cycle at which the watchdog fired
  uint64_t quiet_cycles = 0;       // cycles without progress
  uint64_t waiting_pes = 0;        // PEs with pending work
  std::vector<std::string> waits;  // "PE(x,y): what it waits on", at most a few dozen
  std::vector<PeWait> pes;         // the same PEs' waits as fields (input streams are only in `waits`)
  std::vector<StallGroup> groups;  // every waiting PE, grouped; largest group first
  std::string describe() const;
};

struct RunResult {
  StopReason reason = StopReason::kCycleLimit;
  uint64_t cycles = 0;  // cycles run by this call
  std::optional<TrapReport> trap;
  std::optional<StallReport> stall;
  std::string describe() const;
};

struct Wavelet {
  uint32_t payload = 0;
  uint32_t meta = 0;  // index (bits 0..15) | color << 16 | ctrl << 21
  uint32_t index() const { return meta & 0xFFFFu; }
  float as_float() const;
};

struct EngineOptions {
  unsigned threads = 0;             // CPU engine: 0 = all hardware threads
  bool skip_quiet_segments = true;  // CPU engine: skip PEs with no work in or next to them (activity_map.h)
  bool debug_sync = false;          // CUDA engine: synchronise and check after every launch
  int device = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual const char* name() const = 0;

  // Replaces the whole machine with the image's initial state. Throws wafer::Error on a bad image or
  // when the state does not fit the engine's memory (the message gives the figure).
  virtual void load(const Image& image) = 0;

  // Advances the machine; deterministic for any thread count or launch shape. After a trap or a stall
  // the machine stays stopped: further runs return the same report without advancing.
  virtual RunResult run(const RunRequest& request) = 0;
  virtual uint64_t cycle() const = 0;

  // Copy-mode host access, outside of time. Throws wafer::Error on a PE or address out of range.
  virtual std::vector<uint32_t> read_sram(uint32_t x, uint32_t y, uint32_t addr, uint32_t count) const = 0;
  virtual void write_sram(uint32_t x, uint32_t y, uint32_t addr, const std::vector<uint32_t>& words) = 0;
  // The same over a rectangle in one call: `count` words from addr[i] of the rectangle's PE i (row-major),
  // PE-major in `words` (PE i's at [i * count, (i + 1) * count)). Every PE is checked before any is copied,
  // so a refused write changes nothing. The CUDA engine moves each run of neighbouring PEs that share an
  // address in one transfer and synchronises once, not once per PE.
  virtual void read_sram_rect(Rect r, const std::vector<uint32_t>& addr, uint32_t count, uint32_t* words) const = 0;
  virtual void write_sram_rect(Rect r, const std::vector<uint32_t>& addr, uint32_t count, const uint32_t* words) = 0;
  virtual uint32_t read_reg(uint32_t x, uint32_t y, uint32_t reg) const = 0;
  virtual void write_reg(uint32_t x, uint32_t y, uint32_t reg, uint32_t value) = 0;
  // The SDK's launch: activate local task `task` on every PE in rect.
  virtual void activate(Rect rect, uint32_t task) = 0;

  virtual std::vector<Wavelet> output(uint32_t stream) const = 0;
  // Sum over all PEs of each counter (kCounterCount entries) and the per-PE array of one counter.
  virtual std::vector<uint64_t> counter_totals() const = 0;
  virtual std::vector<uint64_t> counter_per_pe(Counter c) const = 0;

  virtual uint64_t state_hash() const = 0;

  // The mutable state as a stream of chunks, for state dumps (host/engine/state_file.h): every array of
  // MachineState::for_each_array in that order, each in chunks of at most kStateChunkBytes, so that a dump
  // of a full wafer never needs a second copy of the machine. f(array, array bytes, offset, data, bytes).
  using StateChunkFn =
      std::function<void(const char* array, uint64_t array_bytes, uint64_t offset, void* data, uint64_t bytes)>;
  static constexpr uint64_t kStateChunkBytes = 64ull << 20;
  virtual void read_state(const StateChunkFn& f) const;
  // The reverse, on a loaded image of the same shape: f fills each chunk; then the engine sets its cycle
  // counter and rebuilds what it derives from the state. Engines that cannot throw wafer::Error.
  virtual void write_state(const StateChunkFn& f, uint64_t cycle);

 protected:
  // How read_state and write_state cut an array of `bytes`: chunk(offset, n) for each piece of at most
  // kStateChunkBytes; an empty array still gets one call (0, 0), so that every array is named.
  template <class Chunk>
  static void state_chunks(uint64_t bytes, Chunk&& chunk) {
    if (bytes == 0) return chunk(uint64_t(0), uint64_t(0));
    for (uint64_t off = 0; off < bytes; off += kStateChunkBytes)
      chunk(off, bytes - off < kStateChunkBytes ? bytes - off : kStateChunkBytes);
  }

 public:
  // Copies the whole state out, for exact engine-vs-engine comparison.
  virtual MachineState snapshot() const = 0;
  // Calls f with the machine state as the reports read it (trap and stall reports, the waiting heatmap):
  // every array but SRAM, which may be empty (reports never read it: Reports.NeedNoSram). The CPU engine
  // passes its own state, no copy; the CUDA engine downloads all but SRAM: 1.2 GB for a full wafer
  // instead of 45 GB with 48 KiB per PE.
  virtual void inspect(const std::function<void(const MachineState&)>& f) const = 0;
};

// Engine names: "cpu" always; "cuda" when built with the CUDA engine. Throws wafer::Error otherwise.
std::unique_ptr<Engine> make_engine(const std::string& name, const EngineOptions& options = {});
std::vector<std::string> engine_names();
bool cuda_engine_built();

// What `wafer info` says about the GPU: whether the CUDA engine is built and whether a device is there.
struct GpuStatus {
  bool built = false, present = false;
  std::string summary;  // one line: device name and memory, or why there is none
  uint64_t free_bytes = 0, total_bytes = 0;
};
GpuStatus gpu_status(int device = 0);
// Device memory the CUDA engine allocates for a grid (state, per-buffer rounding, scratch); where the CUDA
// engine is not built, the state size alone.
uint64_t gpu_bytes_needed(uint32_t width, uint32_t height, uint32_t sram_words);

}  // namespace wafer
