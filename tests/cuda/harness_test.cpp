// The test tools themselves, on the CPU: the random image generator makes valid images that really move
// wavelets and compute, and the lockstep comparison finds and locates a difference. The GPU tests lean on
// both, so both are checked here where no GPU is needed.
#include <gtest/gtest.h>

#include "host/image/kernel_builder.h"
#include "tests/cuda/cuda_test_util.h"
#include "tests/cuda/lockstep.h"
#include "tests/support/random_image.h"

namespace wafer {
namespace {

TEST(RandomImage, SameSeedSameImageAndBusyMachine) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    const test::RandomImageOptions o{.width = 9, .height = 7, .seed = seed};
    std::printf("%s\n", test::describe(o).c_str());
    const Image a = test::random_image(o), b = test::random_image(o);
    ASSERT_NO_THROW(a.validate());
    auto e1 = test::cpu_engine(1), e2 = test::cpu_engine(1);
    e1->load(a), e2->load(b);
    EXPECT_EQ(e1->state_hash(), e2->state_hash());
    const RunResult r = e1->run({.max_cycles = 400, .watchdog_cycles = 2000});
    const auto totals = e1->counter_totals();
    std::printf("  %s; busy %llu, wavelets in %llu, arithmetic %llu\n", r.describe().c_str(),
                (unsigned long long)totals[kCtrBusy], (unsigned long long)totals[kCtrWaveletsIn],
                (unsigned long long)totals[kCtrArith]);
    EXPECT_GT(totals[kCtrBusy], 1000u) << test::describe(o);
    EXPECT_GT(totals[kCtrWaveletsIn], 10u) << test::describe(o);
    EXPECT_GT(totals[kCtrArith], 100u) << test::describe(o);
    // Structured programs do not trap; the wild ones are allowed to.
    EXPECT_NE(r.reason, StopReason::kTrap) << test::describe(o) << ": " << r.describe();
  }
}

TEST(RandomImage, WildImagesValidateAndSometimesTrap) {
  int traps = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const test::RandomImageOptions o{.width = 5, .height = 4, .seed = seed, .wild = true};
    const Image im = test::random_image(o);
    ASSERT_NO_THROW(im.validate()) << test::describe(o);
    auto e = test::cpu_engine(1);
    e->load(im);
    const RunResult r = e->run({.max_cycles = 300, .watchdog_cycles = 200});
    traps += r.reason == StopReason::kTrap;
  }
  std::printf("%d of 20 wild images trapped within 300 cycles\n", traps);
  EXPECT_GT(traps, 0);
  EXPECT_LT(traps, 20);
}

TEST(Lockstep, CpuEnginesWithDifferentThreadCountsAgree) {
  const test::RandomImageOptions o{.width = 11, .height = 5, .seed = 3};
  std::printf("%s\n", test::describe(o).c_str());
  auto a = test::cpu_engine(1), b = test::cpu_engine(2);
  const auto out =
      test::run_lockstep(test::random_image(o), {a.get(), b.get()}, {.cycles = 300, .checkpoint = 70});
  EXPECT_EQ(out.mismatch, "");
  EXPECT_EQ(out.cycles, 300u);
}

// An engine that is the CPU engine except that, from cycle `corrupt_at` on, one SRAM word of one PE is
// flipped after every run: the harness must name the cycle, the PE and the field.
class CorruptingEngine final : public Engine {
 public:
  CorruptingEngine(uint64_t corrupt_at) : inner_(test::cpu_engine(1)), corrupt_at_(corrupt_at) {}
  const char* name() const override { return "corrupting"; }
  void load(const Image& im) override { inner_->load(im); }
  RunResult run(const RunRequest& q) override {
    RunRequest limited = q;
    if (inner_->cycle() < corrupt_at_)
      limited.max_cycles = std::min(q.max_cycles, corrupt_at_ - inner_->cycle());
    RunResult r = inner_->run(limited);
    if (inner_->cycle() == corrupt_at_) {
      auto w = inner_->read_sram(2, 1, 250, 1);
      inner_->write_sram(2, 1, 250, {w[0] ^ 0x10u});
      if (r.cycles < q.max_cycles) {  // finish the requested cycles so the run lengths still agree
        RunRequest rest = q;
        rest.max_cycles = q.max_cycles - r.cycles;
        r.cycles += inner_->run(rest).cycles;
      }
    }
    return r;
  }
  uint64_t cycle() const override { return inner_->cycle(); }
  std::vector<uint32_t> read_sram(uint32_t x, uint32_t y, uint32_t a, uint32_t c) const override {
    return inner_->read_sram(x, y, a, c);
  }
  void write_sram(uint32_t x, uint32_t y, uint32_t a, const std::vector<uint32_t>& w) override {
    inner_->write_sram(x, y, a, w);
  }
  uint32_t read_reg(uint32_t x, uint32_t y, uint32_t r) const override { return inner_->read_reg(x, y, r); }
  void write_reg(uint32_t x, uint32_t y, uint32_t r, uint32_t v) override { inner_->write_reg(x, y, r, v); }
  void activate(Rect r, uint32_t t) override { inner_->activate(r, t); }
  std::vector<Wavelet> output(uint32_t s) const override { return inner_->output(s); }
  std::vector<uint64_t> counter_totals() const override { return inner_->counter_totals(); }
  std::vector<uint64_t> counter_per_pe(Counter c) const override { return inner_->counter_per_pe(c); }
  uint64_t state_hash() const override { return inner_->state_hash(); }
  MachineState snapshot() const override { return inner_->snapshot(); }
  void inspect(const std::function<void(const MachineState&)>& f) const override { inner_->inspect(f); }
  void read_sram_rect(Rect r, const std::vector<uint32_t>& addr, uint32_t count, uint32_t* words) const override {
    inner_->read_sram_rect(r, addr, count, words);
  }
  void write_sram_rect(Rect r, const std::vector<uint32_t>& addr, uint32_t count, const uint32_t* words) override {
    inner_->write_sram_rect(r, addr, count, words);
  }

 private:
  std::unique_ptr<Engine> inner_;
  uint64_t corrupt_at_;
};

TEST(Lockstep, FindsAndLocatesTheFirstDifference) {
  const test::RandomImageOptions o{.width = 6, .height = 4, .seed = 8};
  auto a = test::cpu_engine(1);
  CorruptingEngine b(137);
  const auto out =
      test::run_lockstep(test::random_image(o), {a.get(), &b}, {.cycles = 300, .checkpoint = 100});
  std::printf("%s\n", out.mismatch.c_str());
  EXPECT_NE(out.mismatch.find("checkpoint after cycle 200 (last equal checkpoint: cycle 100)"),
            std::string::npos)
      << out.mismatch;
  EXPECT_NE(out.mismatch.find("field sram, PE(2,1), element 250"), std::string::npos) << out.mismatch;
  EXPECT_NE(out.mismatch.find("after stepping cycle t=136 (machine cycle count 137)"), std::string::npos)
      << out.mismatch;
}

}  // namespace
}  // namespace wafer
