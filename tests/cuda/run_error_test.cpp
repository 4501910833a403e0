// Consistency after an error inside run(): batches that ran on the device before the failure advanced its
// cycle count and link-buffer parity, so the host must follow (cuda/batch_loop.h's resync, CudaEngine's
// resync_after_error). The batch loop's part runs without a GPU; the engine's with one.
#include <gtest/gtest.h>

#include <stdexcept>

#include "cuda/batch_loop.h"
#include "host/model/error.h"
#include "tests/cuda/cuda_test_util.h"
#include "tests/cuda/lockstep.h"
#include "tests/support/random_image.h"

namespace wafer {
namespace {

// A pretend device that counts cycles; enqueue or read fails at the chosen batch.
struct FailingDevice {
  uint64_t device_cycle = 0, pending = 0;
  int fail_enqueue_at = -1, fail_read_at = -1, batches = 0, resyncs = 0;
  uint64_t host_cycle = 0;
  RunProgress run(uint64_t max_cycles, uint32_t batch) {
    RunProgress p;
    return run_batches(
        max_cycles, batch,
        [&](uint32_t cycles, bool) {
          if (batches == fail_enqueue_at) throw Error("enqueue failed");
          pending = cycles;
        },
        [&] {
          device_cycle += pending;
          p.cycles_done += pending;
          if (p.cycles_done >= max_cycles) p.stop = kStopCycleLimit;
          if (batches++ == fail_read_at) throw std::runtime_error("read failed");
          return p;
        },
        [&]() noexcept {
          ++resyncs;
          host_cycle = device_cycle;
        });
  }
};

TEST(RunError, BatchLoopResyncsOnceAndRethrowsTheError) {
  FailingDevice ok;
  EXPECT_EQ(ok.run(100, 16).cycles_done, 100u);
  EXPECT_EQ(ok.resyncs, 0);

  FailingDevice bad_read;
  bad_read.fail_read_at = 3;  // batches 0..3 ran on the device, the 4th read then failed
  EXPECT_THROW(bad_read.run(100, 16), std::runtime_error);
  EXPECT_EQ(bad_read.resyncs, 1);
  EXPECT_EQ(bad_read.host_cycle, 64u);

  FailingDevice bad_enqueue;
  bad_enqueue.fail_enqueue_at = 2;
  try {
    bad_enqueue.run(100, 16);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "enqueue failed");  // the original error, not one from resync
  }
  EXPECT_EQ(bad_enqueue.resyncs, 1);
  EXPECT_EQ(bad_enqueue.host_cycle, 32u);
}

// The engine: after a run that failed after 3 batches, cycle() equals the device's count and the next runs
// continue exactly as an engine that never failed (same parity, same state).
TEST(RunError, EngineFollowsTheDeviceAfterAFailedRun) {
  WAFER_REQUIRE_GPU();
  const test::RandomImageOptions o{.width = 23, .height = 17, .seed = 9};
  const Image im = test::random_image(o);
  auto failing = test::cuda_engine({.block_size = 64, .batch_cycles = 7, .test_fail_after_batches = 3});
  auto cpu = test::cpu_engine();
  failing->load(im);
  cpu->load(im);
  EXPECT_THROW(failing->run({.max_cycles = 100}), Error);
  EXPECT_EQ(failing->cycle(), 21u);  // 3 batches of 7
  cpu->run({.max_cycles = 21});
  EXPECT_EQ(failing->snapshot().first_difference(cpu->snapshot()), "");
  // The hook counts batches within one run: a run of 2 batches succeeds.
  const RunResult rg = failing->run({.max_cycles = 13});
  const RunResult rc = cpu->run({.max_cycles = 13});
  EXPECT_EQ(rg.describe(), rc.describe());
  EXPECT_EQ(failing->cycle(), cpu->cycle());
  EXPECT_EQ(failing->snapshot().first_difference(cpu->snapshot()), "");
}

}  // namespace
}  // namespace wafer
