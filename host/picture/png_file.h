// Writing an 8-bit RGB picture as a PNG file through libpng (Debian's libpng-dev).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace wafer {

// rgb: width x height pixels, row-major from the top row, 3 bytes (red, green, blue) a pixel. Throws
// wafer::Error naming the path when the sizes disagree, the file cannot be opened, or libpng fails
// (libpng's message included); a partly written file is removed.
void write_png_rgb(const std::string& path, uint32_t width, uint32_t height, const std::vector<uint8_t>& rgb);

}  // namespace wafer
