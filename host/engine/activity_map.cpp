#include "host/engine/activity_map.h"

#include <algorithm>

namespace wafer {

void ActivityMap::reset(const MachineState& s, int64_t t) {
  height_ = s.height;
  words_ = (s.width + kWordPes - 1) / kWordPes;
  const uint32_t tail = s.width % kWordPes;
  last_word_bits_ = tail == 0 ? ~0u : (1u << tail) - 1;
  constexpr int64_t kNever = INT64_MIN / 2;
  tag_stride_ = uint64_t(height_) + 2;
  tag_.assign(uint64_t(kSlots) * tag_stride_, RowTag{kNever, {}});
  busy_.assign(uint64_t(kSlots) * height_ * words_, 0);
  always_words_.assign(height_, WordRange{});
  always_.assign(uint64_t(height_) * words_, 0);
  for (uint64_t p = 0; p < s.n; ++p) {
    if (s.flags[p] & kFlagHasWork) mark_pe(uint32_t(p % s.width), uint32_t(p / s.width), t);
  }
  for (const auto& in : s.in_info) {
    const uint32_t x = in.pe % s.width, y = in.pe / s.width, w = x / kWordPes;
    always_[uint64_t(y) * words_ + w] |= 1u << (x % kWordPes);
    WordRange& r = always_words_[y];
    r = r.lo == r.hi ? WordRange{w, w + 1} : WordRange{std::min(r.lo, w), std::max(r.hi, w + 1)};
  }
}

ActivityMap::WordRange ActivityMap::fill_masks(const Cycle& c, uint32_t y, uint32_t* masks) const {
  BusyRow near[2][3];  // [cycle t - 1, t - 2][row y - 1, y, y + 1]
  for (int64_t k = 0; k < 2; ++k) {
    for (int64_t dy = -1; dy <= 1; ++dy)
      near[k][dy + 1] = busy_row(int64_t(y) + dy, c.t - 1 - k, k == 0 ? c.slot1 : c.slot2);
  }
  const WordRange always = always_words_[y];

  // The words to fill: the own row's busy words widened by one (a busy PE at a word's edge wakes the next
  // word's edge PE), the rows above and below as they are, and the input stream PEs.
  uint32_t lo = words_, hi = 0;
  auto cover = [&](uint32_t a, uint32_t b) {
    if (a < b) lo = std::min(lo, a), hi = std::max(hi, b);
  };
  cover(always.lo, always.hi);
  for (int k = 0; k < 2; ++k) {
    for (int side = 0; side < 3; ++side) {
      const BusyRow& r = near[k][side];
      if (!r.bits) continue;
      if (side == 1)
        cover(r.words.lo > 0 ? r.words.lo - 1 : 0, std::min(words_, r.words.hi + 1));
      else
        cover(r.words.lo, r.words.hi);
    }
  }
  if (lo >= hi) return {};
  for (uint32_t w = lo; w < hi; ++w) masks[w] = 0;
  for (uint32_t w = always.lo; w < always.hi; ++w) masks[w] |= always_[uint64_t(y) * words_ + w];
  for (int k = 0; k < 2; ++k) {
    // The row itself: each busy PE and its west and east neighbours, across word boundaries too.
    if (const BusyRow& r = near[k][1]; r.bits) {
      const uint32_t* b = r.bits;
      for (uint32_t w = r.words.lo; w < r.words.hi; ++w) {
        masks[w] |= b[w] | (b[w] << 1) | (b[w] >> 1);
        if (w > 0) masks[w - 1] |= b[w] << (kWordPes - 1);
        if (w + 1 < words_) masks[w + 1] |= b[w] >> (kWordPes - 1);
      }
    }
    // The rows above and below: their busy PEs' south and north neighbours.
    for (int side : {0, 2}) {
      if (const BusyRow& r = near[k][side]; r.bits) {
        for (uint32_t w = r.words.lo; w < r.words.hi; ++w) masks[w] |= r.bits[w];
      }
    }
  }
  if (hi == words_) masks[words_ - 1] &= last_word_bits_;
  return {lo, hi};
}

void ActivityMap::record(uint32_t y, int64_t t, const uint32_t* busy, WordRange range) {
  const uint64_t i = slot(t) * height_ + y;
  while (range.lo < range.hi && busy[range.lo] == 0) ++range.lo;
  while (range.hi > range.lo && busy[range.hi - 1] == 0) --range.hi;
  tag_[slot(t) * tag_stride_ + y + 1] = {t, range};
  uint32_t* row = &busy_[i * words_];
  for (uint32_t w = range.lo; w < range.hi; ++w) row[w] = busy[w];
}

void ActivityMap::mark_pe(uint32_t x, uint32_t y, int64_t t) {
  const int64_t c = t - 1;
  const uint64_t i = slot(c) * height_ + y;
  const uint32_t w = x / kWordPes;
  uint32_t* row = &busy_[i * words_];
  RowTag& tag = tag_[slot(c) * tag_stride_ + y + 1];
  if (tag.cycle != c || tag.words.lo == tag.words.hi) {
    tag = {c, {w, w + 1}};
    row[w] = 0;
  } else {
    for (uint32_t v = w; v < tag.words.lo; ++v) row[v] = 0;
    for (uint32_t v = tag.words.hi; v <= w; ++v) row[v] = 0;
    tag.words = {std::min(tag.words.lo, w), std::max(tag.words.hi, w + 1)};
  }
  row[w] |= 1u << (x % kWordPes);
}

}  // namespace wafer
