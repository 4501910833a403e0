// The throwing half of WAFER_CUDA_CHECK, out of line so the macro stays small at every call site.
#include "cuda/cuda_check.h"

#include <sstream>

#include "host/model/error.h"

namespace wafer {

void cuda_fail(cudaError_t status, const char* expression, const char* file, int line) {
  // Reset the runtime's last-error slot: a non-sticky error would otherwise be reported again by the next
  // launch check, blaming the wrong line. Sticky errors (a fault inside a kernel) stay; the message says so.
  (void)cudaGetLastError();
  std::ostringstream m;
  m << "CUDA error " << cudaGetErrorName(status) << " (" << cudaGetErrorString(status) << ") at " << file
    << ":" << line << ": " << expression;
  if (status == cudaErrorIllegalAddress || status == cudaErrorLaunchFailure || status == cudaErrorAssert ||
      status == cudaErrorIllegalInstruction || status == cudaErrorMisalignedAddress) {
    m << " (the CUDA context is unusable after this error)";
  }
  throw Error(m.str());
}

}  // namespace wafer
