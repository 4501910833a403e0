// An 8-bit RGB pixel buffer with the few drawing calls the pictures need (filled boxes, frames, text in
// the bitmap font). Every call clips to the canvas, so callers may draw partly outside it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace wafer {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

// (1 - t) a + t b per channel, rounded.
Rgb mix(Rgb a, Rgb b, double t);

struct PixelBox {
  uint32_t x = 0, y = 0, w = 0, h = 0;
};

class Canvas {
 public:
  Canvas(uint32_t w, uint32_t h, Rgb background);
  uint32_t width() const { return w_; }
  uint32_t height() const { return h_; }
  void fill(const PixelBox& b, Rgb c);
  void frame(const PixelBox& b, uint32_t thickness, Rgb c);  // inside the box
  // Text in the bitmap font; (x, y) is the top-left of the first glyph cell.
  void text(const std::string& s, uint32_t x, uint32_t y, uint32_t scale, Rgb c);
  void set(uint32_t x, uint32_t y, Rgb c) {
    if (x < w_ && y < h_) {
      uint8_t* p = &rgb_[(uint64_t(y) * w_ + x) * 3];
      p[0] = c.r, p[1] = c.g, p[2] = c.b;
    }
  }
  const std::vector<uint8_t>& rgb() const { return rgb_; }
  std::vector<uint8_t> take() { return std::move(rgb_); }

 private:
  uint32_t w_, h_;
  std::vector<uint8_t> rgb_;
};

}  // namespace wafer
