#include "host/picture/canvas.h"

#include <algorithm>
#include <cmath>

#include "host/picture/bitmap_font.h"

namespace wafer {

Rgb mix(Rgb a, Rgb b, double t) {
  auto m = [t](uint8_t x, uint8_t y) { return uint8_t(std::lround(x * (1 - t) + y * t)); };
  return {m(a.r, b.r), m(a.g, b.g), m(a.b, b.b)};
}

Canvas::Canvas(uint32_t w, uint32_t h, Rgb background) : w_(w), h_(h), rgb_(uint64_t(w) * h * 3) {
  fill({0, 0, w, h}, background);
}

void Canvas::fill(const PixelBox& b, Rgb c) {
  const uint32_t x1 = uint32_t(std::min<uint64_t>(uint64_t(b.x) + b.w, w_)),
                 y1 = uint32_t(std::min<uint64_t>(uint64_t(b.y) + b.h, h_));
  for (uint32_t y = b.y; y < y1; ++y) {
    uint8_t* p = &rgb_[(uint64_t(y) * w_ + b.x) * 3];
    for (uint32_t x = b.x; x < x1; ++x, p += 3) p[0] = c.r, p[1] = c.g, p[2] = c.b;
  }
}

void Canvas::frame(const PixelBox& b, uint32_t t, Rgb c) {
  if (t == 0) return;
  fill({b.x, b.y, b.w, t}, c);
  fill({b.x, b.y + b.h - t, b.w, t}, c);
  fill({b.x, b.y, t, b.h}, c);
  fill({b.x + b.w - t, b.y, t, b.h}, c);
}

void Canvas::text(const std::string& s, uint32_t x, uint32_t y, uint32_t scale, Rgb c) {
  for (char ch : s) {
    const GlyphRows& g = glyph(ch);
    for (uint32_t r = 0; r < kGlyphHeight; ++r)
      for (uint32_t col = 0; col < kGlyphWidth; ++col)
        if (g[r] >> (kGlyphWidth - 1 - col) & 1) fill({x + col * scale, y + r * scale, scale, scale}, c);
    x += kGlyphAdvance * scale;
  }
}

}  // namespace wafer
