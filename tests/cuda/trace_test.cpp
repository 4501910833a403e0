// Traces on the CUDA engine (cuda/device_trace.*): frames gathered on the device after every cycle and
// delivered per batch give the CPU engine's trace, byte for byte, for the example programs and for runs that
// stop mid-batch, whatever the batch size; the limit cuts both at the same cycle; tracing changes nothing.
// Needs a GPU (skips without one, fails with WAFER_EXPECT_GPU=1). The same path runs on the CPU with an
// emulated device in step_thread_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>

#include "host/asm/assembler.h"
#include "host/engine/trace.h"
#include "tests/cuda/cuda_test_util.h"
#include "tests/support/random_image.h"

namespace wafer {
namespace {

struct Traced {
  std::string json;
  std::string result;
  uint64_t cycle = 0;
  bool cut = false;
};

Traced traced_run(Engine& e, const Image& im, Rect rect, const RunRequest& q, uint64_t limit) {
  e.load(im);
  TraceRecorder t(im, rect, limit);
  RunRequest r = q;
  r.trace = &t;
  const RunResult res = e.run(r);
  return {t.json(e.cycle()), res.describe(), e.cycle(), t.cut()};
}

// The CPU engine's trace, and each batch size's CUDA trace compared with it. Returns the CPU's.
Traced expect_same_trace(const Image& im, Rect rect, const RunRequest& q, const std::string& what,
                         uint64_t limit = 1000000, std::vector<uint32_t> batches = {1u, 13u, 256u}) {
  auto cpu = test::cpu_engine();
  const Traced want = traced_run(*cpu, im, rect, q, limit);
  for (uint32_t batch : batches) {
    auto gpu = test::cuda_engine({.batch_cycles = batch});
    const Traced got = traced_run(*gpu, im, rect, q, limit);
    EXPECT_EQ(got.result, want.result) << what << " batch " << batch;
    EXPECT_EQ(got.cycle, want.cycle) << what << " batch " << batch;
    EXPECT_TRUE(got.json == want.json) << what << " batch " << batch << ": the traces differ ("
                                       << got.json.size() << " vs " << want.json.size() << " bytes)";
  }
  return want;
}

TEST(CudaTrace, ExampleProgramsTraceLikeCpu) {
  WAFER_REQUIRE_GPU();
  for (const char* name : {"jacobi", "summa", "stream_bandwidth", "allreduce"}) {
    const std::string path = test::data_dir() + "/programs/" + name + ".wasm";
    const Image im = assemble_file(path);
    expect_same_trace(im, {0, 0, std::min(im.width, 3u), std::min(im.height, 2u)},
                      {.max_cycles = 20000, .until_quiescent = true}, path);
  }
}

TEST(CudaTrace, RunsThatStopMidBatchTraceLikeCpu) {
  WAFER_REQUIRE_GPU();
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    const test::RandomImageOptions o{.width = 9, .height = 7, .seed = seed, .wild = seed % 2 == 0};
    expect_same_trace(test::random_image(o), {1, 1, 5, 4}, {.max_cycles = 500, .watchdog_cycles = 80},
                      test::describe(o));
  }
}

TEST(CudaTrace, LimitCutsAtTheSameCycleAndTracingChangesNothing) {
  WAFER_REQUIRE_GPU();
  const test::RandomImageOptions o{.width = 8, .height = 8, .seed = 11};
  const Image im = test::random_image(o);
  EXPECT_TRUE(expect_same_trace(im, {0, 0, 8, 8}, {.max_cycles = 100000, .until_quiescent = true}, "cut", 200).cut);
  auto traced = test::cuda_engine(), plain = test::cuda_engine();
  traced_run(*traced, im, {2, 2, 3, 3}, {.max_cycles = 100000, .until_quiescent = true}, 1000000);
  plain->load(im);
  plain->run({.max_cycles = 100000, .until_quiescent = true});
  EXPECT_EQ(traced->cycle(), plain->cycle());
  EXPECT_EQ(traced->snapshot().first_difference(plain->snapshot()), "");
}

// One recorder over several runs of one engine, the traced ones starting after cycle 0 (wafer infer runs
// once per sample; --resume starts late): frames numbered from the engine's cycle count.
TEST(CudaTrace, AcrossRunsStartingLate) {
  WAFER_REQUIRE_GPU();
  const Image im = test::random_image({.width = 8, .height = 6, .seed = 2});
  const Rect rect{1, 0, 6, 4};
  const std::vector<RunRequest> runs = {{.max_cycles = 37}, {.max_cycles = 50}, {.max_cycles = 100000, .until_quiescent = true}};
  auto cpu = test::cpu_engine();
  auto gpu = test::cuda_engine({.batch_cycles = 16});
  TraceRecorder want(im, rect, 1000000), got(im, rect, 1000000);
  for (auto [e, t] : {std::pair{cpu.get(), &want}, std::pair{gpu.get(), &got}}) {
    e->load(im);
    e->run(runs[0]);  // untraced
    for (size_t i = 1; i < runs.size(); ++i) {
      RunRequest q = runs[i];
      q.trace = t;
      e->run(q);
    }
  }
  ASSERT_EQ(gpu->cycle(), cpu->cycle());
  EXPECT_GT(want.events(), 0u);
  EXPECT_TRUE(got.json(gpu->cycle()) == want.json(cpu->cycle()));
}

// Small enough for compute-sanitizer memcheck (scripts/gpu_check.sh): one traced run that stops mid-batch.
TEST(CudaTrace, OneSmallTracedRun) {
  WAFER_REQUIRE_GPU();
  const test::RandomImageOptions o{.width = 6, .height = 5, .seed = 3, .wild = true};
  expect_same_trace(test::random_image(o), {0, 0, 6, 5}, {.max_cycles = 300, .watchdog_cycles = 60},
                    test::describe(o), 1000000, {13u});
}

}  // namespace
}  // namespace wafer
