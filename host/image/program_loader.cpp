#include "host/image/program_loader.h"

#include <fstream>

#include "host/model/error.h"
#include "host/asm/assembler.h"

namespace wafer {

Image load_program_or_image(const std::string& path, const std::map<std::string, std::string>& params) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(cannot_open(path));
  char magic[8] = {};
  f.read(magic, 8);
  if (f.gcount() == 8 && std::string(magic, 8) == "WAFERIMG") {
    if (!params.empty()) throw Error(path + ": --param applies to text programs, and this is a binary image");
    return load_image(path);
  }
  AsmParams p;
  p.overrides = params;
  return assemble_file(path, p);
}

}  // namespace wafer
