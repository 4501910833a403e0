// The full WSE-3 grid, 762 x 1172 = 893,064 PEs: GPU vs CPU whole-state equality on random traffic, the
// full 48 KiB of SRAM per PE on one GPU, and an image that cannot fit refused before anything starts.
#include <gtest/gtest.h>

#include "host/image/kernel_builder.h"
#include "host/model/error.h"
#include "tests/cuda/cuda_test_util.h"
#include "tests/cuda/lockstep.h"
#include "tests/support/random_image.h"

namespace wafer {
namespace {

constexpr uint32_t kW = kPresets[1].width, kH = kPresets[1].height;

TEST(CudaFullWafer, RandomTrafficMatchesCpu) {
  WAFER_REQUIRE_GPU();
  const test::RandomImageOptions o{.width = kW, .height = kH, .seed = 1};
  std::printf("%s\n", test::describe(o).c_str());
  auto cpu = test::cpu_engine(0);  // all hardware threads: 893k PEs on the reference take a while
  auto gpu = test::cuda_engine();
  const auto out =
      test::run_lockstep(test::random_image(o), {cpu.get(), gpu.get()}, {.cycles = 240, .checkpoint = 80});
  ASSERT_EQ(out.mismatch, "");
  EXPECT_EQ(gpu->state_hash(), cpu->state_hash());
  EXPECT_GT(cpu->counter_totals()[kCtrWaveletsIn], 1000000u);
}

// Every PE runs a kernel whose data footprint is all of SRAM but its own code, and writes its last word.
Image fill_image(uint32_t w, uint32_t h, uint32_t* data_words) {
  KernelBuilder k("fill");
  k.task(24);
  k.li(1, 7);
  k.li(2, 0);
  k.st(1, 2, 0);  // address patched below: the last data word
  k.ret();
  *data_words = kSramWords - 4 * kInstrWords;
  Kernel kernel = k.build(*data_words);
  kernel.code[2].imm = int32_t(*data_words - 1);
  Image im;
  im.width = w, im.height = h;
  im.place({0, 0, w, h}, im.add_kernel(kernel), 1u << 24);
  return im;
}

TEST(CudaFullWafer, Wse3With48KiBPerPeRuns) {
  WAFER_REQUIRE_GPU();
  uint32_t data_words = 0;
  // The expected run, from the CPU engine on a small grid (every PE does the same thing).
  auto cpu = test::cpu_engine();
  cpu->load(fill_image(3, 3, &data_words));
  const RunResult expected = cpu->run({.max_cycles = 100, .until_quiescent = true});
  const uint64_t busy_per_pe = cpu->counter_totals()[kCtrBusy] / 9;

  const Image im = fill_image(kW, kH, &data_words);
  const CudaDeviceInfo info = cuda_device_info(0);
  const uint64_t need = device_bytes_for_grid(kW, kH, data_words);
  std::printf("%s: %s needed, %s free of %s\n", info.name.c_str(), format_gib(need).c_str(),
              format_gib(info.free_bytes).c_str(), format_gib(info.total_bytes).c_str());
  if (info.free_bytes < need) {
    // An 80 GB or larger GPU must run it: scripts/gpu_check.sh (WAFER_EXPECT_GPU=1) does not accept a skip.
    if (test::expect_gpu() && !test::kEmulatedDevice) GTEST_FAIL() << "WAFER_EXPECT_GPU=1 but only " << format_gib(info.free_bytes) << " free";
    GTEST_SKIP() << "this GPU has " << format_gib(info.free_bytes) << " free; the full wafer needs "
                 << format_gib(need);
  }
  auto gpu = test::cuda_engine();
  gpu->load(im);
  const RunResult r = gpu->run({.max_cycles = 100, .until_quiescent = true});
  EXPECT_EQ(r.describe(), expected.describe());
  for (auto [x, y] : {std::pair{0u, 0u}, {kW - 1, kH - 1}, {381u, 586u}}) {
    EXPECT_EQ(gpu->read_sram(x, y, data_words - 1, 1)[0], 7u);
  }
  EXPECT_EQ(gpu->counter_totals()[kCtrBusy], uint64_t(kW) * kH * busy_per_pe);
  EXPECT_GT(busy_per_pe, 0u);
}

TEST(CudaFullWafer, ImageThatCannotFitIsRefusedBeforeItStarts) {
  WAFER_REQUIRE_GPU();
  // 4096 x 4096 PEs with 48 KiB each: about 846 GB, more than any single GPU. The refusal must come from the
  // grid figure alone, before the state is built in host memory (which would take as much host RAM).
  Image im;
  im.width = 4096, im.height = 4096;
  im.sram({0, 0, 1, 1}, kSramWords - 1, {1});
  auto gpu = test::cuda_engine();
  const Image small = test::random_image({.width = 8, .height = 8, .seed = 1});
  gpu->load(small);
  gpu->run({.max_cycles = 10});
  try {
    gpu->load(im);
    FAIL() << "an 846 GB image was accepted";
  } catch (const Error& e) {
    std::printf("%s\n", e.what());
    EXPECT_NE(std::string(e.what()).find("image on 4096x4096 PEs with 12288 SRAM words per PE needs"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("GiB free"), std::string::npos) << e.what();
  }
  // The refused load left the loaded machine as it was.
  EXPECT_EQ(gpu->cycle(), 10u);
  EXPECT_NO_THROW(gpu->run({.max_cycles = 10}));
}

}  // namespace
}  // namespace wafer
