// Rectangles of PEs as the host names them, and the SDK's two orders for a PxQ rectangle of per-PE arrays.
//
// A copy over rect (x, y, w, h) with n words per PE moves the logical tensor A[h][w][n], where A[j][i][k] is
// word k of PE(x + i, y + j). The host array holds that tensor flattened:
//   row-major    (the SDK's ROW_MAJOR): index (j * w + i) * n + k   (NumPy: A.ravel(order='C'))
//   column-major (the SDK's COL_MAJOR): index j + h * (i + w * k)   (NumPy: A.ravel(order='F'))
#pragma once
#include <cstdint>
#include <string>

#include "host/image/image.h"

namespace wafer {

enum class Order { kRowMajor, kColMajor };
const char* order_name(Order o);  // "row-major", "column-major"
// "row" / "row-major" / "col" / "column-major" (what the CLI and Python take); throws naming the choices.
Order parse_order(const std::string& text);

// "(x,y) wxh", the form every runtime message uses.
std::string describe_rect(Rect r);
// "x,y,wxh" (e.g. "0,0,4x4") or "x,y" (one PE); throws wafer::Error naming the text and the syntax.
Rect parse_rect(const std::string& text);
// Throws unless rect is non-empty and inside a width x height grid: "rect (3,0) 4x1 leaves the 5x5 grid".
void check_rect_in_grid(Rect r, uint32_t width, uint32_t height);

// Where word k of the PE at offset (i, j) in the rect sits in the host array.
inline uint64_t host_index(Order o, Rect r, uint32_t i, uint32_t j, uint64_t words_per_pe, uint64_t k) {
  return o == Order::kRowMajor ? (uint64_t(j) * r.w + i) * words_per_pe + k
                               : uint64_t(j) + uint64_t(r.h) * (i + uint64_t(r.w) * k);
}

}  // namespace wafer
