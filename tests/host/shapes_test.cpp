// Awkward grid shapes, and the full WSE-3 grid (762 x 1172 = 893,064 PEs) within a test's memory.
#include "tests/host/test_util.h"

namespace wafer {
namespace {

// A wavelet stream entering at the west edge of row `row` and leaving at the east edge: every PE on the
// row forwards it. Returns the image; the stream is output stream 0.
Image row_relay(uint32_t width, uint32_t height, uint32_t row, uint32_t count) {
  Image im;
  im.width = width, im.height = height;
  im.route({0, row, width, 1}, 4, kWest, port_bit(kEast));
  InStream in;
  in.name = "in", in.x = 0, in.y = row, in.port = kWest, in.color = 4;
  for (uint32_t i = 0; i < count; ++i) in.payload.push_back(100 + i);
  im.add_in_stream(in);
  OutStream out;
  out.name = "out", out.x = width - 1, out.y = row, out.port = kEast, out.capacity = count;
  im.add_out_stream(out);
  return im;
}

void check_relay(uint32_t width, uint32_t height, uint32_t row) {
  SCOPED_TRACE(std::to_string(width) + "x" + std::to_string(height));
  constexpr uint32_t kCount = 9;
  auto e = test::cpu(2);
  e->load(row_relay(width, height, row, kCount));
  const RunResult r = e->run({.max_cycles = 100000, .until_quiescent = true});
  ASSERT_EQ(r.reason, StopReason::kQuiescent) << r.describe();
  const auto out = e->output(0);
  ASSERT_EQ(out.size(), kCount);
  for (uint32_t i = 0; i < kCount; ++i) EXPECT_EQ(out[i].payload, 100 + i);
  // One wavelet per cycle: injected in cycles 0..8, one hop per cycle across width PEs, collected one
  // cycle after the last PE sends it off-grid. The last arrives in cycle (kCount - 1) + width + 1.
  EXPECT_EQ(e->cycle(), uint64_t(kCount - 1) + width + 2);
}

TEST(Shapes, OneByN) {
  check_relay(1, 1, 0), check_relay(257, 1, 0);
}
TEST(Shapes, NByOne) {
  check_relay(1, 131, 67);
}
TEST(Shapes, Primes) {
  check_relay(13, 17, 16), check_relay(101, 7, 3);
}

TEST(Shapes, FullWse3GridLoadsAndRuns) {
  const uint32_t width = 762, height = 1172;
  Image im = row_relay(width, height, 600, 50);
  // And a column relay from the north edge to the south edge.
  im.route({381, 0, 1, height}, 6, kNorth, port_bit(kSouth));
  InStream down;
  down.name = "down", down.x = 381, down.y = 0, down.port = kNorth, down.color = 6, down.payload = {7, 8, 9};
  im.add_in_stream(down);
  auto e = test::cpu(2);
  e->load(im);
  const uint64_t before = e->state_hash();
  test::run_cycles(*e, 300);
  const MachineState s = e->snapshot();
  EXPECT_EQ(s.n, width * height);
  // The row relay's first wavelet entered in cycle 0 and reached PE(x, 600) in cycle x + 1; after 300
  // cycles the head of the stream has just passed PE(298, 600).
  EXPECT_GT(e->counter_per_pe(kCtrWaveletsIn)[600 * width + 298], 0u);
  EXPECT_EQ(e->counter_per_pe(kCtrWaveletsIn)[600 * width + 300], 0u);
  EXPECT_GT(e->counter_per_pe(kCtrWaveletsIn)[298 * width + 381], 0u);
  EXPECT_NE(e->state_hash(), before);
}

}  // namespace
}  // namespace wafer
