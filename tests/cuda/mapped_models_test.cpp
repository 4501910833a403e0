// Mapped networks on the GPU: the layer pipeline of the bundled models gives the same state as the CPU
// engine at every checkpoint and the same outputs bit for bit, which also equal the fp32 host replay and
// lie within the float64 bound (tests/mapper/models_test.cpp checks the CPU side in depth).
#include <gtest/gtest.h>

#include "host/io/npy.h"
#include "mapper/check/ordered_fp32.h"
#include "mapper/check/tolerance.h"
#include "mapper/image/pipeline_image.h"
#include "mapper/place/staircase.h"
#include "mapper/plan_io.h"
#include "mapper/reference.h"
#include "mapper/run/batch_input.h"
#include "mapper/run/pipeline_run.h"
#include "tests/cuda/cuda_test_util.h"
#include "tests/cuda/lockstep.h"

namespace wafer {
namespace {

void check_model(const std::string& model, const std::string& input, uint32_t max_samples, uint32_t grid_w,
                 uint32_t grid_h) {
  std::printf("model %s on %ux%u, at most %u samples\n", model.c_str(), grid_w, grid_h, max_samples);
  const mapper::LayerGraph g = mapper::import_model(model);
  NpyArray in = read_npy(input);
  if (in.shape.size() == 2 && in.shape[0] > max_samples) {
    in.data.resize(uint64_t(max_samples) * in.shape[1]);
    in.shape[0] = max_samples;
  }
  const mapper::Batch b = mapper::batch_from_npy(in, g, input);
  const mapper::Plan plan = mapper::place_staircase(g, grid_w, grid_h);
  const Image im = mapper::build_pipeline_image(g, plan, b.values, b.size);
  auto cpu = test::cpu_engine();
  auto gpu = test::cuda_engine();
  const auto out = test::run_lockstep(im, {cpu.get(), gpu.get()},
                                      {.cycles = 2000000, .checkpoint = 2000, .until_quiescent = true});
  ASSERT_EQ(out.mismatch, "");
  ASSERT_EQ(out.last.reason, StopReason::kQuiescent) << out.last.describe();
  const std::vector<float> y_gpu = mapper::collect_outputs(*gpu, g, plan, b.size);
  const std::vector<float> y_cpu = mapper::collect_outputs(*cpu, g, plan, b.size);
  EXPECT_TRUE(mapper::compare_bits(y_gpu, y_cpu).equal());
  EXPECT_TRUE(mapper::compare_bits(y_gpu, mapper::ordered_fp32_forward(g, plan, b.values, b.size)).equal());
  const auto c = mapper::compare_with_reference(y_gpu, mapper::evaluate_layer_graph(g, b.values, b.size),
                                                mapper::output_error_bound(g, plan, b.values, b.size),
                                                g.output_size());
  EXPECT_TRUE(c.pass()) << c.outside << " outside";
  // The pipeline runner on the GPU alone: per-sample stops land on the same cycles as on the CPU.
  auto gpu2 = test::cuda_engine();
  auto cpu2 = test::cpu_engine();
  gpu2->load(im), cpu2->load(im);
  const mapper::PipelineRun rg = mapper::run_pipeline(*gpu2, g, plan, b.size);
  const mapper::PipelineRun rc = mapper::run_pipeline(*cpu2, g, plan, b.size);
  EXPECT_EQ(rg.sample_done, rc.sample_done);
  std::printf("  %llu cycles, interval %.1f (predicted %llu); GPU %.3g PE-cycles/s, CPU %.3g\n",
              (unsigned long long)rg.cycles, rg.interval, (unsigned long long)plan.interval,
              rg.pe_cycles_per_second(), rc.pe_cycles_per_second());
}

TEST(CudaMappedModels, DigitsAndFc34MatchCpuBitForBit) {
  WAFER_REQUIRE_GPU();
  const std::string dir = test::data_dir() + "/models";
  check_model(dir + "/digits_mlp.onnx", dir + "/digits_test_x.npy", 40, 762, 1172);
  check_model(dir + "/fc34_relu_256.json", dir + "/fc34_relu_256_x.npy", 4, 762, 1172);
}

}  // namespace
}  // namespace wafer
