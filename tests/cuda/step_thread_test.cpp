// The CUDA engine's per-thread code and launch sequence, run on the CPU: step_thread and run_control_step
// (cuda/step_thread.h) are what step_kernel and run_control_kernel execute. Here a host loop plays the GPU:
// threads of a cycle in a fresh random order each cycle (any order must give the same state), threads past
// the last PE or stream as a rounded-up grid has them, and batches of cycles (some running past a stop)
// through the engine's own batch loop (cuda/batch_loop.h). The result must equal the CPU engine's, stop
// cycle, report and state.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "cuda/batch_loop.h"
#include "cuda/step_thread.h"
#include "host/engine/reports.h"
#include "tests/cuda/cuda_test_util.h"
#include "tests/support/random_image.h"

namespace wafer {
namespace {

struct Emulated {
  MachineState state;
  RunResult result;
};

// CudaEngine::run on a host "device": batches of `batch` cycles between reads of the stop flag.
Emulated emulate(const Image& im, const RunRequest& q, uint32_t batch, uint32_t block, uint64_t order_seed) {
  Emulated e{load_machine(im), {}};
  const MachineView v = e.state.view();
  DeviceControl c{};
  c.limits = run_limits(q, e.state.out_info.size());
  c.cycle = 0;
  if (c.limits.max_cycles == 0) return e;
  const uint64_t threads = (cycle_threads(v) + block - 1) / block * block;
  std::vector<uint64_t> order(threads);
  std::iota(order.begin(), order.end(), 0);
  test::Rng rng(order_seed);
  // The engine's own batch loop, with a host loop in place of the launches.
  const RunProgress progress = run_batches(
      c.limits.max_cycles, batch,
      [&](uint32_t cycles, bool) {
        for (uint32_t k = 0; k < cycles; ++k) {
          if (c.progress.stop != kRunOn)
            continue;  // step_kernel's first line: a launch past a stop does nothing
          for (uint64_t i = threads; i > 1; --i) std::swap(order[i - 1], order[rng.next() % i]);
          for (uint64_t i : order) c.summary |= step_thread(v, i, c.cycle);
          run_control_step(c, v.out_received, v.out_count);
        }
      },
      [&] { return c.progress; }, [] { ADD_FAILURE() << "resync without an error"; });
  EXPECT_EQ(progress.cycles_done, c.cycle);
  e.result =
      make_run_result(c.progress.stop, c.progress.cycles_done, c.cycle, c.progress.quiet_cycles, e.state);
  return e;
}

void expect_like_cpu(const Image& im, const RunRequest& q, uint32_t batch, uint32_t block,
                     const std::string& what) {
  auto cpu = test::cpu_engine(1);
  cpu->load(im);
  const RunResult rc = cpu->run(q);
  const Emulated em = emulate(im, q, batch, block, batch * 1000003ull + block);
  EXPECT_EQ(em.result.describe(), rc.describe()) << what;
  EXPECT_EQ(em.state.first_difference(cpu->snapshot()), "") << what;
}

TEST(StepThread, RandomProgramsLikeCpuInAnyThreadOrder) {
  struct Case {
    uint32_t w, h;
  };
  for (const Case& s : {Case{1, 1}, Case{1, 13}, Case{13, 1}, Case{7, 5}, Case{10, 10}}) {
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      const test::RandomImageOptions o{.width = s.w, .height = s.h, .seed = seed};
      std::printf("%s\n", test::describe(o).c_str());
      expect_like_cpu(test::random_image(o), {.max_cycles = 400, .watchdog_cycles = 1000}, 64, 32,
                      test::describe(o));
      expect_like_cpu(test::random_image(o), {.max_cycles = 100000, .until_quiescent = true}, 256, 96,
                      test::describe(o) + " to quiescence");
    }
  }
}

TEST(StepThread, WildProgramsStopLikeCpuWithBatchesPastTheStop) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const test::RandomImageOptions o{.width = 5, .height = 4, .seed = seed, .wild = true};
    for (uint32_t batch : {1u, 7u, 64u}) {
      expect_like_cpu(test::random_image(o), {.max_cycles = 300, .watchdog_cycles = 60}, batch, 32,
                      test::describe(o) + " batch " + std::to_string(batch));
    }
  }
}

TEST(StepThread, OutputCountStopsLikeCpu) {
  Image im;
  im.width = 5, im.height = 3;
  im.route({0, 1, 5, 1}, 2, kWest, port_bit(kEast));
  InStream in;
  in.name = "in", in.y = 1, in.port = kWest, in.color = 2;
  for (uint32_t i = 0; i < 40; ++i) in.payload.push_back(i);
  im.add_in_stream(in);
  OutStream out;
  out.name = "out", out.x = 4, out.y = 1, out.port = kEast, out.capacity = 100;
  im.add_out_stream(out);
  for (uint32_t batch : {1u, 5u, 64u}) {
    expect_like_cpu(im, {.max_cycles = 1000, .output_stream = 0, .output_count = 17}, batch, 32, "outputs");
    expect_like_cpu(im, {.max_cycles = 0}, batch, 32, "zero cycles");
  }
}

}  // namespace
}  // namespace wafer
