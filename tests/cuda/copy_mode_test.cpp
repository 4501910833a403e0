// Copy-mode host access, streams, counters and the hash on the GPU: the same answers and the same errors as
// the CPU engine, and the device hash equals the host hash of the downloaded state.
#include <gtest/gtest.h>

#include "host/model/error.h"
#include "tests/cuda/cuda_test_util.h"
#include "tests/support/random_image.h"
#include "tests/support/error_and_temp.h"

namespace wafer {
namespace {

using test::error_of;

TEST(CudaCopyMode, ReadWriteActivateLikeCpu) {
  WAFER_REQUIRE_GPU();
  const test::RandomImageOptions o{.width = 13, .height = 7, .seed = 21};
  std::printf("%s\n", test::describe(o).c_str());
  const Image im = test::random_image(o);
  auto cpu = test::cpu_engine();
  auto gpu = test::cuda_engine();
  cpu->load(im);
  gpu->load(im);
  for (Engine* e : {cpu.get(), gpu.get()}) {
    e->run({.max_cycles = 50});
    e->write_sram(12, 6, 200, {1, 2, 3, 0xDEADBEEF});
    e->write_sram(0, 0, 0, {});
    e->write_reg(5, 3, 15, 77);
    e->activate({2, 1, 4, 3}, 26);
    e->run({.max_cycles = 200});
  }
  EXPECT_EQ(gpu->snapshot().first_difference(cpu->snapshot()), "");
  EXPECT_EQ(gpu->read_sram(12, 6, 200, 4), cpu->read_sram(12, 6, 200, 4));
  EXPECT_EQ(gpu->read_sram(12, 6, 200, 4), (std::vector<uint32_t>{1, 2, 3, 0xDEADBEEF}));
  EXPECT_EQ(gpu->read_sram(3, 4, 0, 256), cpu->read_sram(3, 4, 0, 256));
  for (uint32_t r = 0; r < uint32_t(kRegs); ++r) EXPECT_EQ(gpu->read_reg(5, 3, r), cpu->read_reg(5, 3, r));
  for (uint32_t c = 0; c < uint32_t(kCounterCount); ++c) {
    EXPECT_EQ(gpu->counter_per_pe(Counter(c)), cpu->counter_per_pe(Counter(c))) << counter_name(c);
  }
  EXPECT_EQ(gpu->counter_totals(), cpu->counter_totals());
  for (uint32_t s = 0; s < im.out_streams.size(); ++s) {
    const auto a = gpu->output(s), b = cpu->output(s);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].payload, b[i].payload);
      EXPECT_EQ(a[i].meta, b[i].meta);
    }
  }
}

TEST(CudaCopyMode, SameErrorsAsCpu) {
  WAFER_REQUIRE_GPU();
  const Image im = test::random_image({.width = 4, .height = 3, .seed = 2});
  auto cpu = test::cpu_engine();
  auto gpu = test::cuda_engine();
  EXPECT_EQ(error_of([&] { gpu->run({}); }), error_of([&] { cpu->run({}); }));  // no image loaded
  cpu->load(im);
  gpu->load(im);
  const std::vector<std::function<void(Engine&)>> bad = {
      [](Engine& e) { e.read_sram(4, 0, 0, 1); },      [](Engine& e) { e.read_sram(0, 3, 0, 1); },
      [](Engine& e) { e.read_sram(0, 0, 250, 7); },    [](Engine& e) { e.write_sram(1, 1, 256, {1}); },
      [](Engine& e) { e.read_reg(0, 0, 16); },         [](Engine& e) { e.write_reg(9, 0, 0, 1); },
      [](Engine& e) { e.activate({3, 2, 2, 1}, 26); }, [](Engine& e) { e.activate({0, 0, 1, 1}, 25); },
      [](Engine& e) { e.activate({0, 0, 1, 1}, 3); },  [](Engine& e) { e.output(99); },
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    const std::string c = error_of([&] { bad[i](*cpu); }), g = error_of([&] { bad[i](*gpu); });
    EXPECT_EQ(g, c) << "case " << i;
    EXPECT_NE(g, "(no error)") << "case " << i;
  }
  // A rejected call changed nothing.
  EXPECT_EQ(gpu->snapshot().first_difference(cpu->snapshot()), "");
}

