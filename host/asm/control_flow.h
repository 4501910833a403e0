// Assembly-time control flow shared by kernels and layouts: `const` definitions, `if` and `for`.
#pragma once
#include <cstdint>

#include "host/asm/ast.h"
#include "host/asm/evaluator.h"
#include "host/asm/value.h"

namespace wafer::assembler {

inline void define_const(const DefineStmt& d, Scope* scope) {
  Binding b;
  b.kind = BindKind::kConst;
  b.value = eval(*d.value, {scope});
  scope->define(d.name, b);
}

// Expands an `if` or `for` statement: calls item(inner, scope) for every statement it selects, with a
// fresh scope per loop iteration from new_scope(parent), and count(loc) once per iteration (the callers'
// expansion limits). Returns false when s is neither.
template <class Item, class NewScope, class Count>
bool expand_control(const Stmt& s, Scope* scope, Item&& item, NewScope&& new_scope, Count&& count) {
  if (const auto* c = std::get_if<IfStmt>(&s.node)) {
    const bool cond = truthy(eval(*c->cond, {scope}), c->cond->loc, "the if condition");
    for (const auto& inner : cond ? c->then_block : c->else_block) item(inner, scope);
    return true;
  }
  if (const auto* f = std::get_if<ForStmt>(&s.node)) {
    const int64_t first = int_of(eval(*f->first, {scope}), f->first->loc, "the loop's first value");
    const int64_t last = int_of(eval(*f->last, {scope}), f->last->loc, "the loop's last value");
    for (int64_t v = first; v <= last; ++v) {
      count(s.loc);
      Scope* iteration = new_scope(scope);
      Binding b;
      b.kind = BindKind::kLoopVar;
      b.value = Value::of_int(v);
      iteration->define(f->var, b);
      for (const auto& inner : f->body) item(inner, iteration);
      if (v == INT64_MAX) break;
    }
    return true;
  }
  return false;
}

}  // namespace wafer::assembler
