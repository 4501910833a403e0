// The CPU engine skips segments with no work near them (host/engine/activity_map.h). Skipping must change
// nothing: whole state equal with and without it, on random programs and traffic (normal and wild, which
// trap and stall), GEMV, and grids wider than a segment.
#include "tests/host/test_util.h"

#include "host/kernels/gemv.h"
#include "tests/support/random_image.h"

namespace wafer {
namespace {

void expect_same_with_and_without_skipping(const Image& im, const std::string& what, uint64_t cycles) {
  SCOPED_TRACE(what);
  auto skip = make_engine("cpu", {.threads = 2}),
       full = make_engine("cpu", {.threads = 1, .skip_quiet_segments = false});
  skip->load(im), full->load(im);
  for (uint64_t checkpoint : {cycles / 4, cycles}) {
    const RunRequest req{.max_cycles = checkpoint, .until_quiescent = true, .watchdog_cycles = 500};
    const RunResult a = skip->run(req), b = full->run(req);
    ASSERT_EQ(a.describe(), b.describe());
    ASSERT_EQ(skip->cycle(), full->cycle());
    ASSERT_EQ(skip->snapshot().first_difference(full->snapshot()), "") << "at cycle " << skip->cycle();
  }
}

TEST(ActivityMap, RandomProgramsSameStateWithAndWithoutSkipping) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    for (bool wild : {false, true}) {
      test::RandomImageOptions o;
      o.width = seed % 3 == 0 ? 97 : 40 + uint32_t(seed);  // wider than one or several segments
      o.height = 5 + uint32_t(seed % 4);
      o.seed = seed;
      o.wild = wild;
      std::printf("%s\n", test::describe(o).c_str());
      expect_same_with_and_without_skipping(test::random_image(o), test::describe(o), 3000);
    }
  }
}

TEST(ActivityMap, GemvOnPartOfAWideGridSameStateAndCycles) {
  const GemvProblem g = random_gemv(24, 40, 9);
  expect_same_with_and_without_skipping(build_gemv_image(g, {3, 5, 130, 9}), "gemv 3x5 on 130x9", 100000);
}

TEST(ActivityMap, HostActivateWakesASkippedSegment) {
  Image im;
  im.width = 200, im.height = 3;
  KernelBuilder k("late");
  k.task(30);
  k.li(7, 1);
  k.ret();
  im.place(Rect::pe(150, 1), im.add_kernel(k.build(0)));
  auto e = test::cpu(2);
  e->load(im);
  test::run_cycles(*e, 20);  // everything quiet: segments skipped
  e->activate(Rect::pe(150, 1), 30);
  ASSERT_EQ(test::run_quiet(*e).reason, StopReason::kQuiescent);
  EXPECT_EQ(e->read_reg(150, 1, 7), 1u);
}

}  // namespace
}  // namespace wafer
