// Random programs and traffic for engine-vs-engine tests: every PE runs one generated kernel that sends
// wavelets along row and column flows (with multicast to the cores on the way), handles them in data tasks,
// runs synchronous and asynchronous vector operations with completion tasks, and talks to host input and
// output streams. The same seed gives the same image on every platform (own generator, no <random>
// distributions, whose results the standard leaves to the library).
#pragma once
#include <cstdint>
#include <string>

#include "host/image/image.h"

namespace wafer::test {

struct RandomImageOptions {
  uint32_t width = 8, height = 8;
  uint64_t seed = 1;
  uint32_t max_sends = 12;  // wavelets each flow source sends, at most (drawn per row)
  // Also emit unconstrained instructions (random opcodes, addresses, colors, tasks): traps, stalls and
  // blocked tasks become likely, which is the point: both engines must stop at the same cycle, same report.
  bool wild = false;
};

Image random_image(const RandomImageOptions& options);

// "7x13 seed 5 (wild)": what a test prints so a failure can be replayed.
std::string describe(const RandomImageOptions& options);

// splitmix64: small, fast and identical everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t n) { return n == 0 ? 0 : uint32_t(next() % n); }
  bool chance(uint32_t percent) { return below(100) < percent; }
  // A float in [-2, 2) with a random 8-bit mantissa tail, as bits: rounding differences would show.
  uint32_t float_bits();

 private:
  uint64_t state_;
};

}  // namespace wafer::test
