// libFuzzer entry point for the .npy reader (built only with -DWAFER_FUZZ=ON and clang; scripts/fuzz_npy.sh).
#include <cstddef>
#include <cstdint>

#include "tests/io/fuzz/npy_fuzz_one_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wafer::fuzz_npy_one_input(data, size);
  return 0;
}
