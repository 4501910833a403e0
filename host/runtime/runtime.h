// The host API a user drives (docs/host-api.md): the SDK's SdkRuntime over any Engine.
//
//   wafer::Runtime rt("cpu");
//   rt.load("data/programs/summa.wasm", {{"P", "4"}, {"T", "4"}});
//   rt.memcpy_h2d("A", wafer::Rect{0, 0, 4, 4}, a_tiles);       // 16 floats per PE, row-major [y][x][k]
//   rt.memcpy_h2d("B", wafer::Rect{0, 0, 4, 4}, b_tiles);
//   wafer::RunOutcome r = rt.run();                           // until quiescent; r.failure() says what failed
//   std::vector<float> c = rt.memcpy_d2h_f32("C", wafer::Rect{0, 0, 4, 4});
//
// (summa's task starts at load; rt.launch("add", rect) starts a local task that waits for the host.)
// Copies move a PxQ rectangle of per-PE arrays in the SDK's row-major or column-major order
// (host/runtime/rect_copy.h), float32 or uint32 (the bits are copied, never converted). Symbols, tasks and
// streams are found by their source names (Image::names); an image built in C++ carries none, and every
// lookup on it says so. Errors are wafer::Error naming the symbol, the rectangle and the valid range; a
// refused call changes nothing.
#pragma once
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "host/engine/engine.h"
#include "host/runtime/pe_kernels.h"
#include "host/runtime/program.h"
#include "host/runtime/rect_copy.h"
#include "host/runtime/run_outcome.h"

namespace wafer {

// count argument of memcpy_d2h: from offset to the end of the symbol.
inline constexpr uint32_t kToEnd = std::numeric_limits<uint32_t>::max();

class Runtime {
 public:
  // Engine by name ("cpu", "cuda": engine_names()); throws when it is not built.
  explicit Runtime(const std::string& engine = "cpu", const EngineOptions& options = {});

  // Loads a program: the machine is replaced by its initial state, cycle 0.
  void load(const std::string& path, const std::map<std::string, std::string>& params = {});
  void load(Program program);
  void load(Image image) { load(Program(std::move(image))); }
  bool loaded() const { return loaded_; }
  const Image& image() const;

  // Writes data to symbol words [offset, offset + n) of every PE in rect, n = data.size() / (w * h).
  void memcpy_h2d(const std::string& symbol, Rect rect, std::span<const uint32_t> data,
                  Order order = Order::kRowMajor, uint32_t offset = 0);
  void memcpy_h2d(const std::string& symbol, Rect rect, std::span<const float> data,
                  Order order = Order::kRowMajor, uint32_t offset = 0);
  // Reads symbol words [offset, offset + n) of every PE in rect into out, n = out.size() / (w * h).
  void memcpy_d2h(std::span<uint32_t> out, const std::string& symbol, Rect rect, Order order = Order::kRowMajor,
                  uint32_t offset = 0) const;
  void memcpy_d2h(std::span<float> out, const std::string& symbol, Rect rect, Order order = Order::kRowMajor,
                  uint32_t offset = 0) const;
  // The same into a new array; count kToEnd = the rest of the symbol after offset.
  std::vector<uint32_t> memcpy_d2h_u32(const std::string& symbol, Rect rect, Order order = Order::kRowMajor,
                                       uint32_t offset = 0, uint32_t count = kToEnd) const;
  std::vector<float> memcpy_d2h_f32(const std::string& symbol, Rect rect, Order order = Order::kRowMajor,
                                    uint32_t offset = 0, uint32_t count = kToEnd) const;
  // Words per PE of symbol (the same on every PE of rect, else an error naming the PEs that differ).
  uint32_t symbol_words(const std::string& symbol, Rect rect) const;

  // Activates the local task `task` (the SDK's launch). With a rect, every PE in it must have the task;
  // without, it runs on every PE whose kernel has it (at least one must).
  void launch(const std::string& task, std::optional<Rect> rect = std::nullopt);

  // Runs with the stop conditions; the outcome says whether the run succeeded (RunOutcome::failure).
  RunOutcome run(const RunOptions& options = {});

  // State dumps (host/engine/state_file.h, docs/state-file.md): the whole machine to a file, and back into
  // the same program (a resumed run ends bit-identical to one never interrupted).
  void save_state(const std::string& path) const;
  void resume(const std::string& path);

  // What output stream `name` received so far (at most its capacity), and the same as float32 / uint32.
  std::vector<Wavelet> output(const std::string& name) const;
  std::vector<float> output_f32(const std::string& name) const;
  std::vector<uint32_t> output_u32(const std::string& name) const;
  std::vector<std::string> output_names() const;

  uint64_t cycle() const { return engine_->cycle(); }
  // Totals over all PEs, by counter_name() (busy, stall_fabric_in, ...).
  std::map<std::string, uint64_t> counters() const;
  // One counter of every PE, by counter_name() or "idle", at [y * width + x] (docs/observability.md).
  std::vector<uint64_t> counter_per_pe(const std::string& name) const;
  Engine& engine() { return *engine_; }
  const Engine& engine() const { return *engine_; }

 private:
  // Where symbol lives on each PE of rect (its SRAM address) after checking that every PE exports it with
  // at least offset + count words; addr[j * w + i] for PE(x + i, y + j).
  std::vector<uint32_t> symbol_addresses(const std::string& symbol, Rect rect, uint32_t offset,
                                         uint64_t count) const;
  const SymbolName& symbol_of(uint32_t x, uint32_t y, const std::string& symbol) const;
  uint64_t words_per_pe(uint64_t data_size, Rect rect, const std::string& symbol) const;
  void require_loaded() const;

  std::unique_ptr<Engine> engine_;
  Program program_{Image{}};
  PeKernels pe_kernels_;
  bool loaded_ = false;
};

}  // namespace wafer
