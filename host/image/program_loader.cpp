#include "host/image/program_loader.h"

#include <fstream>

#include "host/model/error.h"
#if __has_include("host/asm/assembler.h")
#include "host/asm/assembler.h"
#define WAFER_HAVE_ASSEMBLER 1
#endif

namespace wafer {

Image load_program_or_image(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(path + ": cannot open");
  char magic[8] = {};
  f.read(magic, 8);
  if (f.gcount() == 8 && std::string(magic, 8) == "WAFERIMG") return load_image(path);
#if WAFER_HAVE_ASSEMBLER
  return assemble_file(path);
#else
  throw Error(path + ": not a wafer image, and this build has no assembler for text programs");
#endif
}

}  // namespace wafer
