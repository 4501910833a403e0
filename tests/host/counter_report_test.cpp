// Counters per PE and per region (host/engine/counter_report.h): they add up to the run's cycles on every
// PE, region sums equal the engine's totals, and a known program gives known counts.
#include "tests/host/test_util.h"

#include "host/engine/counter_report.h"
#include "host/kernels/gemv.h"
#include "tests/support/random_image.h"

namespace wafer {
namespace {

void expect_counters_add_up(const Engine& e, const Image& im) {
  const CounterArrays a = read_counters(e, im.width, im.height);
  ASSERT_EQ(a.cycles, e.cycle());
  for (uint64_t p = 0; p < im.pe_count(); ++p) {
    uint64_t sum = a.idle(p);  // throws when busy + stalls exceed the cycles
    for (Counter c : kCoreCycleCounters) sum += a.per_pe[c][p];
    ASSERT_EQ(sum, a.cycles) << "PE " << p;
  }
  const auto regions = sum_regions(a, regions_by_kernel(im));
  const auto totals = e.counter_totals();
  for (uint32_t c = 0; c < kCounterCount; ++c) {
    uint64_t s = 0;
    for (const auto& r : regions) s += r.sums[c];
    EXPECT_EQ(s, totals[c]) << counter_name(c);
  }
  uint64_t pes = 0;
  for (const auto& r : regions) pes += r.pes;
  EXPECT_EQ(pes, im.pe_count());
  for (uint64_t p = 0; p < im.pe_count(); ++p) {  // the per-port counters split the link totals
    uint64_t in = 0, out = 0;
    for (uint32_t d = 0; d < 4; ++d) in += a.per_pe[kCtrInNorth + d][p], out += a.per_pe[kCtrOutNorth + d][p];
    ASSERT_EQ(in, a.per_pe[kCtrWaveletsIn][p]) << "PE " << p;
    ASSERT_EQ(out, a.per_pe[kCtrWaveletsOut][p]) << "PE " << p;
  }
}

TEST(CounterReport, CountersAddUpOnGemv) {
  const Image im = build_gemv_image(random_gemv(37, 29, 3), {5, 4});
  auto e = test::cpu();
  e->load(im);
  ASSERT_EQ(test::run_quiet(*e).reason, StopReason::kQuiescent);
  expect_counters_add_up(*e, im);
  const auto regions = sum_regions(read_counters(*e, im.width, im.height), regions_by_kernel(im));
  uint64_t busy = 0;
  for (const auto& r : regions) busy += r.sums[kCtrBusy];
  EXPECT_GT(busy, 0u);
}

TEST(CounterReport, CountersAddUpOnRandomPrograms) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    const test::RandomImageOptions o{.width = 7, .height = 5, .seed = seed, .wild = seed % 3 == 0};
    const Image im = test::random_image(o);
    auto e = test::cpu();
    e->load(im);
    e->run({.max_cycles = 3000, .until_quiescent = true, .watchdog_cycles = 500});
    SCOPED_TRACE(test::describe(o));
    expect_counters_add_up(*e, im);
  }
}

// Ten wavelets enter PE(0,0) from the west and cross a 1x5 row to an output stream: every PE's router
// takes each in once and sends it on once; no core runs, so every cycle of every PE is idle.
TEST(CounterReport, KnownCountsOnAPassThroughRow) {
  constexpr uint32_t kWavelets = 10, kWidth = 5;
  Image im;
  im.width = kWidth, im.height = 1;
  im.route({0, 0, kWidth, 1}, 2, kWest, port_bit(kEast));
  InStream in;
  in.name = "in", in.x = 0, in.y = 0, in.port = kWest, in.color = 2;
  in.payload.assign(kWavelets, 7);
  im.add_in_stream(in);
  OutStream out;
  out.name = "out", out.x = kWidth - 1, out.y = 0, out.port = kEast, out.capacity = kWavelets;
  im.add_out_stream(out);
  auto e = test::cpu();
  e->load(im);
  ASSERT_EQ(test::run_quiet(*e).reason, StopReason::kQuiescent);
  ASSERT_EQ(e->output(0).size(), kWavelets);
  const CounterArrays a = read_counters(*e, kWidth, 1);
  for (uint32_t p = 0; p < kWidth; ++p) {
    EXPECT_EQ(a.per_pe[kCtrWaveletsIn][p], kWavelets) << "PE " << p;
    EXPECT_EQ(a.per_pe[kCtrWaveletsOut][p], kWavelets) << "PE " << p;
    EXPECT_EQ(a.per_pe[kCtrInWest][p], kWavelets) << "PE " << p;  // all of it from the west, out to the east
    EXPECT_EQ(a.per_pe[kCtrOutEast][p], kWavelets) << "PE " << p;
    EXPECT_EQ(a.per_pe[kCtrInNorth][p] + a.per_pe[kCtrInEast][p] + a.per_pe[kCtrInSouth][p], 0u);
    EXPECT_EQ(a.per_pe[kCtrBusy][p], 0u);
    EXPECT_EQ(a.idle(p), a.cycles);
  }
}

TEST(CounterReport, RegionsFollowPlacementOverrides) {
  Image im;
  im.width = 4, im.height = 3;
  KernelBuilder a("a"), b("b");
  a.task(24), a.ret();
  b.task(24), b.ret();
  im.place({0, 0, 4, 3}, im.add_kernel(a.build(0)));
  im.place({1, 1, 2, 1}, im.add_kernel(b.build(0)));
  const RegionMap m = regions_by_kernel(im);
  ASSERT_EQ(m.names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(m.of_pe[0], 0);
  EXPECT_EQ(m.of_pe[1 * 4 + 1], 1);
  EXPECT_EQ(m.of_pe[1 * 4 + 3], 0);
  const RegionMap r = regions_from_rects(4, 3, {{"left", {0, 0, 2, 3}}, {"corner", {1, 2, 9, 9}}});
  EXPECT_EQ(r.of_pe[2 * 4 + 1], 1);  // the later rect wins, clipped to the grid
  EXPECT_EQ(r.of_pe[0], 0);
  EXPECT_EQ(r.of_pe[3], -1);
}

TEST(CounterReport, UnknownCounterNameListsTheValidOnes) {
  CounterArrays a;
  a.width = a.height = 1;
  for (auto& v : a.per_pe) v.assign(1, 0);
  try {
    counter_values(a, "bussy");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no counter named 'bussy' (counters: busy, stall_fabric_in"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(counter_values(a, "idle"), std::vector<double>{0.0});
}

TEST(CounterReport, CoreCountersAboveTheCyclesAreAnError) {
  CounterArrays a;
  a.width = a.height = 1, a.cycles = 3;
  for (auto& v : a.per_pe) v.assign(1, 0);
  a.per_pe[kCtrBusy][0] = 2, a.per_pe[kCtrStallSlot][0] = 2;
  EXPECT_THROW(a.idle(0), Error);
}

}  // namespace
}  // namespace wafer
