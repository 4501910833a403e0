// The sparse FC kernel (host/kernels/fc_kernel.h) against the dense one: same outputs, zeros cost nothing,
// a dense input pays at most the stated overhead. Small grids, CPU engine.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "mapper/check/ordered_fp32.h"
#include "tests/mapper/mapper_test_support.h"

namespace wafer::mapper {
namespace {

using testing::map_run_check;
using testing::MappedRun;
using testing::random_graph;
using testing::random_inputs;

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

LayerGraph dense_version(LayerGraph g) {
  g.dense_kernel = true;
  return g;
}

// Zeroes every other input (and a whole sample), so that x are skipped.
std::vector<double> half_zero_inputs(uint32_t batch, uint32_t n, uint64_t seed) {
  std::vector<double> x = random_inputs(batch, n, seed);
  for (size_t i = 0; i < x.size(); ++i)
    if (i % 2 || i / n == 1) x[i] = 0;
  return x;
}

TEST(SparseKernel, SameOutputsAsTheDenseKernelBitForBit) {
  // Chained layers (C > 1, the ReLU epilogue) and single-position ones; inputs half zero, hidden layers
  // about half zero from the ReLU. Skipping fma(w, 0, acc) changes nothing but the sign of a zero acc, which
  // random biases never produce; so the two kernels agree bit for bit, and each with its replay.
  struct Case {
    std::vector<uint32_t> sizes;
    uint32_t block;
  };
  for (const Case& c : {Case{{20, 24, 16, 6}, 3}, Case{{13, 11, 7}, 1}, Case{{9, 12, 5}, 20}}) {
    const LayerGraph g = random_graph(c.sizes, Activation::kRelu, 40 + c.block);
    const uint32_t batch = 6;
    const auto x = half_zero_inputs(batch, c.sizes[0], 7);
    const MappedRun sparse = map_run_check(g, 64, 64, c.block, x, batch);
    const MappedRun dense = map_run_check(dense_version(g), 64, 64, c.block, x, batch);
    EXPECT_TRUE(sparse.check.pass());
    EXPECT_TRUE(dense.check.pass());
    EXPECT_TRUE(compare_bits(sparse.run.outputs, dense.run.outputs).equal()) << "block " << c.block;
    EXPECT_TRUE(compare_bits(sparse.run.outputs, ordered_fp32_forward(g, sparse.plan, x, batch)).equal());
  }
}

TEST(SparseKernel, ANegativeZeroSumKeepsItsSignOnlyInTheSparseKernel) {
  // y = 1 * x + (-0) with x = 0: the dense kernel adds the product, -0 + (+0) = +0; the sparse one never sees
  // x, so it reduces its init vector, the bias, -0. Each matches its own replay bit for bit.
  LayerGraph g = random_graph({1, 1}, Activation::kNone, 1);
  g.layers[0].weight = {1.0};
  g.layers[0].bias = {-0.0};
  const std::vector<double> x = {0.0, 2.0, 0.0, 0.0};
  const MappedRun sparse = map_run_check(g, 8, 8, 1, x, 4);
  const MappedRun dense = map_run_check(dense_version(g), 8, 8, 1, x, 4);
  EXPECT_EQ(bits(sparse.run.outputs[0]), 0x80000000u);
  EXPECT_EQ(bits(dense.run.outputs[0]), 0u);
  EXPECT_EQ(sparse.run.outputs[1], 2.0f);
  EXPECT_TRUE(compare_bits(sparse.run.outputs, ordered_fp32_forward(g, sparse.plan, x, 4)).equal());
  EXPECT_TRUE(compare_bits(dense.run.outputs, ordered_fp32_forward(dense_version(g), dense.plan, x, 4)).equal());
}

// A network whose every activation is 0 for a zero input: the hidden biases are negative.
LayerGraph silent_graph(const std::vector<uint32_t>& sizes) {
  LayerGraph g = random_graph(sizes, Activation::kRelu, 77);
  for (size_t l = 0; l + 1 < g.layers.size(); ++l)
    for (double& b : g.layers[l].bias) b = -std::fabs(b) - 0.25;
  return g;
}

// The 32-32-32-3 silent network on a side x side grid under the uniform rule with `block`, a zero input:
// the sparse and the dense kernel's runs (same outputs).
std::pair<MappedRun, MappedRun> zero_input_runs(uint32_t block, uint32_t side, uint32_t batch) {
  const LayerGraph g = silent_graph({32, 32, 32, 3});
  const std::vector<double> zeros(uint64_t(batch) * 32, 0.0);
  MappedRun sparse = map_run_check(g, side, side, block, zeros, batch);
  MappedRun dense = map_run_check(dense_version(g), side, side, block, zeros, batch);
  EXPECT_TRUE(compare_bits(sparse.run.outputs, dense.run.outputs).equal());
  return {std::move(sparse), std::move(dense)};
}

TEST(SparseKernel, AnAllZeroInputSendsAlmostNothingAndCostsAlmostNothing) {
  // Every layer single-position (block >= its inputs): with a zero input, only the sentinels travel
  // between layers (1 per lane and sample instead of m) and the last layer's 3 outputs reach the host
  // (a 4 x 4 grid keeps their way to the edge short).
  const uint32_t batch = 8;
  const auto [sparse, dense] = zero_input_runs(32, 4, batch);
  const uint64_t ws = sparse.totals[kCtrWaveletsOut], wd = dense.totals[kCtrWaveletsOut];
  const uint64_t bs = sparse.totals[kCtrBusy], bd = dense.totals[kCtrBusy];
  std::printf("all-zero input: wavelets out %llu sparse vs %llu dense, busy cycles %llu vs %llu\n",
              (unsigned long long)ws, (unsigned long long)wd, (unsigned long long)bs, (unsigned long long)bd);
  // Each hidden layer hands its 32 outputs to the next in one hop; the sparse kernel sends the sentinel
  // instead: exactly 31 fewer wavelets per hidden layer and sample. The rest are the network outputs' hops
  // to the edge (the same 3 values in both).
  EXPECT_EQ(wd - ws, uint64_t(batch) * 2 * 31);
  EXPECT_LT(ws * 5, wd);
  EXPECT_LT(bs * 20, bd);  // under 5%: per sample and PE the sentinel's 16 instructions and the reduction
}

TEST(SparseKernel, AnAllZeroInputOnChainsLeavesOnlyTheReduction) {
  // With chains (C > 1) the partial sums still travel (m + 1 per chain position and sample): zeros make
  // the x free, not the reduction. Busy cycles fall to the reduction's and the fixed 16 per sample.
  const auto [sparse, dense] = zero_input_runs(8, 40, 8);
  const uint64_t bs = sparse.totals[kCtrBusy], bd = dense.totals[kCtrBusy];
  std::printf("all-zero input, 8x8 blocks: busy cycles %llu sparse vs %llu dense, wavelets %llu vs %llu\n",
              (unsigned long long)bs, (unsigned long long)bd, (unsigned long long)sparse.totals[kCtrWaveletsOut],
              (unsigned long long)dense.totals[kCtrWaveletsOut]);
  EXPECT_LT(bs * 4, bd);
}

TEST(SparseKernel, ADenseInputCostsAtMostTheStatedOverhead) {
  // Positive weights, inputs and biases: no activation is zero. The stated overhead (docs/mapper.md): one
  // more reduction element per sample (the sentinel) on a PE that adds or applies the ReLU; the x path and
  // the end of a sample cost what the dense kernel's do. So at most 1 cycle per sample on the interval.
  struct Case {
    std::vector<uint32_t> sizes;
    uint32_t block;
  };
  for (const Case& c : {Case{{32, 32, 32, 3}, 8}, Case{{24, 40, 10}, 5}, Case{{16, 16, 4}, 16}}) {
    LayerGraph g = random_graph(c.sizes, Activation::kRelu, 5);
    for (auto& l : g.layers) {
      for (double& w : l.weight) w = std::fabs(w);
      for (double& b : l.bias) b = std::fabs(b) + 0.125;
    }
    const uint32_t batch = 16;
    const auto x = random_inputs(batch, c.sizes[0], 9);
    const MappedRun sparse = map_run_check(g, 64, 64, c.block, x, batch);
    const MappedRun dense = map_run_check(dense_version(g), 64, 64, c.block, x, batch);
    EXPECT_TRUE(compare_bits(sparse.run.outputs, dense.run.outputs).equal());
    std::printf("dense input, block %u: %.1f cycles/sample sparse kernel vs %.1f dense kernel; predicted %llu vs %llu\n",
                c.block, sparse.run.interval, dense.run.interval, (unsigned long long)sparse.plan.interval,
                (unsigned long long)dense.plan.interval);
    EXPECT_LE(sparse.run.interval, dense.run.interval + 1.0);
  }
}

}  // namespace
}  // namespace wafer::mapper
