// The body of the assembler's fuzz target, shared by the libFuzzer binary (fuzz_assembler.cpp, clang only)
// and the corpus replay test that runs in every build.
#pragma once
#include <cstddef>
#include <cstdint>

namespace wafer {

// Assembles the bytes as a program. A wafer::Error is the expected outcome for most inputs; anything
// else (a crash, a sanitizer report, another exception) is a bug. When assembly succeeds, the image must
// pass validate(), disassemble, and assemble back to the same initial machine state.
void fuzz_assembler_one_input(const uint8_t* data, size_t size);

}  // namespace wafer
