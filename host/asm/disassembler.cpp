// Image -> program text. The text reproduces the image's initial machine state: effective placements and
// routes (later entries of the image override earlier ones, so they are resolved per PE and regrouped
// into non-overlapping rectangles), then the initialisers in image order.
#include "host/asm/assembler.h"
#include "host/model/error.h"

namespace wafer {
std::string disassemble(const Image& image) {
  (void)image;
  throw Error("disassemble: not yet");
}
}  // namespace wafer
