// Per-PE values grouped into rectangles. Layout statements may give each PE its own value (an expression
// in x and y); the image stores values over rectangles, so equal neighbouring values are merged: runs
// along each row, then runs of identical rows. The key function is evaluated once per PE only when it
// depends on both coordinates, once per column or row when it depends on one, once when on neither.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "host/image/image.h"

namespace wafer::assembler {

using GroupKey = std::vector<uint32_t>;

struct RectGroup {
  Rect rect;
  GroupKey key;
};

// Rectangles tiling the PEs of r whose key is not nullopt, each holding PEs of one key. Deterministic:
// ordered by their top-left corner, row-major.
std::vector<RectGroup> group_rects(const Rect& r, bool depends_x, bool depends_y,
                                   const std::function<std::optional<GroupKey>(uint32_t x, uint32_t y)>& key);

}  // namespace wafer::assembler
