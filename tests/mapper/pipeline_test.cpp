// The layer pipeline end to end on the CPU engine: outputs against the float64 reference within the
// derived bound, for awkward sizes (primes, sizes that do not divide the rectangle), batch 1 and batches
// longer than the pipeline.
#include <gtest/gtest.h>

#include "tests/mapper/mapper_test_support.h"

namespace wafer::mapper {
namespace {

using testing::map_run_check;
using testing::random_graph;
using testing::random_inputs;

void expect_pass(const testing::MappedRun& m) {
  EXPECT_TRUE(m.check.pass()) << m.check.outside << " outside; worst error " << m.check.worst_error
                              << " vs bound " << m.check.worst_bound << " at sample " << m.check.worst_sample
                              << " output " << m.check.worst_index;
  EXPECT_GT(m.check.worst_ratio, 0.0);  // the wafer really rounded in fp32 somewhere
}

TEST(Pipeline, OneLayerLinear) {
  const auto g = random_graph({7, 5}, Activation::kNone, 1);
  const auto x = random_inputs(3, 7, 2);
  expect_pass(map_run_check(g, 16, 16, 2, x, 3));
}

TEST(Pipeline, TwoLayersReluPrimeSizes) {
  const auto g = random_graph({13, 11, 7}, Activation::kRelu, 3);
  const auto x = random_inputs(9, 13, 4);
  const auto m = map_run_check(g, 32, 32, 3, x, 9);
  expect_pass(m);
  std::printf("interval measured %.1f predicted %llu\n", m.run.interval, (unsigned long long)m.plan.interval);
}

TEST(Pipeline, BatchOne) {
  const auto g = random_graph({10, 6, 4, 3}, Activation::kRelu, 5);
  expect_pass(map_run_check(g, 24, 24, 2, random_inputs(1, 10, 6), 1));
}

TEST(Pipeline, SingleLanesAndSingleChains) {
  // Block side larger than every layer: one PE per layer (C = K = 1 everywhere).
  const auto g = random_graph({5, 4, 3}, Activation::kRelu, 7);
  expect_pass(map_run_check(g, 8, 8, 16, random_inputs(6, 5, 8), 6));
}

TEST(Pipeline, FourLayersOneByOneBlocks) {
  const auto g = random_graph({6, 8, 5, 7, 3}, Activation::kRelu, 9);
  expect_pass(map_run_check(g, 40, 40, 1, random_inputs(12, 6, 10), 12));
}

}  // namespace
}  // namespace wafer::mapper
