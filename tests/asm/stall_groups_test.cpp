// Stall reports group the waiting PEs by what they wait on (engine.h: StallGroup), so that a whole grid
// stalled on the same thing reads as one line with its rectangle.
#include <gtest/gtest.h>

#include "host/asm/assembler.h"
#include "host/engine/engine.h"

namespace wafer {
namespace {

// Every PE of a 37x23 grid waits for a wavelet that never comes; the 5x3 block at the corner waits on
// another color, so there are two groups.
const char* const kProgram = R"(
grid 37, 23
color c_never
color c_other
kernel waiter(c) {
  task main local start {
    recv r0, r1, c
    ret
  }
}
layout {
  place waiter(c = c_never) at (*, *) where x > 4 || y > 2
  place waiter(c = c_other) at (0..4, 0..2)
  route c_never at (*, *) where x > 4 || y > 2 rx west tx ramp
  route c_other at (0..4, 0..2) rx west tx ramp
}
)";

TEST(StallGroups, AGridStalledTheSameWayReadsAsOneLinePerWait) {
  const Image im = assemble(kProgram, "stalls.wasm");
  auto e = make_engine("cpu", {.threads = 1});
  e->load(im);
  const RunResult r = e->run({.max_cycles = 1000, .until_quiescent = true, .watchdog_cycles = 50});
  ASSERT_EQ(r.reason, StopReason::kStall);
  const StallReport& s = *r.stall;
  EXPECT_EQ(s.waiting_pes, 37u * 23u);
  ASSERT_EQ(s.groups.size(), 2u);
  EXPECT_EQ(s.groups[0].pes, 37u * 23u - 15u);
  EXPECT_EQ(s.groups[0].bounds.x, 0u);
  EXPECT_EQ(s.groups[0].bounds.w, 37u);
  EXPECT_EQ(s.groups[0].bounds.h, 23u);
  EXPECT_EQ(s.groups[1].pes, 15u);
  EXPECT_EQ(s.groups[1].bounds.w, 5u);
  EXPECT_EQ(s.groups[1].bounds.h, 3u);
  EXPECT_NE(s.groups[1].waits.find("c_other"), std::string::npos) << s.groups[1].waits;
  const std::string text = s.describe();
  EXPECT_NE(text.find("836 PE(s) in x 0..36, y 0..22"), std::string::npos) << text;
  EXPECT_NE(text.find("15 PE(s) in x 0..4, y 0..2"), std::string::npos) << text;
  EXPECT_NE(text.find("... and 843 more"), std::string::npos) << text;
  // A few lines, not 851.
  EXPECT_LT(std::count(text.begin(), text.end(), '\n'), 20);
}

}  // namespace
}  // namespace wafer
