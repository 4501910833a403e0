// What every example check shares: finding and assembling the program, fixed-seed data, running it on the
// CPU engine, and the report line (result, cycles, compute fraction).
#pragma once
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "host/asm/assembler.h"
#include "host/engine/engine.h"

namespace wafer::examples {

// data/programs/<file>, assembled with the given parameter overrides.
Assembly assemble_example(const std::string& file, const AsmParams& params = {});

// SplitMix64: the same numbers on every machine for a printed seed.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next();
  float uniform();  // [-1, 1), exactly representable in fp32
  std::vector<float> uniform(size_t n);

 private:
  uint64_t s_;
};

struct RunStats {
  RunResult result;
  uint64_t cycles = 0;
  uint64_t pes = 0;           // PEs that run a kernel
  double busy_fraction = 0;   // counter kCtrBusy summed over PEs / (cycles x pes): the core advanced
  double arith_fraction = 0;  // counter kCtrArith / (cycles x pes): the arithmetic slot was used
};

// Runs until quiescent (or max_cycles) and collects the statistics.
RunStats run_to_quiescence(Engine& engine, const Image& image, uint64_t max_cycles = 1000000);

// "[example] NAME: RESULT | N cycles | compute fraction F (busy PE-cycles / (cycles x PEs)), arithmetic G"
void report(const std::string& name, const std::string& result, const RunStats& stats);

// Unit roundoff of fp32 and Higham's gamma(k) = k u / (1 - k u): the bound on the relative error of k
// successive roundings (Accuracy and Stability of Numerical Algorithms, 3.1).
inline constexpr double kUnitRoundoff = 1.0 / 16777216.0;  // 2^-24
inline double gamma(double k) {
  return k * kUnitRoundoff / (1 - k * kUnitRoundoff);
}

std::string fixed(double v, int digits = 6);

}  // namespace wafer::examples
