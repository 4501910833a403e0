// A small built-in bitmap font for the pictures (a plan's, heatmaps): 5 x 7 glyphs (capitals and
// digits on rows 0..6, the baseline under row 6) plus one descender row for g, j, p, q, y, ',' and ';'.
// Only what the pictures need: digits, a-z, A-Z, space and . , : ; / + - _ = ( ) [ ] % < > # * ' " ! ? |.
// Any other character draws as '?'. Glyphs are drawn scaled by an integer factor (one font pixel becomes
// a scale x scale square), so text stays crisp at any size.
#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace wafer {

inline constexpr uint32_t kGlyphWidth = 5;    // font pixels
inline constexpr uint32_t kGlyphHeight = 8;   // 7 rows above the baseline plus the descender row
inline constexpr uint32_t kCapHeight = 7;     // rows 0..6: capitals, digits, ascenders
inline constexpr uint32_t kGlyphAdvance = 6;  // glyph plus one column of spacing
inline constexpr uint32_t kLineAdvance = 10;  // glyph plus two rows of leading

// Row r (0 = top) of character c's glyph: bit 4 is the leftmost column, bit 0 the rightmost.
using GlyphRows = std::array<uint8_t, kGlyphHeight>;
const GlyphRows& glyph(char c);
bool has_glyph(char c);  // false: the character draws as '?'

// Pixels a line of text covers at a scale: the glyphs and the spaces between them, not the trailing one.
inline uint32_t text_width(const std::string& text, uint32_t scale) {
  return text.empty() ? 0 : uint32_t(text.size() * kGlyphAdvance - 1) * scale;
}

}  // namespace wafer
