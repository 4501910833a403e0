#include "tests/asm/examples/example_support.h"

#include <cstdio>

namespace wafer::examples {

Assembly assemble_example(const std::string& file, const AsmParams& params) {
  return assemble_program_file(std::string(WAFER_DATA_DIR) + "/programs/" + file, params);
}

uint64_t Rng::next() {
  uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

float Rng::uniform() {
  return float(int32_t(next() >> 40) - (1 << 23)) / float(1 << 23);
}

std::vector<float> Rng::uniform(size_t n) {
  std::vector<float> v(n);
  for (auto& x : v) x = uniform();
  return v;
}

RunStats run_to_quiescence(Engine& engine, const Image& image, uint64_t max_cycles) {
  RunStats s;
  s.result = engine.run({.max_cycles = max_cycles, .until_quiescent = true});
  s.cycles = engine.cycle();
  std::vector<bool> placed(size_t(image.width) * image.height, false);
  for (const auto& p : image.placements) {
    for (uint32_t y = p.rect.y; y < p.rect.y + p.rect.h; ++y) {
      for (uint32_t x = p.rect.x; x < p.rect.x + p.rect.w; ++x) placed[size_t(y) * image.width + x] = true;
    }
  }
  for (bool b : placed) s.pes += b ? 1 : 0;
  const std::vector<uint64_t> totals = engine.counter_totals();
  const double pe_cycles = double(s.cycles) * double(s.pes);
  if (pe_cycles > 0) {
    s.busy_fraction = double(totals[kCtrBusy]) / pe_cycles;
    s.arith_fraction = double(totals[kCtrArith]) / pe_cycles;
  }
  return s;
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

void report(const std::string& name, const std::string& result, const RunStats& s) {
  std::printf(
      "[example] %s: %s | %llu cycles | compute fraction %.3f (busy PE-cycles / (cycles x %llu PEs)), "
      "arithmetic %.3f\n",
      name.c_str(), result.c_str(), (unsigned long long)s.cycles, s.busy_fraction, (unsigned long long)s.pes,
      s.arith_fraction);
  std::fflush(stdout);
}

}  // namespace wafer::examples
