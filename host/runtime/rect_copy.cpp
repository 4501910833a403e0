#include "host/runtime/rect_copy.h"

#include <charconv>

#include "host/model/error.h"

namespace wafer {

const char* order_name(Order o) {
  return o == Order::kRowMajor ? "row-major" : "column-major";
}

Order parse_order(const std::string& text) {
  if (text == "row" || text == "row-major" || text == "row_major") return Order::kRowMajor;
  if (text == "col" || text == "column" || text == "column-major" || text == "col_major") return Order::kColMajor;
  throw Error("order '" + text + "' is not one of: row-major (row), column-major (col)");
}

std::string describe_rect(Rect r) {
  return "(" + std::to_string(r.x) + "," + std::to_string(r.y) + ") " + std::to_string(r.w) + "x" +
         std::to_string(r.h);
}

namespace {
// Reads a decimal uint32 at text[pos...]; advances pos; false when there is none or it overflows.
bool read_u32(const std::string& text, size_t& pos, uint32_t& out) {
  const char* first = text.data() + pos;
  const char* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(first, last, out);
  if (ec != std::errc() || end == first) return false;
  pos += size_t(end - first);
  return true;
}
bool expect_char(const std::string& text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}
}  // namespace

Rect parse_rect(const std::string& text) {
  Rect r;
  size_t pos = 0;
  bool ok = read_u32(text, pos, r.x) && expect_char(text, pos, ',') && read_u32(text, pos, r.y);
  if (ok && pos < text.size()) {
    ok = expect_char(text, pos, ',') && read_u32(text, pos, r.w) && expect_char(text, pos, 'x') &&
         read_u32(text, pos, r.h) && pos == text.size();
  }
  if (!ok) throw Error("rect '" + text + "' is not X,Y,WxH (e.g. 0,0,4x4) or X,Y (one PE)");
  return r;
}

void check_rect_in_grid(Rect r, uint32_t width, uint32_t height) {
  if (r.w == 0 || r.h == 0) throw Error("rect " + describe_rect(r) + " is empty");
  if (uint64_t(r.x) + r.w > width || uint64_t(r.y) + r.h > height) {
    throw Error("rect " + describe_rect(r) + " leaves the " + std::to_string(width) + "x" +
                std::to_string(height) + " grid");
  }
}

}  // namespace wafer
