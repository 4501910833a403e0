// The CUDA error macro, without a GPU: a failing status throws wafer::Error naming the error, the
// expression, the file and the line; the expression is evaluated exactly once; success is silent.
#include <gtest/gtest.h>

#include <string>

#include "cuda/cuda_check.h"
#include "host/model/error.h"

namespace wafer {
namespace {

int calls = 0;
cudaError_t fails_once_counted() {
  ++calls;
  return cudaErrorMemoryAllocation;
}
cudaError_t succeeds_counted() {
  ++calls;
  return cudaSuccess;
}

TEST(CudaCheck, ThrowsWithErrorExpressionFileAndLine) {
  calls = 0;
  std::string message;
  int line = 0;
  try {
    line = __LINE__ + 1;
    WAFER_CUDA_CHECK(fails_once_counted());
  } catch (const Error& e) {
    message = e.what();
  }
  EXPECT_EQ(calls, 1) << "the expression must be evaluated exactly once";
  EXPECT_NE(message.find("cudaErrorMemoryAllocation"), std::string::npos) << message;
  EXPECT_NE(message.find("fails_once_counted()"), std::string::npos) << message;
  EXPECT_NE(message.find("cuda_check_test.cpp:" + std::to_string(line)), std::string::npos) << message;
  std::printf("%s\n", message.c_str());
}

TEST(CudaCheck, SuccessIsSilentAndEvaluatesOnce) {
  calls = 0;
  EXPECT_NO_THROW(WAFER_CUDA_CHECK(succeeds_counted()));
  EXPECT_EQ(calls, 1);
}

TEST(CudaCheck, IsOneStatementInIfElse) {
  // do { } while (0): the macro followed by ';' is one statement, so this compiles and takes the else.
  calls = 0;
  if (calls != 0)
    WAFER_CUDA_CHECK(fails_once_counted());
  else
    ++calls;
  EXPECT_EQ(calls, 1);
}

TEST(CudaCheck, StickyErrorsSayTheContextIsGone) {
  try {
    WAFER_CUDA_CHECK(cudaErrorIllegalAddress);
    FAIL() << "no throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unusable"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace wafer
