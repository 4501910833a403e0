// data/programs/stream_bandwidth.wasm: host -> PE(0,0) -> host, y = alpha * x, wavelets per cycle measured.
#include <gtest/gtest.h>

#include "host/asm/host_symbols.h"
#include "tests/asm/examples/example_support.h"

namespace wafer::examples {
namespace {

TEST(ExampleStreamBandwidth, ScalesEveryWaveletAtNearlyOnePerCycle) {
  const uint32_t n = 1024;
  const float alpha = 0.75f;
  const uint64_t seed = 11;
  SCOPED_TRACE("seed " + std::to_string(seed));
  Assembly program =
      assemble_example("stream_bandwidth.wasm", {{{"N", std::to_string(n)}, {"alpha", "0.75"}}});
  const std::vector<float> x = Rng(seed).uniform(n);
  set_in_stream_f32(program, "in_x", x);

  auto engine = make_engine("cpu", {.threads = 2});
  engine->load(program.image);
  const RunStats stats = run_to_quiescence(*engine, program.image);
  ASSERT_EQ(stats.result.reason, StopReason::kQuiescent) << stats.result.describe();

  const std::vector<Wavelet> y = engine->output(program.out_stream("out_y"));
  ASSERT_EQ(y.size(), n);
  double norm = 0;
  for (uint32_t i = 0; i < n; ++i) {
    // Reference: the product of two floats is exact in float64; the PE rounds it once to fp32, so the
    // error is at most half an ulp: |y - ref| <= 2^-24 |ref|.
    const double ref = double(alpha) * double(x[i]);
    EXPECT_LE(std::fabs(double(y[i].as_float()) - ref), kUnitRoundoff * std::fabs(ref)) << "element " << i;
    EXPECT_EQ(y[i].index(), i);  // fabric-out elements carry their element number
    norm += std::fabs(y[i].as_float());
  }
  EXPECT_GT(norm, 0.0);
  // Latency is a handful of cycles (stream -> router -> core -> router -> stream); the rest is one
  // wavelet per cycle.
  const double per_cycle = double(n) / double(stats.cycles);
  EXPECT_GT(per_cycle, 0.98);
  report("stream_bandwidth N=" + std::to_string(n),
         fixed(per_cycle, 4) + " wavelets/cycle (" + std::to_string(n) +
             " wavelets, y = alpha x exact to half an ulp)",
         stats);
}

}  // namespace
}  // namespace wafer::examples
