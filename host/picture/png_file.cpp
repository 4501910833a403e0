#include "host/picture/png_file.h"

#include <png.h>

#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstring>

#include "host/model/error.h"

namespace wafer {

namespace {

// libpng reports errors through a callback that must not return; it longjmps back to the setjmp in
// write_rows. The message is kept in a plain buffer: nothing with a destructor lives across the jump.
struct PngErrorContext {
  char message[256] = {};
};

[[noreturn]] void on_png_error(png_structp png, png_const_charp message) {
  auto* ctx = static_cast<PngErrorContext*>(png_get_error_ptr(png));
  std::snprintf(ctx->message, sizeof ctx->message, "%s", message ? message : "unknown libpng error");
  png_longjmp(png, 1);
}

void on_png_warning(png_structp, png_const_charp) {}

// Only trivially destructible locals here: a longjmp out of libpng lands in this frame.
bool write_rows(png_structp png, png_infop info, FILE* file, uint32_t width, uint32_t height,
                const uint8_t* rgb) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_init_io(png, file);
  png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (uint32_t y = 0; y < height; ++y) png_write_row(png, rgb + uint64_t(y) * width * 3);
  png_write_end(png, nullptr);
  return true;
}

}  // namespace

void write_png_rgb(const std::string& path, uint32_t width, uint32_t height,
                   const std::vector<uint8_t>& rgb) {
  if (width == 0 || height == 0 || rgb.size() != uint64_t(width) * height * 3)
    throw Error(path + ": cannot write a " + std::to_string(width) + "x" + std::to_string(height) +
                " PNG from " + std::to_string(rgb.size()) + " bytes of RGB");
  FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) throw Error(path + ": cannot open for writing: " + std::strerror(errno));
  PngErrorContext ctx;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx, on_png_error, on_png_warning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  bool ok = png && info && write_rows(png, info, file, width, height, rgb.data());
  if (png) png_destroy_write_struct(&png, info ? &info : nullptr);
  if (std::fclose(file) != 0 && ok) {
    std::snprintf(ctx.message, sizeof ctx.message, "%s", std::strerror(errno));
    ok = false;
  }
  if (!ok) {
    std::remove(path.c_str());
    throw Error(path +
                ": writing the PNG failed: " + (ctx.message[0] ? ctx.message : "libpng could not start"));
  }
}

}  // namespace wafer
