// libFuzzer entry point for the assembler (built only with -DWAFER_FUZZ=ON and clang; scripts/fuzz_asm.sh).
#include <cstddef>
#include <cstdint>

#include "tests/asm/fuzz/fuzz_one_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wafer::fuzz_assembler_one_input(data, size);
  return 0;
}
