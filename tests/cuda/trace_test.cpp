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
};

Traced traced_run(Engine& e, const Image& im, Rect rect, const RunRequest& q, uint64_t limit) {
  e.load(im);
  TraceRecorder t(im, rect, limit);
  RunRequest r = q;
  r.trace = &t;
  const RunResult res = e.run(r);
  return {t.json(e.cycle()), res.describe(), e.cycle()};
}

void expect_same_trace(const Image& im, Rect rect, const RunRequest& q, const std::string& what,
                       uint64_t limit = 1000000) {
  auto cpu = test::cpu_engine();
  const Traced want = traced_run(*cpu, im, rect, q, limit);
  for (uint32_t batch : {1u, 13u, 256u}) {
    auto gpu = test::cuda_engine({.batch_cycles = batch});
    const Traced got = traced_run(*gpu, im, rect, q, limit);
    EXPECT_EQ(got.result, want.result) << what << " batch " << batch;
    EXPECT_EQ(got.cycle, want.cycle) << what << " batch " << batch;
    EXPECT_TRUE(got.json == want.json) << what << " batch " << batch << ": the traces differ ("
                                       << got.json.size() << " vs " << want.json.size() << " bytes)";
  }
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
  expect_same_trace(im, {0, 0, 8, 8}, {.max_cycles = 100000, .until_quiescent = true}, "cut", 200);
  auto traced = test::cuda_engine(), plain = test::cuda_engine();
  traced_run(*traced, im, {2, 2, 3, 3}, {.max_cycles = 100000, .until_quiescent = true}, 1000000);
  plain->load(im);
  plain->run({.max_cycles = 100000, .until_quiescent = true});
  EXPECT_EQ(traced->cycle(), plain->cycle());
  EXPECT_EQ(traced->snapshot().first_difference(plain->snapshot()), "");
}

}  // namespace
}  // namespace wafer
