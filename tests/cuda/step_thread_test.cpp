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

// CudaEngine on a host "device": state, cycle count and run() as the engine has them. run(): batches of
// `batch` cycles between reads of the stop flag. With a trace, as DeviceTraceFrames does it (and only while
// the recorder records): batches cut to the frame buffer, a baseline frame, a gather after every enqueued
// cycle (past a stop too), the frames of the cycles that ran delivered after each batch, numbered from the
// engine's cycle count at the start of the run.
class EmulatedDevice {
 public:
  EmulatedDevice(const Image& im, uint32_t block, uint64_t order_seed)
      : state_(load_machine(im)), view_(state_.view()), rng_(order_seed) {
    const uint64_t threads = (cycle_threads(view_) + block - 1) / block * block;
    order_.resize(threads);
    std::iota(order_.begin(), order_.end(), 0);
  }

  RunResult run(const RunRequest& q, uint32_t batch, TraceRecorder* trace = nullptr) {
    const MachineView& v = view_;
    DeviceControl c{};
    c.limits = run_limits(q, state_.out_info.size());
    c.cycle = cycle_;
    if (c.limits.max_cycles == 0) return {};
    if (trace && !trace->recording()) trace = nullptr;
    TraceGather g;
    uint64_t words = 0, done = 0;
    std::vector<uint32_t> frames;
    auto gather_into = [&](uint32_t slot) {
      for (uint64_t i = 0; i < trace_frame_items(g); ++i) gather_trace_item(v, g, i, frames.data() + slot * words);
    };
    if (trace) {
      trace->prepare(state_);
      g = trace->gather();
      words = trace_frame_words(g);
      batch = trace_frames_per_batch(words, batch);
      frames.assign(batch * words, 0xDEADBEEFu);
      if (!trace->begun()) {
        gather_into(0);
        trace->begin(frames.data(), cycle_);
      }
    }
    // The engine's own batch loop, with a host loop in place of the launches.
    const RunProgress progress = run_batches(
        c.limits.max_cycles, batch,
        [&](uint32_t cycles, bool) {
          for (uint32_t k = 0; k < cycles; ++k) {
            if (c.progress.stop == kRunOn) {  // step_kernel's first line: a launch past a stop does nothing
              for (uint64_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[rng_.next() % i]);
              for (uint64_t i : order_) c.summary |= step_thread(v, i, c.cycle);
              run_control_step(c, v.out_received, v.out_count);
            }
            if (trace && trace->recording()) gather_into(k);
          }
        },
        [&] {
          if (trace) deliver_trace_frames(*trace, frames.data(), words, c.progress.cycles_done - done, cycle_ + done);
          done = c.progress.cycles_done;
          return c.progress;
        },
        [] { ADD_FAILURE() << "resync without an error"; });
    cycle_ += progress.cycles_done;
    EXPECT_EQ(cycle_, c.cycle);
    return make_run_result(c.progress.stop, c.progress.cycles_done, c.cycle, c.progress.quiet_cycles, state_);
  }
  const MachineState& state() const { return state_; }
  uint64_t cycle() const { return cycle_; }

 private:
  MachineState state_;
  MachineView view_;
  test::Rng rng_;
  std::vector<uint64_t> order_;
  uint64_t cycle_ = 0;
};

