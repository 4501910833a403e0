// What a user sees without a GPU, and the checks that run before any device is touched.
#include <gtest/gtest.h>

#include "cuda/cuda_engine.h"
#include "host/model/error.h"
#include "tests/cuda/cuda_test_util.h"

namespace wafer {
namespace {

TEST(CudaNoDevice, EngineRefusesWithAClearReason) {
  if (test::cuda_skip_reason().empty()) GTEST_SKIP() << "a CUDA device is present: nothing to refuse";
  try {
    make_cuda_engine(EngineOptions{});
    FAIL() << "make_cuda_engine without a device did not throw";
  } catch (const Error& e) {
    std::printf("%s\n", e.what());
    EXPECT_EQ(std::string(e.what()).rfind("no CUDA device: ", 0), 0u) << e.what();
  }
  // The same through the engine table, which is what `wafer run --engine cuda` uses.
  try {
    make_engine("cuda");
    FAIL() << "make_engine(\"cuda\") without a device did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("no CUDA device: ", 0), 0u) << e.what();
  }
}

TEST(CudaNoDevice, DeviceInfoSaysWhy) {
  const CudaDeviceInfo info = cuda_device_info(0);
  if (info.present) GTEST_SKIP() << "a CUDA device is present: " << info.name;
  EXPECT_FALSE(info.why_not.empty());
  EXPECT_EQ(info.why_not.rfind("no CUDA device", 0), 0u) << info.why_not;
  EXPECT_EQ(info.total_bytes, 0u);
  std::printf("%s (runtime %d, driver %d)\n", info.why_not.c_str(), info.runtime_version,
              info.driver_version);
}

TEST(CudaNoDevice, DeviceOutOfRangeIsNotPresent) {
  // Whether or not a GPU is here, device 999 is not.
  const CudaDeviceInfo info = cuda_device_info(999);
  EXPECT_FALSE(info.present);
  EXPECT_EQ(info.why_not.rfind("no CUDA device", 0), 0u) << info.why_not;
}

TEST(CudaNoDevice, BadLaunchConfigurationIsRefusedFirst) {
  // Checked before the device is queried, so this holds on any machine.
  for (uint32_t block : {0u, 16u, 48u, 2048u}) {
    CudaLaunchConfig c;
    c.block_size = block;
    try {
      make_cuda_engine(EngineOptions{}, c);
      FAIL() << "block size " << block << " accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("multiple of 32"), std::string::npos) << e.what();
    }
  }
  CudaLaunchConfig c;
  c.batch_cycles = 0;
  EXPECT_THROW(make_cuda_engine(EngineOptions{}, c), Error);
}

TEST(CudaNoDevice, EngineTableListsCuda) {
  // This test binary is only built with the CUDA engine, so the table must offer it.
  EXPECT_TRUE(cuda_engine_built());
  const auto names = engine_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "cuda"), names.end());
}

}  // namespace
}  // namespace wafer
