// Opens what `wafer run` is given: a binary image (starts with the WAFERIMG magic) or a text program,
// which goes through the assembler.
#pragma once
#include <string>

#include "host/image/image.h"

namespace wafer {

Image load_program_or_image(const std::string& path);

}  // namespace wafer
