// State dumps across engines (host/engine/state_file.h): the state file holds the arrays in the layout both
// engines share, so a run dumped on one engine resumes on the other and ends bit-identical to a run that was
// never interrupted. Needs a GPU (skips without one, fails with WAFER_EXPECT_GPU=1).
#include <gtest/gtest.h>

#include <filesystem>

#include "host/engine/state_file.h"
#include "host/kernels/gemv.h"
#include "host/model/error.h"
#include "tests/cuda/cuda_test_util.h"
#include "tests/support/error_and_temp.h"

namespace wafer {
namespace {

void dump_on_then_resume_on(Engine& first, Engine& second, const Image& im, uint64_t at) {
  const RunRequest rest{.max_cycles = 100000, .until_quiescent = true, .watchdog_cycles = 2000};
  auto whole = test::cpu_engine();
  whole->load(im);
  whole->run(rest);
  first.load(im);
  first.run({.max_cycles = at});
  const std::string path = test::temp_path("cross_engine.wst");
  save_state_file(first, im, path);
  load_state_file(second, im, path);
  EXPECT_EQ(second.snapshot().first_difference(first.snapshot()), "");
  second.run(rest);
  EXPECT_EQ(second.cycle(), whole->cycle());
  EXPECT_EQ(second.snapshot().first_difference(whole->snapshot()), "");
  std::filesystem::remove(path);
}

TEST(CudaStateFile, DumpOnCpuResumeOnCudaAndBack) {
  WAFER_REQUIRE_GPU();
  const Image im = build_gemv_image(random_gemv(61, 47, 4), {9, 7});
  auto cpu = test::cpu_engine();
  auto cuda = test::cuda_engine();
  dump_on_then_resume_on(*cpu, *cuda, im, 37);
  auto cpu2 = test::cpu_engine();
  auto cuda2 = test::cuda_engine();
  dump_on_then_resume_on(*cuda2, *cpu2, im, 53);
}

}  // namespace
}  // namespace wafer
