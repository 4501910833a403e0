#include "host/asm/assertion.h"

#include <set>

namespace wafer::assembler {

namespace {

// The names an expression reads, in order of first appearance.
void collect_names(const Expr& e, std::vector<const Expr*>& out, std::set<std::string>& seen) {
  if (e.kind == Expr::Kind::kName && seen.insert(e.name).second) out.push_back(&e);
  for (const auto& a : e.args) collect_names(*a, out, seen);
}

bool reads_as_condition(const Expr& e) {
  static const std::set<std::string> ops = {"==", "!=", "<", "<=", ">", ">=", "&&", "||", "!"};
  return (e.kind == Expr::Kind::kBinary || e.kind == Expr::Kind::kUnary) && ops.count(e.name) != 0;
}

}  // namespace

void check_assertion(const AssertStmt& a, const SourceLoc& at, const EvalEnv& env) {
  const Value v = eval(*a.cond, env);
  if (truthy(v, a.cond->loc, "the asserted condition")) return;
  std::string why = reads_as_condition(*a.cond) ? a.text + " is false" : a.text + " = " + v.str();
  std::vector<const Expr*> names;
  std::set<std::string> seen;
  collect_names(*a.cond, names, seen);
  std::string values;
  for (const Expr* n : names) {
    uint32_t port_mask;
    if (port_mask_of_name(n->name, &port_mask)) continue;  // 'east = 2' would only be noise
    try {
      const Value nv = eval(*n, env);
      if (nv.is_number()) values += (values.empty() ? "" : ", ") + n->name + " = " + nv.str();
    } catch (const Error&) {
      // A name in a branch that && or ?: did not take may not be defined here: leave it out.
    }
  }
  if (!values.empty() && a.cond->kind != Expr::Kind::kName) why += "; " + values;  // "K = 0; K = 0" says nothing
  fail(at, "assertion failed: " + a.message + " (" + why + ")");
}

}  // namespace wafer::assembler