// One run from the image's initial state.
Emulated emulate(const Image& im, const RunRequest& q, uint32_t batch, uint32_t block, uint64_t order_seed,
                 TraceRecorder* trace = nullptr) {
  EmulatedDevice d(im, block, order_seed);
  const RunResult r = d.run(q, batch, trace);
  return {d.state(), r};
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
// Wild programs trap and stall mid-batch: a frame delivered past the stop would repeat the stopped
// machine's sends.
TEST(StepThread, TraceFramesPerBatchGiveTheCpuEnginesTrace) {
  struct Case {
    test::RandomImageOptions o;
    Rect rect;
    RunRequest q;
  };
  std::vector<Case> cases = {
      {{.width = 7, .height = 5, .seed = 1}, {0, 0, 7, 5}, {.max_cycles = 100000, .until_quiescent = true}},
      {{.width = 13, .height = 1, .seed = 2}, {3, 0, 5, 1}, {.max_cycles = 300, .watchdog_cycles = 1000}},
      {{.width = 5, .height = 4, .seed = 3, .wild = true}, {1, 1, 3, 2}, {.max_cycles = 300, .watchdog_cycles = 60}},
  };
  for (uint64_t seed = 1; seed <= 12; ++seed)
    cases.push_back({{.width = 5, .height = 4, .seed = seed, .wild = true}, {0, 0, 5, 4}, {.max_cycles = 300, .watchdog_cycles = 60}});
  bool streams_seen = false;
  int traps = 0, traced = 0;
  for (const Case& k : cases) {
    const Image im = test::random_image(k.o);
    auto cpu = test::cpu_engine(1);
    cpu->load(im);
    TraceRecorder want(im, k.rect, 1000000);
    RunRequest q = k.q;
    q.trace = &want;
    const RunResult rc = cpu->run(q);
    traps += rc.reason == StopReason::kTrap;
    traced += want.events() > 0;
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
  EXPECT_GE(traps, 2) << "too few cases stop on a trap mid-batch";
  EXPECT_GE(traced, int(cases.size()) - 3) << "too many cases record nothing";
}

// One recorder over several runs, the traced ones starting after cycle 0 (wafer infer runs once per sample,
// --resume starts late): frames numbered from the engine's cycle count, the baseline taken once.
TEST(StepThread, TraceAcrossRunsStartingLate) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    const test::RandomImageOptions o{.width = 8, .height = 6, .seed = seed};
    const Image im = test::random_image(o);
    const Rect rect{1, 0, 6, 4};
    const std::vector<RunRequest> runs = {{.max_cycles = 37}, {.max_cycles = 50}, {.max_cycles = 100000, .until_quiescent = true}};
    auto cpu = test::cpu_engine(1);
    cpu->load(im);
    TraceRecorder want(im, rect, 1000000);
    cpu->run(runs[0]);  // untraced
    for (size_t i = 1; i < runs.size(); ++i) {
      RunRequest q = runs[i];
      q.trace = &want;
      cpu->run(q);
    }
    for (uint32_t batch : {7u, 64u}) {
      EmulatedDevice d(im, 32, seed);
      TraceRecorder got(im, rect, 1000000);
      d.run(runs[0], batch);
      for (size_t i = 1; i < runs.size(); ++i) d.run(runs[i], batch, &got);
      ASSERT_EQ(d.cycle(), cpu->cycle()) << test::describe(o);
      EXPECT_EQ(trace_difference(got.json(d.cycle()), want.json(cpu->cycle())), "") << test::describe(o) << " batch " << batch;
    }
  }
}

// How many frames a traced batch holds: the engine's batch, cut to 64 MiB and to half the free device memory,
// at least one, and none (the trace refused) when one frame needs more than half the free memory.
TEST(StepThread, TraceFramesPerBatchFitTheDevice) {
  EXPECT_EQ(trace_frames_per_batch(23, 256), 256u);                      // 92-byte frames: the batch
  EXPECT_EQ(trace_frames_per_batch(23u * 893064, 256), 1u);              // a full wafer's 82 MB frame
  EXPECT_EQ(trace_frames_per_batch(1u << 20, 256), 16u);                 // 4 MiB frames: 64 MiB
  EXPECT_EQ(trace_frames_per_batch(1u << 20, 256, 40ull << 20), 5u);    // 20 MiB of 40 free: 5 frames
  EXPECT_EQ(trace_frames_per_batch(1u << 20, 256, 7ull << 20), 0u);     // 4 MiB > 3.5 MiB: refused
  EXPECT_EQ(trace_frames_per_batch(0, 0), 1u);
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
