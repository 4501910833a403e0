// The GEMV kernel on the GPU: the same state as the CPU engine at every checkpoint, and y within the
// float64 reference's error bound (correctness against mathematics, not only against the other engine).
#include <gtest/gtest.h>

#include <cmath>

#include "host/kernels/gemv.h"
#include "tests/cuda/cuda_test_util.h"
#include "tests/cuda/lockstep.h"

namespace wafer {
namespace {

TEST(CudaGemv, MatchesCpuAndMathematics) {
  WAFER_REQUIRE_GPU();
  struct Case {
    uint32_t m, n;
    GemvLayout layout;
    uint64_t seed;
  };
  const Case cases[] = {
      {61, 53, {7, 5}, 11}, {64, 64, {8, 8}, 12}, {200, 130, {13, 11}, 13}, {9, 300, {1, 17}, 14}};
  for (const Case& c : cases) {
    std::printf("gemv %ux%u on %ux%u PEs, seed %llu\n", c.m, c.n, c.layout.pe_rows, c.layout.pe_cols,
                (unsigned long long)c.seed);
    const GemvProblem g = random_gemv(c.m, c.n, c.seed);
    const Image im = build_gemv_image(g, c.layout);
    auto cpu = test::cpu_engine();
    auto gpu = test::cuda_engine();
    const auto out = test::run_lockstep(im, {cpu.get(), gpu.get()},
                                        {.cycles = 1000000, .checkpoint = 500, .until_quiescent = true});
    ASSERT_EQ(out.mismatch, "");
    ASSERT_EQ(out.last.reason, StopReason::kQuiescent) << out.last.describe();
    const std::vector<float> y = gemv_result(*gpu, g, c.layout);
    const std::vector<double> ref = gemv_reference(g), bound = gemv_error_bound(g, c.layout);
    for (uint32_t i = 0; i < c.m; ++i) EXPECT_LE(std::fabs(double(y[i]) - ref[i]), bound[i]) << "row " << i;
  }
}

}  // namespace
}  // namespace wafer
