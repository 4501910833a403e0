// The progress line of long runs (`wafer run`, `wafer infer`, `wafer bench`): cycles done, emulated cycles
// per second, PE-cycles per second and, where the end is known, the fraction done and an ETA. Drawn on
// stderr at most a few times a second and only when stderr is a terminal, so logs and pipes stay clean.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace wafer::cli {

class ProgressLine {
 public:
  // total_cycles: the end when known (0: unknown). enabled: normally isatty(stderr) (on_terminal()).
  ProgressLine(uint64_t pes, uint64_t total_cycles, bool enabled);
  ~ProgressLine() { finish(); }
  // Cycles done since the start; prints when enough time has passed since the last line.
  void update(uint64_t cycles);
  void finish();  // clears the line
  // The text a line would show (for tests).
  static std::string format(uint64_t cycles, uint64_t total, double seconds, uint64_t pes);
  static bool on_terminal();

 private:
  uint64_t pes_, total_;
  bool enabled_, drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace wafer::cli
