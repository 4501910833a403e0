// Reports need no SRAM: Engine::inspect hands them the state without it (the CUDA engine downloads all but
// SRAM after a trap or stall, 1.2 GB instead of 45 on a full wafer), so trap and stall reports made from a
// state whose SRAM is dropped must equal those made from the whole state.
#include <gtest/gtest.h>

#include "host/engine/reports.h"
#include "tests/host/test_util.h"
#include "tests/support/random_image.h"

namespace wafer {
namespace {

TEST(Reports, NeedNoSram) {
  int traps = 0, stalls = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const test::RandomImageOptions o{.width = 6, .height = 5, .seed = seed, .wild = true};
    auto e = test::cpu();
    e->load(test::random_image(o));
    const RunResult r = e->run({.max_cycles = 400, .watchdog_cycles = 60});
    MachineState whole = e->snapshot();
    ASSERT_FALSE(whole.sram.empty());
    MachineState without = whole;
    std::vector<uint32_t>().swap(without.sram);
    const uint32_t code = r.reason == StopReason::kTrap ? kStopTrap : r.reason == StopReason::kStall ? kStopStall : kRunOn;
    if (code == kRunOn) continue;
    (code == kStopTrap ? traps : stalls)++;
    const RunResult a = make_run_result(code, r.cycles, e->cycle(), 0, whole);
    const RunResult b = make_run_result(code, r.cycles, e->cycle(), 0, without);
    EXPECT_EQ(b.describe(), a.describe()) << test::describe(o);
    EXPECT_EQ(describe_stall(without, e->cycle(), 0).describe(), describe_stall(whole, e->cycle(), 0).describe())
        << test::describe(o);
    // What inspect hands over on the CPU engine is the state itself.
    e->inspect([&](const MachineState& s) { EXPECT_EQ(s.first_difference(whole), ""); });
  }
  EXPECT_GE(traps, 2);  // the wild programs do both
  EXPECT_GE(stalls, 2);
}

}  // namespace
}  // namespace wafer
