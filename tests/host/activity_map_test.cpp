// The CPU engine steps only the PEs with work in or next to them (host/engine/activity_map.h). Skipping
// must change nothing: whole state equal with and without it, on random programs and traffic (normal and
// wild, which trap and stall), GEMV, grids wider than a mask word, and a busy corner of a large grid with
// long pass-through routes driven by many short runs.
#include "tests/host/test_util.h"

#include "host/asm/assembler.h"
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
      o.width = seed % 3 == 0 ? 97 : 40 + uint32_t(seed);  // wider than one or several mask words
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

TEST(ActivityMap, HostActivateWakesSkippedPes) {
  Image im;
  im.width = 200, im.height = 3;
  KernelBuilder k("late");
  k.task(30);
  k.li(7, 1);
  k.ret();
  const uint32_t kernel = im.add_kernel(k.build(0));
  for (uint32_t x : {150u, 10u, 40u, 199u}) im.place(Rect::pe(x, 1), kernel);
  auto e = test::cpu(2);
  e->load(im);
  test::run_cycles(*e, 20);  // everything quiet: the PEs are skipped
  // Between two runs, in words 4, 0 (below the row's first marked word), 1 (between) and 6 (the last,
  // partial word).
  for (uint32_t x : {150u, 10u, 40u, 199u}) e->activate(Rect::pe(x, 1), 30);
  ASSERT_EQ(test::run_quiet(*e).reason, StopReason::kQuiescent);
  for (uint32_t x : {150u, 10u, 40u, 199u}) EXPECT_EQ(e->read_reg(x, 1, 7), 1u) << "PE(" << x << ", 1)";
}

// A C x R block at the north-west corner: each column's input stream is multicast down the column and each
// wavelet starts a V-element vector op. Some PEs of the block's last row send one wavelet per input on
// pass-through routes to the south edge (columns C-O .. C-1, their vector ops 2k elements shorter so their
// outputs leave on different cycles), and the block's east column of row 0 sends east to the east edge.
// The shape of a small model mapped on a big wafer (bench workload wse3_corner_pipeline).
constexpr const char* kCornerPipeline = R"(
param S = 24
param V = 6
param C = 37
param R = 21
param O = 3
param GW = 203
param GH = 157
grid GW, GH
color c_x
color c_y
color c_e
kernel stage(out, to_east) {
  var w[V] = 1.0
  var acc[V]
  task on_x data c_x {
    vfmul d0, d1, r0
    li r3, 0
    ld r2, [r3 + acc]
    if out {
      send c_y, r2, r1
    }
    if to_east {
      send c_e, r2, r1
    }
    ret
  }
}
layout {
  place stage(out = y == R - 1 && x >= C - O, to_east = x == C - 1 && y == 0) at (0..C-1, 0..R-1) {
    dsr d0 = mem(acc, y == R - 1 && x >= C - O ? V - 2 * (x - C + O) : V)
    dsr d1 = mem(w, y == R - 1 && x >= C - O ? V - 2 * (x - C + O) : V)
  }
  route c_x at (0..C-1, 0..R-2) rx north tx south, ramp
  route c_x at (0..C-1, R-1) rx north tx ramp
  route c_y at (C-O..C-1, R-1) rx ramp tx south
  route c_y at (C-O..C-1, R..GH-1) rx north tx south
  route c_e at (C-1, 0) rx ramp tx east
  route c_e at (C..GW-1, 0) rx west tx east
  for k in 0..C-1 {
    instream x[k] at (k, 0) north color c_x count S values float(i)
  }
  for k in 0..O-1 {
    outstream y[k] at (C - O + k, GH - 1) south capacity S
  }
  outstream e at (GW - 1, 0) east capacity S
}
)";

TEST(ActivityMap, BusyCornerOfALargeGridInManyShortRunsSameState) {
  const Image im = assemble(kCornerPipeline, "corner_pipeline.wasm");
  auto skip = make_engine("cpu", {.threads = 2}),
       full = make_engine("cpu", {.threads = 1, .skip_quiet_segments = false});
  skip->load(im), full->load(im);
  // As the pipeline runner drives a mapped model: one run per output wavelet, each stopping on the count,
  // with a few runs of a cycle or two in between; the same stops and the same state at every boundary.
  const uint64_t samples = im.out_streams[0].capacity;
  uint64_t runs = 0;
  auto both = [&](const RunRequest& req) {
    const RunResult a = skip->run(req), b = full->run(req);
    ++runs;
    ASSERT_EQ(a.describe(), b.describe()) << "run " << runs;
    ASSERT_EQ(skip->cycle(), full->cycle()) << "run " << runs;
    ASSERT_EQ(skip->state_hash(), full->state_hash()) << "run " << runs << ", cycle " << skip->cycle();
  };
  for (uint64_t k = 1; k <= samples; ++k) {
    both({.max_cycles = 100000, .output_stream = 0, .output_count = k, .watchdog_cycles = 2000});
    if (k % 4 == 0) both({.max_cycles = k % 8 == 0 ? 1u : 2u, .watchdog_cycles = 2000});
    if (k == samples / 2) {
      ASSERT_EQ(skip->snapshot().first_difference(full->snapshot()), "") << "at cycle " << skip->cycle();
    }
  }
  both({.max_cycles = 100000, .until_quiescent = true, .watchdog_cycles = 2000});
  EXPECT_EQ(skip->snapshot().first_difference(full->snapshot()), "") << "at cycle " << skip->cycle();
  // Not trivially equal: every output stream got all its wavelets, through routes 136 and 166 PEs long.
  for (uint32_t j = 0; j < uint32_t(im.out_streams.size()); ++j)
    EXPECT_EQ(skip->output(j).size(), samples) << "output stream " << j;
  std::printf("corner pipeline: %llu runs, %llu cycles\n", (unsigned long long)runs,
              (unsigned long long)skip->cycle());
}

}  // namespace
}  // namespace wafer
