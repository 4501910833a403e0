// Opens what `wafer run` is given: a binary image (starts with the WAFERIMG magic) or a text program,
// which goes through the assembler.
#pragma once
#include <map>
#include <string>

#include "host/image/image.h"

namespace wafer {

// `params` override a text program's `param` values (NAME -> expression text); an image takes none.
Image load_program_or_image(const std::string& path, const std::map<std::string, std::string>& params = {});

}  // namespace wafer
