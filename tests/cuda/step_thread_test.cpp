// The CUDA engine's per-thread code and launch sequence, run on the CPU: step_thread and run_control_step
// (cuda/step_thread.h) are what step_kernel and run_control_kernel execute. Here a host loop plays the GPU:
// threads of a cycle in a fresh random order each cycle (any order must give the same state), threads past
// the last PE or stream as a rounded-up grid has them, and batches of cycles (some running past a stop)
// through the engine's own batch loop (cuda/batch_loop.h). The result must equal the CPU engine's, stop
// cycle, report and state. A traced run gathers its frames as the engine does (cuda/trace_batches.h) and
// must give the CPU engine's trace.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "cuda/batch_loop.h"
#include "cuda/step_thread.h"
#include "cuda/trace_batches.h"
#include "host/engine/reports.h"
#include "tests/cuda/cuda_test_util.h"
#include "tests/support/random_image.h"

namespace wafer {
namespace {

struct Emulated {
  MachineState state;
  RunResult result;
};

// CudaEngine::run on a host "device": batches of `batch` cycles between reads of the stop flag. With a
// trace, as DeviceTraceFrames does it: batches cut to the frame buffer, a gather after every enqueued cycle
// (past a stop too), the frames of the cycles that ran delivered after each batch.
Emulated emulate(const Image& im, const RunRequest& q, uint32_t batch, uint32_t block, uint64_t order_seed,
                 TraceRecorder* trace = nullptr) {
  Emulated e{load_machine(im), {}};
  const MachineView v = e.state.view();
  DeviceControl c{};
  c.limits = run_limits(q, e.state.out_info.size());
  c.cycle = 0;
  if (c.limits.max_cycles == 0) return e;
  TraceGather g;
  uint64_t words = 0, done = 0;
  std::vector<uint32_t> frames;
  auto gather_into = [&](uint32_t slot) {
    for (uint64_t i = 0; i < trace_frame_items(g); ++i) gather_trace_item(v, g, i, frames.data() + slot * words);
  };
  if (trace) {
    trace->prepare(e.state);
    g = trace->gather();
    words = trace_frame_words(g);
    batch = trace_frames_per_batch(words, batch);
    frames.assign(batch * words, 0xDEADBEEFu);
    gather_into(0);
    trace->begin(frames.data(), 0);
  }
  const uint64_t threads = (cycle_threads(v) + block - 1) / block * block;
  std::vector<uint64_t> order(threads);
  std::iota(order.begin(), order.end(), 0);
  test::Rng rng(order_seed);
  // The engine's own batch loop, with a host loop in place of the launches.
  const RunProgress progress = run_batches(
      c.limits.max_cycles, batch,
      [&](uint32_t cycles, bool) {
        for (uint32_t k = 0; k < cycles; ++k) {
          if (c.progress.stop == kRunOn) {  // step_kernel's first line: a launch past a stop does nothing
            for (uint64_t i = threads; i > 1; --i) std::swap(order[i - 1], order[rng.next() % i]);
            for (uint64_t i : order) c.summary |= step_thread(v, i, c.cycle);
            run_control_step(c, v.out_received, v.out_count);
          }
          if (trace && trace->recording()) gather_into(k);
        }
      },
      [&] {
        if (trace) deliver_trace_frames(*trace, frames.data(), words, c.progress.cycles_done - done, done);
        done = c.progress.cycles_done;
        return c.progress;
      },
      [] { ADD_FAILURE() << "resync without an error"; });
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

// "" when equal, else where two traces first differ, with a little of each (a whole trace is megabytes).
std::string trace_difference(const std::string& got, const std::string& want) {
  if (got == want) return "";
  size_t i = 0;
  while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
  const size_t from = i > 80 ? i - 80 : 0;
  return "traces differ at byte " + std::to_string(i) + ": got ..." + got.substr(from, 200) + "\nwant ..." +
         want.substr(from, 200);
}

// Traces on the CUDA engine's path: frames gathered per cycle into a batch's buffer (including cycles run
// past a stop, which must not be delivered) give the CPU engine's trace, byte for byte, whatever the batch.
TEST(StepThread, TraceFramesPerBatchGiveTheCpuEnginesTrace) {
  struct Case {
    test::RandomImageOptions o;
    Rect rect;
    RunRequest q;
  };
  const std::vector<Case> cases = {
      {{.width = 7, .height = 5, .seed = 1}, {0, 0, 7, 5}, {.max_cycles = 100000, .until_quiescent = true}},
      {{.width = 13, .height = 1, .seed = 2}, {3, 0, 5, 1}, {.max_cycles = 300, .watchdog_cycles = 1000}},
      {{.width = 5, .height = 4, .seed = 3, .wild = true}, {1, 1, 3, 2}, {.max_cycles = 300, .watchdog_cycles = 60}},
      {{.width = 5, .height = 4, .seed = 7, .wild = true}, {0, 0, 5, 4}, {.max_cycles = 300, .watchdog_cycles = 60}},
  };
  bool streams_seen = false;
  for (const Case& k : cases) {
    const Image im = test::random_image(k.o);
    auto cpu = test::cpu_engine(1);
    cpu->load(im);
    TraceRecorder want(im, k.rect, 1000000);
    RunRequest q = k.q;
    q.trace = &want;
    const RunResult rc = cpu->run(q);
    ASSERT_GT(want.events(), 0u) << test::describe(k.o);
    const std::string want_json = want.json(cpu->cycle());
    streams_seen = streams_seen || want_json.find("from '") != std::string::npos;
    for (uint32_t batch : {1u, 7u, 64u}) {
      TraceRecorder got(im, k.rect, 1000000);
      const Emulated em = emulate(im, k.q, batch, 32, batch, &got);
      const std::string what = test::describe(k.o) + " batch " + std::to_string(batch);
      ASSERT_EQ(em.result.describe(), rc.describe()) << what;
      EXPECT_EQ(trace_difference(got.json(em.result.cycles), want_json), "") << what;
    }
  }
  EXPECT_TRUE(streams_seen) << "no case traces a PE fed by an input stream";
}

// The limit cuts an emulated device's trace at the CPU engine's cycle, and the frames after it are not
// gathered.
TEST(StepThread, TraceLimitCutsLikeCpu) {
  const test::RandomImageOptions o{.width = 6, .height = 6, .seed = 4};
  const Image im = test::random_image(o);
  const RunRequest q{.max_cycles = 100000, .until_quiescent = true};
  auto cpu = test::cpu_engine(1);
  cpu->load(im);
  TraceRecorder want(im, {0, 0, 6, 6}, 50);
  RunRequest traced = q;
  traced.trace = &want;
  cpu->run(traced);
  ASSERT_TRUE(want.cut());
  TraceRecorder got(im, {0, 0, 6, 6}, 50);
  const Emulated em = emulate(im, q, 16, 32, 5, &got);
  EXPECT_TRUE(got.cut());
  EXPECT_EQ(got.cut_cycle(), want.cut_cycle());
  EXPECT_EQ(trace_difference(got.json(em.result.cycles), want.json(cpu->cycle())), "");
}

}  // namespace
}  // namespace wafer
