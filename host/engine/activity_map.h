// Which PEs the CPU engine must step in a cycle, so that its cost follows the active PEs of the grid, not
// the grid.
//
// Stepping an idle PE is a no-op once both buffers of its published queue counts are zero and nothing
// arrives on its links, which holds when neither the PE nor any of its four neighbours had work at the end
// of the previous two cycles: a wavelet arriving in cycle t was sent by a neighbour with work at the end of
// t - 1, and an idle PE clears its stale count buffer in the second cycle after it last had work
// (model/cycle.h). (That buffer is in fact always zero by then, since a PE whose router queue drains still
// has work for one more cycle; waiting two cycles does not lean on that argument and costs one extra step.)
// The PE of an input stream is always stepped (a stream may inject in any cycle).
//
// The map keeps that rule per PE: a bit per PE of each row says which PEs had work at the end of a cycle,
// for the last three cycles. A row with no such bit in itself or the rows above and below in the last two
// cycles is skipped after reading six tags, so an idle part of the grid costs almost nothing; in a row
// that is stepped, only the PEs next to work are, so a wavelet crossing the wafer on a pass-through route
// costs a few PEs per row it passes, not whole 32-PE stretches of three rows.
//
// Threads: in cycle t, the thread that steps row y writes row y's bits of cycle t (slot t % 3) and reads
// the bits of cycles t - 1 and t - 2 of rows y - 1 .. y + 1 (the other two slots, written before the
// barrier that ended cycle t - 1), so no location is written and read in the same cycle.
#pragma once
#include <cstdint>
#include <vector>

#include "host/engine/machine_state.h"

namespace wafer {

class ActivityMap {
 public:
  static constexpr uint32_t kWordPes = 32;  // PEs per mask word: word w of a row holds x = 32 w .. 32 w + 31

  // Forgets all history; the PEs that have work in `s` count as busy at the end of cycle t - 1.
  void reset(const MachineState& s, int64_t t);
  uint32_t words_per_row() const { return words_; }

  // Words [lo, hi) of a row: the part of it step_masks filled or record is given.
  struct WordRange {
    uint32_t lo = 0, hi = 0;
  };
  // What step_masks needs of cycle t, worked out once per cycle.
  struct Cycle {
    int64_t t;
    uint64_t slot1, slot2;  // the slots of cycles t - 1 and t - 2
  };
  Cycle cycle(int64_t t) const { return {t, slot(t - 1), slot(t - 2)}; }
  // The PEs of row y to step in cycle c.t, one bit per PE in masks[range.lo .. range.hi) (the other words
  // are left unset); an empty range when there are none. A quiet row costs six tag reads.
  WordRange step_masks(const Cycle& c, uint32_t y, uint32_t* masks) const {
    const uint64_t y1 = y + 1;  // index into the padded tag rows: tag row r + 1 is grid row r
    const RowTag* a = &tag_[c.slot1 * tag_stride_ + y1];
    const RowTag* b = &tag_[c.slot2 * tag_stride_ + y1];
    const int64_t t1 = c.t - 1, t2 = c.t - 2;
    if (a[-1].cycle != t1 && a[0].cycle != t1 && a[1].cycle != t1 && b[-1].cycle != t2 && b[0].cycle != t2 &&
        b[1].cycle != t2 && always_words_[y].lo == always_words_[y].hi)
      return {};
    return fill_masks(c, y, masks);
  }
  // Every PE of a row, for stepping without the map.
  WordRange all_masks(uint32_t* masks) const {
    for (uint32_t w = 0; w < words_; ++w) masks[w] = ~0u;
    masks[words_ - 1] = last_word_bits_;
    return {0, words_};
  }
  // Records which PEs of row y have work at the end of cycle t: busy[range.lo .. range.hi), as step_masks'
  // masks; no bit outside the range. Call once per row and cycle, from the thread that stepped the row, and
  // only when some bit is set.
  void record(uint32_t y, int64_t t, const uint32_t* busy, WordRange range);
  // Host access between cycles: PE (x, y) got work before cycle t (counts as busy at the end of t - 1).
  void mark_pe(uint32_t x, uint32_t y, int64_t t);

 private:
  static constexpr int64_t kSlots = 3;
  static uint64_t slot(int64_t c) { return uint64_t(((c % kSlots) + kSlots) % kSlots); }
  struct RowTag {
    int64_t cycle;    // the cycle whose bits busy_ holds for this row and slot
    WordRange words;  // the words that may hold set bits; the others are stale
  };
  struct BusyRow {
    const uint32_t* bits;  // nullptr: no PE of the row had work
    WordRange words;
  };
  WordRange fill_masks(const Cycle& c, uint32_t y, uint32_t* masks) const;
  // Row y's bits at the end of cycle c (slot s = slot(c)).
  BusyRow busy_row(int64_t y, int64_t c, uint64_t s) const {
    if (y < 0 || y >= int64_t(height_)) return {nullptr, {}};
    const uint64_t i = s * height_ + uint64_t(y);
    const RowTag& tag = tag_[s * tag_stride_ + uint64_t(y) + 1];
    return tag.cycle == c ? BusyRow{&busy_[i * words_], tag.words} : BusyRow{nullptr, {}};
  }

  uint32_t height_ = 0, words_ = 0;
  uint32_t last_word_bits_ = ~0u;        // the PEs of the last word that exist
  std::vector<RowTag> tag_;              // [slot][1 + y], with a never-matching row above and below the grid
  uint64_t tag_stride_ = 0;              // height + 2
  std::vector<uint32_t> busy_;           // [slot][y][word]
  std::vector<WordRange> always_words_;  // [y]: the words with an input stream PE (empty: none)
  std::vector<uint32_t> always_;         // [y][word]: input stream PEs
};

}  // namespace wafer
