#include "host/asm/layout_common.h"

namespace wafer::assembler {

Rect eval_rect(const RectExpr& r, const Scope* scope, uint32_t width, uint32_t height) {
  auto axis = [&](const ExprPtr& first, const ExprPtr& last, uint32_t size, const char* name, uint32_t* lo,
                  uint32_t* n) {
    if (!first) {
      *lo = 0;
      *n = size;
      return;
    }
    const std::string what = std::string("the rectangle's ") + name;
    const int64_t a = int_of(eval(*first, {scope}), first->loc, what);
    const int64_t b = last ? int_of(eval(*last, {scope}), last->loc, what) : a;
    const SourceLoc& at = last ? last->loc : first->loc;
    const bool empty = last && b == a - 1 && a >= 0 && a <= int64_t(size);
    if (!empty && (a < 0 || b < a || b >= int64_t(size))) {
      fail(at,
           std::string(name) +
               (last ? " range " + std::to_string(a) + ".." + std::to_string(b) : " = " + std::to_string(a)) +
               " is outside the grid's " + std::string(name) + " = 0.." + std::to_string(int64_t(size) - 1));
    }
    *lo = uint32_t(a);
    *n = empty ? 0 : uint32_t(b - a + 1);
  };
  Rect out;
  axis(r.x_first, r.x_last, width, "x", &out.x, &out.w);
  axis(r.y_first, r.y_last, height, "y", &out.y, &out.h);
  return out;
}

EvalEnv pe_env(const Scope* scope, uint32_t x, uint32_t y) {
  EvalEnv env{scope};
  env.has_pe = true;
  env.x = x;
  env.y = y;
  return env;
}

std::string pe_str(uint32_t x, uint32_t y) {
  return "PE(" + std::to_string(x) + "," + std::to_string(y) + ")";
}

}  // namespace wafer::assembler
