// The race checker on real programs: the example programs, GEMV, random images and trapping ones, with every
// PE and stream thread's accesses of every cycle recorded (recording_view.h); no element may be written by
// one thread and touched by another within a cycle. Each run's final state must equal the CPU engine's after
// as many cycles (the recorded path is the engines' cycle function, not a copy). And two injected races,
// to show the checker can fail.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "bench/cuda/traffic_model.h"
#include "host/asm/assembler.h"
#include "host/engine/engine.h"
#include "host/kernels/gemv.h"
#include "tests/race/race_run.h"
#include "tests/support/random_image.h"

namespace wafer::race {
namespace {

// A new writable array in MachineView must be shadowed in RecordingView, or its writes go unrecorded.
// Shape, 25 per-PE arrays, sram, kernels and code, 4 edge arrays and edge_out_stream, the stream counts,
// 5 input-stream and 5 output-stream pointers.
static_assert(sizeof(MachineView) == 16 + 8 * 25 + 8 + 8 * 2 + 8 * 5 + 8 + 8 * 5 + 8 * 5,
              "MachineView changed: record its new arrays in tests/race/recording_view.h, then update this");

Traffic expect_race_free(const Image& im, const std::string& what, RaceRunOptions o = {}) {
  const RaceRunResult r = run_recorded(im, o);
  std::string first;
  for (const auto& m : r.first_races) first += "\n  " + m;
  EXPECT_EQ(r.races, 0u) << what << first;
  // The same number of cycles on the CPU engine: the same state.
  auto cpu = make_engine("cpu", {.threads = 1});
  cpu->load(im);
  cpu->run({.max_cycles = r.cycles, .watchdog_cycles = o.watchdog_cycles});
  EXPECT_EQ(cpu->cycle(), r.cycles) << what;
  EXPECT_EQ(r.state.first_difference(cpu->snapshot()), "") << what;
  std::printf("%-40s %6llu cycles, stop code %u, %llu active PE-cycles: %.1f B each; %llu idle: %.1f B (%llu..%llu)\n",
              what.c_str(), (unsigned long long)r.cycles, r.progress.stop,
              (unsigned long long)r.traffic.active_pe_cycles, r.traffic.per_active(),
              (unsigned long long)r.traffic.idle_pe_cycles, r.traffic.per_idle(),
              (unsigned long long)(r.traffic.idle_pe_cycles ? r.traffic.idle_min : 0),
              (unsigned long long)r.traffic.idle_max);
  return r.traffic;
}

std::string data_dir() {
  const char* v = std::getenv("WAFER_DATA_DIR");
  return v != nullptr && *v != '\0' ? std::string(v) : std::string(WAFER_DATA_DIR);
}

std::vector<std::string> example_programs() {
  std::vector<std::string> paths;
  for (const auto& e : std::filesystem::directory_iterator(data_dir() + "/programs")) {
    if (e.path().extension() == ".wasm") paths.push_back(e.path().string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

TEST(RaceCheck, ExampleProgramsAreRaceFree) {
  const std::vector<std::string> paths = example_programs();
  ASSERT_GE(paths.size(), 7u);
  for (const auto& p : paths) {
    expect_race_free(assemble_file(p), std::filesystem::path(p).filename().string(), {.max_cycles = 20000});
  }
}

TEST(RaceCheck, GemvIsRaceFree) {
  struct Case {
    uint32_t m, n;
    GemvLayout layout;
  };
  for (const Case& c : {Case{61, 53, {7, 5}}, Case{9, 300, {1, 17}}, Case{40, 8, {6, 1}}}) {
    expect_race_free(build_gemv_image(random_gemv(c.m, c.n, 7), c.layout),
                     "gemv " + std::to_string(c.m) + "x" + std::to_string(c.n), {.max_cycles = 20000});
  }
}

TEST(RaceCheck, RandomImagesAreRaceFree) {
  struct Shape {
    uint32_t w, h;
  };
  for (const Shape& s : {Shape{1, 1}, Shape{1, 13}, Shape{13, 1}, Shape{7, 5}, Shape{16, 11}, Shape{31, 7}}) {
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      const test::RandomImageOptions o{.width = s.w, .height = s.h, .seed = seed};
      expect_race_free(test::random_image(o), test::describe(o), {.max_cycles = 3000});
    }
  }
}

// Input streams sharing a port: the group's leader reads and writes its members' positions, and only it
// may (the other members' threads touch nothing). Two groups, one with a stream of several colors.
TEST(RaceCheck, StreamsSharingAPortAreRaceFree) {
  Image im;
  im.width = 2, im.height = 4;
  auto stream = [](std::string name, uint32_t x, uint32_t y, uint32_t port, std::vector<uint8_t> colors,
                   uint32_t n) {
    InStream s;
    s.name = std::move(name), s.x = x, s.y = y, s.port = port, s.color = colors.front();
    for (uint32_t i = 0; i < n; ++i) s.payload.push_back(1000 * colors.front() + i);
    if (colors.size() > 1)
      for (uint32_t i = 0; i < n; ++i) s.colors.push_back(colors[i % colors.size()]);
    return s;
  };
  im.add_in_stream(stream("a", 0, 0, kNorth, {3}, 40));
  im.add_in_stream(stream("b", 0, 0, kNorth, {5, 7}, 31));
  im.add_in_stream(stream("c", 0, 1, kWest, {11}, 17));
  im.add_in_stream(stream("d", 0, 1, kWest, {13}, 23));
  im.route({0, 0, 1, 4}, 3, kNorth, port_bit(kSouth));
  for (uint32_t c : {5u, 7u}) {
    im.route(Rect::pe(0, 0), c, kNorth, port_bit(kEast));
    im.route(Rect::pe(1, 0), c, kWest, port_bit(kSouth));
    im.route({1, 1, 1, 3}, c, kNorth, port_bit(kSouth));
  }
  for (uint32_t c : {11u, 13u}) im.route({0, 1, 2, 1}, c, kWest, port_bit(kEast));
  im.add_out_stream({.name = "s0", .x = 0, .y = 3, .port = kSouth, .capacity = 40});
  im.add_out_stream({.name = "s1", .x = 1, .y = 3, .port = kSouth, .capacity = 31});
  im.add_out_stream({.name = "e1", .x = 1, .y = 1, .port = kEast, .capacity = 40});
  expect_race_free(im, "streams sharing ports", {.max_cycles = 400, .until_quiescent = true});
}

TEST(RaceCheck, TrappingImagesAreRaceFree) {
  uint32_t trapped = 0;
  for (uint64_t seed = 1; seed <= 24; ++seed) {
    const test::RandomImageOptions o{.width = 6, .height = 5, .seed = seed, .wild = true};
    const Image im = test::random_image(o);
    expect_race_free(im, test::describe(o), {.max_cycles = 600, .until_quiescent = true, .watchdog_cycles = 60});
    trapped += run_recorded(im, {.max_cycles = 600, .watchdog_cycles = 60}).progress.stop == kStopTrap;
  }
  EXPECT_GE(trapped, 5u);  // the point of these images: traps happen, mid-traffic
}

// A classic bug, injected: each PE also reads its east neighbour's queue counts of the *next* buffer (the
// one being published this cycle) instead of the previous one. The checker must see write/read pairs.
TEST(RaceCheck, InjectedReadOfTheBufferBeingWrittenIsCaught) {
  const test::RandomImageOptions o{.width = 8, .height = 6, .seed = 2};
  RaceRunOptions opt{.max_cycles = 200};
  opt.after_pe = [](const RecordingView& v, uint32_t p, uint64_t t) {
    if (p % v.width + 1 < v.width) (void)uint64_t(v.occ[(t & 1) * v.n + p + 1]);
  };
  const RaceRunResult r = run_recorded(test::random_image(o), opt);
  ASSERT_GT(r.races, 0u);
  EXPECT_NE(r.first_races[0].find("occ["), std::string::npos) << r.first_races[0];
  std::printf("%llu races, first: %s\n", (unsigned long long)r.races, r.first_races[0].c_str());
}

// And a write into another PE's state: PE p bumps its east neighbour's counter, which the neighbour itself
// reads and writes when it steps.
TEST(RaceCheck, InjectedWriteIntoANeighbourIsCaught) {
  const test::RandomImageOptions o{.width = 8, .height = 6, .seed = 3};
  RaceRunOptions opt{.max_cycles = 200};
  opt.after_pe = [](const RecordingView& v, uint32_t p, uint64_t) {
    if (p % v.width + 1 < v.width) ++v.ctr[uint64_t(kCtrArith) * v.n + p + 1];
  };
  const RaceRunResult r = run_recorded(test::random_image(o), opt);
  ASSERT_GT(r.races, 0u);
  EXPECT_NE(r.first_races[0].find("ctr["), std::string::npos) << r.first_races[0];
}

// The benchmark records large grids in traffic mode (no race record): its figures must be the same.
TEST(RaceCheck, TrafficModeCountsTheSameBytes) {
  const Image im = test::random_image({.width = 12, .height = 9, .seed = 5});
  const RaceRunResult checked = run_recorded(im, {.max_cycles = 300});
  RaceRunOptions fast{.max_cycles = 300};
  fast.check_races = false;
  const RaceRunResult counted = run_recorded(im, fast);
  EXPECT_EQ(counted.races, 0u);
  EXPECT_EQ(counted.traffic.active_pe_cycles, checked.traffic.active_pe_cycles);
  EXPECT_EQ(counted.traffic.active_bytes, checked.traffic.active_bytes);
  EXPECT_EQ(counted.traffic.idle_pe_cycles, checked.traffic.idle_pe_cycles);
  EXPECT_EQ(counted.traffic.idle_bytes, checked.traffic.idle_bytes);
  EXPECT_GT(checked.traffic.active_pe_cycles, 1000u);
  EXPECT_EQ(counted.state.first_difference(checked.state), "");
}

// bench/cuda/traffic_model.h's idle figure, checked against the recording: an idle PE-cycle touches 28
// distinct bytes (flags, four incoming link words, its next-buffer queue counts), 36 if it also had to clear
// stale counts (never seen: a PE that sent stays active a cycle longer, by `lastsent`). Over the examples,
// GEMV and random images.
TEST(RaceCheck, IdleTrafficIsTheModelsFigure) {
  Traffic total;
  for (const auto& p : example_programs()) total.add(run_recorded(assemble_file(p), {.max_cycles = 20000}).traffic);
  total.add(run_recorded(build_gemv_image(random_gemv(61, 53, 7), {7, 5}), {.max_cycles = 20000}).traffic);
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    total.add(run_recorded(test::random_image({.width = 16, .height = 11, .seed = seed}), {.max_cycles = 3000})
                  .traffic);
  }
  ASSERT_GT(total.idle_pe_cycles, 0u);
  ASSERT_GT(total.active_pe_cycles, 0u);
  EXPECT_EQ(total.idle_min, bench::kIdlePeBytes);  // 28
  EXPECT_LE(total.idle_max, 36u);
  std::printf("all runs: %llu active PE-cycles, %.1f B each; %llu idle, %.2f B each; %llu trapped, %.1f B\n",
              (unsigned long long)total.active_pe_cycles, total.per_active(),
              (unsigned long long)total.idle_pe_cycles, total.per_idle(),
              (unsigned long long)total.trapped_pe_cycles,
              total.trapped_pe_cycles ? double(total.trapped_bytes) / double(total.trapped_pe_cycles) : 0.0);
}

}  // namespace
}  // namespace wafer::race
