#include "tests/asm/fuzz/fuzz_one_input.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "host/asm/assembler.h"
#include "host/engine/machine_state.h"
#include "host/model/error.h"

namespace wafer {

namespace {
[[noreturn]] void bug(const std::string& what) {
  std::fprintf(stderr, "fuzz: %s\n", what.c_str());
  std::abort();
}
}  // namespace

void fuzz_assembler_one_input(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  Image image;
  try {
    image = assemble(text, "fuzz.wasm");
  } catch (const Error& e) {
    const std::string msg = e.what();
    if (msg.rfind("fuzz.wasm", 0) != 0) bug("error without the file position: " + msg);
    return;
  }
  // Round trip; skip huge grids, whose machine state would take the fuzzer's memory.
  if (uint64_t(image.width) * image.height > 4096) return;
  std::string text2;
  try {
    text2 = disassemble(image);
  } catch (const Error& e) {
    bug(std::string("disassembly of a valid image failed: ") + e.what());
  }
  Image back;
  try {
    back = assemble(text2, "disassembly");
  } catch (const Error& e) {
    bug(std::string("the disassembly does not assemble: ") + e.what() + "\n---\n" + text2);
  }
  const std::string diff = load_machine(image).first_difference(load_machine(back));
  if (!diff.empty()) bug("the disassembly assembles to a different state: " + diff + "\n---\n" + text2);
}

}  // namespace wafer