// Rectangle copies: one transfer per run of PEs sharing an address, runs broken mid-row, odd rectangles,
// against the CPU engine's rectangle copies and its per-PE reads.
TEST(CudaCopyMode, RectCopiesLikeCpu) {
  WAFER_REQUIRE_GPU();
  const Image im = test::random_image({.width = 31, .height = 17, .seed = 9});
  auto cpu = test::cpu_engine();
  auto gpu = test::cuda_engine();
  cpu->load(im);
  gpu->load(im);
  const uint32_t words = cpu->snapshot().sram_words, count = 6;
  for (const Rect r : {Rect{0, 0, 31, 17}, Rect{30, 0, 1, 17}, Rect{2, 16, 29, 1}, Rect{5, 5, 3, 2}}) {
    std::vector<uint32_t> addr(uint64_t(r.w) * r.h);
    for (uint64_t i = 0; i < addr.size(); ++i) addr[i] = uint32_t(((i / 4) * 5 + r.x) % (words - count));
    std::vector<uint32_t> data(addr.size() * count);
    for (uint64_t i = 0; i < data.size(); ++i) data[i] = uint32_t(i * 2246822519u + r.h);
    for (Engine* e : {cpu.get(), gpu.get()}) e->write_sram_rect(r, addr, count, data.data());
    EXPECT_EQ(gpu->snapshot().first_difference(cpu->snapshot()), "");
    std::vector<uint32_t> got(data.size()), want(data.size());
    gpu->read_sram_rect(r, addr, count, got.data());
    cpu->read_sram_rect(r, addr, count, want.data());
    EXPECT_EQ(got, want);
    EXPECT_EQ(got, data);
    const uint64_t last = addr.size() - 1;
    EXPECT_EQ(gpu->read_sram(r.x + r.w - 1, r.y + r.h - 1, addr[last], count),
              std::vector<uint32_t>(data.begin() + last * count, data.end()));
  }
}

// inspect() downloads all but SRAM: every other array equal to the CPU engine's, SRAM left empty.
TEST(CudaCopyMode, InspectGivesEverythingButSram) {
  WAFER_REQUIRE_GPU();
  const Image im = test::random_image({.width = 23, .height = 19, .seed = 6});
  auto cpu = test::cpu_engine();
  auto gpu = test::cuda_engine();
  cpu->load(im);
  gpu->load(im);
  cpu->run({.max_cycles = 150});
  gpu->run({.max_cycles = 150});
  MachineState want = cpu->snapshot();
  std::vector<uint32_t>().swap(want.sram);
  bool called = false;
  gpu->inspect([&](const MachineState& s) {
    called = true;
    EXPECT_TRUE(s.sram.empty());
    EXPECT_EQ(s.first_difference(want), "");
  });
  EXPECT_TRUE(called);
}

TEST(CudaCopyMode, DeviceHashEqualsHostHash) {
  WAFER_REQUIRE_GPU();
  const Image im = test::random_image({.width = 37, .height = 29, .seed = 4});
  auto cpu = test::cpu_engine();
  auto gpu = test::cuda_engine();
  cpu->load(im);
  gpu->load(im);
  for (uint64_t cycles : {0u, 1u, 10u, 300u}) {
    if (cycles > 0) {
      cpu->run({.max_cycles = cycles});
      gpu->run({.max_cycles = cycles});
    }
    const uint64_t h = gpu->state_hash();
    EXPECT_EQ(h, gpu->snapshot().hash()) << "after " << gpu->cycle() << " cycles";
    EXPECT_EQ(h, cpu->state_hash()) << "after " << gpu->cycle() << " cycles";
    EXPECT_NE(h, 0u);
  }
  // A single flipped bit anywhere changes the device hash.
  auto w = gpu->read_sram(36, 28, 255, 1);
  const uint64_t before = gpu->state_hash();
  gpu->write_sram(36, 28, 255, {w[0] ^ 1u});
  EXPECT_NE(gpu->state_hash(), before);
  EXPECT_EQ(gpu->state_hash(), gpu->snapshot().hash());
}

TEST(CudaCopyMode, ReloadReplacesTheMachine) {
  WAFER_REQUIRE_GPU();
  auto gpu = test::cuda_engine();
  auto cpu = test::cpu_engine();
  const Image a = test::random_image({.width = 20, .height = 10, .seed = 5});
  const Image b = test::random_image({.width = 3, .height = 50, .seed = 6});
  gpu->load(a);
  gpu->run({.max_cycles = 100});
  gpu->load(b);
  cpu->load(b);
  EXPECT_EQ(gpu->cycle(), 0u);
  gpu->run({.max_cycles = 100});
  cpu->run({.max_cycles = 100});
  EXPECT_EQ(gpu->snapshot().first_difference(cpu->snapshot()), "");
}

}  // namespace
}  // namespace wafer
