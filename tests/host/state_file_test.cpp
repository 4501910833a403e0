// State dumps (host/engine/state_file.h): a run dumped mid-way and resumed in a fresh engine ends
// bit-identical to one never interrupted; foreign, truncated and corrupt files are refused, and a refused
// resume leaves the image's initial state, not a half-written one.
#include "tests/host/test_util.h"

#include <filesystem>
#include <fstream>

#include "host/engine/state_file.h"
#include "host/kernels/gemv.h"
#include "tests/support/random_image.h"
#include "tests/support/error_and_temp.h"

namespace wafer {
namespace {

using test::temp_path;

// Runs `im` uninterrupted, and again dumped at `at` and resumed in a fresh engine: both must agree.
void expect_resume_identical(const Image& im, uint64_t at, unsigned threads, const std::string& what) {
  SCOPED_TRACE(what + ", dumped at cycle " + std::to_string(at));
  const RunRequest rest{.max_cycles = 20000, .until_quiescent = true, .watchdog_cycles = 2000};
  auto whole = test::cpu(threads);
  whole->load(im);
  whole->run({.max_cycles = at});
  const RunResult r_whole = whole->run(rest);
  auto first = test::cpu(threads);
  first->load(im);
  first->run({.max_cycles = at});
  ASSERT_EQ(first->cycle(), std::min(at, first->cycle()));
  const std::string path = temp_path("resume.wst");
  save_state_file(*first, im, path);
  EXPECT_EQ(state_file_cycle(path), first->cycle());
  auto second = test::cpu(threads);
  load_state_file(*second, im, path);
  EXPECT_EQ(second->cycle(), first->cycle());
  EXPECT_EQ(second->snapshot().first_difference(first->snapshot()), "");
  const RunResult r_resumed = second->run(rest);
  EXPECT_EQ(r_resumed.reason, r_whole.reason);
  EXPECT_EQ(second->cycle(), whole->cycle());
  EXPECT_EQ(second->snapshot().first_difference(whole->snapshot()), "");
  std::filesystem::remove(path);
}

TEST(StateFile, ResumedGemvEndsBitIdentical) {
  const Image im = build_gemv_image(random_gemv(41, 23, 9), {7, 5});
  for (uint64_t at : {1, 17, 60}) expect_resume_identical(im, at, 1, "gemv 41x23 on 7x5");
  expect_resume_identical(im, 33, 2, "gemv on 2 threads");
}

// The hard case: a dump taken while a vector op is half done and wavelets sit on links between PEs.
TEST(StateFile, DumpMidVectorOpWithWaveletsInFlightResumesBitIdentical) {
  const Image im = build_gemv_image(random_gemv(64, 48, 5), {4, 6});
  auto probe = test::cpu();
  probe->load(im);
  uint64_t at = 0;
  for (uint64_t c = 1; c < 400 && at == 0; ++c) {
    probe->run({.max_cycles = 1});
    const MachineState s = probe->snapshot();
    bool op_half_done = false, in_flight = false;
    for (uint64_t p = 0; p < s.n; ++p) {
      for (uint32_t k = 0; k < uint32_t(kOpSlots); ++k) {
        const uint32_t w0 = s.ops[uint64_t(k * kOpSlotWords) * s.n + p], w1 = s.ops[uint64_t(k * kOpSlotWords + 1) * s.n + p];
        op_half_done |= (w0 & opslot::kActive) && (w1 >> 16) > 0 && (w1 >> 16) < (w1 & 0xFFFFu);
      }
    }
    for (uint32_t m : s.link_meta) in_flight |= (m & kLinkValid) != 0;
    if (op_half_done && in_flight) at = c;
  }
  ASSERT_GT(at, 0u) << "no cycle with both a half-done vector op and a wavelet on a link";
  expect_resume_identical(im, at, 1, "gemv 64x48 on 4x6, mid-op with wavelets in flight");
}

TEST(StateFile, ResumedRandomProgramsEndBitIdentical) {
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    const test::RandomImageOptions o{.width = 11, .height = 7, .seed = seed, .wild = seed % 2 == 0};
    expect_resume_identical(test::random_image(o), 5 + seed * 7, 1, test::describe(o));
  }
}

class StateFileErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    im_ = build_gemv_image(random_gemv(12, 9, 2), {3, 3});
    auto e = test::cpu();
    e->load(im_);
    e->run({.max_cycles = 20});
    save_state_file(*e, im_, path_);
    std::ifstream f(path_, std::ios::binary);
    bytes_.assign(std::istreambuf_iterator<char>(f), {});
  }
  void TearDown() override { std::filesystem::remove(path_); }
  void write(const std::string& b) {
    std::ofstream f(path_, std::ios::binary | std::ios::trunc);
    f << b;
  }
  // The error of resuming the file, and that the engine then holds the image's initial state.
  std::string resume_error() {
    auto e = test::cpu();
    auto fresh = test::cpu();
    fresh->load(im_);
    try {
      load_state_file(*e, im_, path_);
    } catch (const Error& err) {
      const MachineState left = e->snapshot();
      if (left.n != 0 && (e->cycle() != 0 || left.first_difference(fresh->snapshot()) != ""))
        return "engine left in another state";
      return err.what();
    }
    return "(no error)";
  }
  Image im_;
  std::string path_ = temp_path("errors.wst");
  std::string bytes_;
};

TEST_F(StateFileErrors, ForeignFilesAreRefused) {
  write("PNG not a state");
  EXPECT_NE(resume_error().find("not a wafer state file"), std::string::npos);
  std::string v = bytes_;
  v[8] = 9;
  write(v);
  EXPECT_NE(resume_error().find("state file version 9 is not supported"), std::string::npos);
  write(bytes_);
  auto e = test::cpu();
  const Image other = build_gemv_image(random_gemv(12, 9, 3), {3, 3});  // same grid, other weights
  EXPECT_THROW(
      {
        try {
          load_state_file(*e, other, path_);
        } catch (const Error& err) {
          EXPECT_NE(std::string(err.what()).find("dumped from another image"), std::string::npos) << err.what();
          throw;
        }
      },
      Error);
}

TEST_F(StateFileErrors, TruncatedAndCorruptFilesAreRefused) {
  write(bytes_.substr(0, bytes_.size() - 1));
  EXPECT_NE(resume_error().find("truncated or corrupt state file"), std::string::npos);
  write(bytes_.substr(0, bytes_.size() / 2));
  EXPECT_NE(resume_error().find("truncated or corrupt state file"), std::string::npos);
  write(bytes_.substr(0, 10));
  EXPECT_NE(resume_error().find("truncated state file"), std::string::npos);
  std::string flipped = bytes_;
  flipped[flipped.size() / 2] ^= 0x40;  // inside the payload: only the checksum can tell
  write(flipped);
  EXPECT_NE(resume_error().find("checksum does not match"), std::string::npos);
}

}  // namespace
}  // namespace wafer
