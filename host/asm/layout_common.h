// What every layout statement needs: rectangles, the environment of a per-PE expression, and messages
// that name the PE an evaluation failed for.
#pragma once
#include <string>

#include "host/asm/ast.h"
#include "host/asm/evaluator.h"
#include "host/image/image.h"
#include "host/model/error.h"

namespace wafer::assembler {

// A range a..b is inclusive; b == a - 1 is an empty range (so that 1..W-1 means "no PEs" on a grid one
// PE wide, sparing parametric layouts an if); anything else outside the grid is an error.
Rect eval_rect(const RectExpr& r, const Scope* scope, uint32_t width, uint32_t height);

EvalEnv pe_env(const Scope* scope, uint32_t x, uint32_t y);

std::string pe_str(uint32_t x, uint32_t y);  // "PE(3,4)"

// Runs f (an evaluation for PE(x, y) of the statement at `stmt`); an error gets a note naming the PE.
template <class F>
auto at_pe(uint32_t x, uint32_t y, const SourceLoc& stmt, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    if (std::string(e.what()).find("note: while evaluating for PE(") != std::string::npos) throw;
    rethrow_with_note(e, stmt, "while evaluating for " + pe_str(x, y));
  }
}

}  // namespace wafer::assembler
