#include "host/asm/rect_groups.h"

#include <algorithm>

namespace wafer::assembler {

namespace {

struct Run {
  uint32_t x0, x1;  // [x0, x1)
  GroupKey key;
};

std::vector<Run> row_runs(const Rect& r, uint32_t y, bool depends_x,
                          const std::function<std::optional<GroupKey>(uint32_t, uint32_t)>& key) {
  std::vector<Run> runs;
  if (!depends_x) {
    if (auto k = key(r.x, y)) runs.push_back({r.x, r.x + r.w, std::move(*k)});
    return runs;
  }
  for (uint32_t x = r.x; x < r.x + r.w; ++x) {
    auto k = key(x, y);
    if (!k) continue;
    if (!runs.empty() && runs.back().x1 == x && runs.back().key == *k) {
      runs.back().x1 = x + 1;
    } else {
      runs.push_back({x, x + 1, std::move(*k)});
    }
  }
  return runs;
}

}  // namespace

std::vector<RectGroup> group_rects(const Rect& r, bool depends_x, bool depends_y,
                                   const std::function<std::optional<GroupKey>(uint32_t, uint32_t)>& key) {
  std::vector<RectGroup> out;
  if (r.w == 0 || r.h == 0) return out;
  if (!depends_y) {
    for (auto& run : row_runs(r, r.y, depends_x, key))
      out.push_back({{run.x0, r.y, run.x1 - run.x0, r.h}, std::move(run.key)});
    return out;
  }
  // Rows one by one; a run identical to one in the row above (same span, same key) extends its rectangle.
  std::vector<std::pair<Run, size_t>> open;  // runs of the previous row and the rectangle each extends
  for (uint32_t y = r.y; y < r.y + r.h; ++y) {
    std::vector<Run> runs = row_runs(r, y, depends_x, key);
    std::vector<std::pair<Run, size_t>> next;
    size_t j = 0;
    for (auto& run : runs) {
      while (j < open.size() && open[j].first.x0 < run.x0) ++j;
      size_t idx;
      if (j < open.size() && open[j].first.x0 == run.x0 && open[j].first.x1 == run.x1 &&
          open[j].first.key == run.key) {
        idx = open[j].second;
        out[idx].rect.h += 1;
      } else {
        idx = out.size();
        out.push_back({{run.x0, y, run.x1 - run.x0, 1}, run.key});
      }
      next.emplace_back(std::move(run), idx);
    }
    open = std::move(next);
  }
  return out;
}

}  // namespace wafer::assembler
