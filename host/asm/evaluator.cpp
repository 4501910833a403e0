#include "host/asm/evaluator.h"

#include <cmath>
#include <cstring>

#include "host/asm/did_you_mean.h"
#include "host/model/constants.h"
#include "host/model/error.h"
#include "host/model/isa.h"

namespace wafer::assembler {

const Binding* Scope::find(const std::string& name) const {
  for (const Scope* s = this; s; s = s->parent_) {
    auto it = s->names_.find(name);
    if (it != s->names_.end()) return &it->second;
  }
  return nullptr;
}

std::vector<std::string> Scope::visible_names() const {
  std::vector<std::string> out;
  for (const Scope* s = this; s; s = s->parent_) {
    for (const auto& [name, b] : s->names_) out.push_back(name);
  }
  return out;
}

void Scope::define(const Ident& name, Binding b) {
  if (const Binding* old = find(name.text)) {
    try {
      fail(name.loc, quoted(name.text) + " is already defined");
    } catch (const Error& e) {
      rethrow_with_note(e, old->at, "the first definition of " + quoted(name.text) + " is here");
    }
  }
  b.at = name.loc;
  names_[name.text] = std::move(b);
}

bool port_mask_of_name(const std::string& name, uint32_t* mask) {
  static const std::pair<const char*, uint32_t> ports[] = {
      {"north", kNorth}, {"east", kEast}, {"south", kSouth}, {"west", kWest}, {"ramp", kRamp}};
  for (const auto& [n, p] : ports) {
    if (name == n) {
      *mask = 1u << p;
      return true;
    }
  }
  return false;
}

std::string port_list(uint32_t mask) {
  static const char* names[] = {"north", "east", "south", "west", "ramp"};
  std::string s;
  for (uint32_t p = 0; p < uint32_t(kPorts); ++p) {
    if (mask & (1u << p)) s += (s.empty() ? "" : ", ") + std::string(names[p]);
  }
  return s.empty() ? "none" : s;
}

int register_of(const std::string& name, const Scope* scope, bool descriptor) {
  const char prefix = descriptor ? 'd' : 'r';
  const int count = descriptor ? kDsrs : kRegs;
  bool spelled =
      name.size() >= 2 && name.size() <= 3 && name[0] == prefix && (name.size() == 2 || name[1] != '0');
  int n = 0;
  for (size_t k = 1; spelled && k < name.size(); ++k) {
    spelled = name[k] >= '0' && name[k] <= '9';
    n = n * 10 + (name[k] - '0');
  }
  if (spelled) return n < count ? n : -1;
  if (scope) {
    if (const Binding* b = scope->find(name)) {
      if (b->kind == (descriptor ? BindKind::kDsr : BindKind::kReg)) return int(b->value.i);
    }
  }
  return -1;
}

namespace {

Value number_op(const std::string& op, const Value& a, const Value& b, const SourceLoc& at) {
  if (!a.is_number() || !b.is_number()) {
    fail(at, "operator " + quoted(op) + " needs numbers, found " + type_name(a.type) + " and " +
                 type_name(b.type));
  }
  const bool comparison = op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=";
  if (a.type == Value::Type::kFloat || b.type == Value::Type::kFloat) {
    const double x = a.as_double(), y = b.as_double();
    if (comparison) {
      const bool r = op == "=="   ? x == y
                     : op == "!=" ? x != y
                     : op == "<"  ? x < y
                     : op == "<=" ? x <= y
                     : op == ">"  ? x > y
                                  : x >= y;
      return Value::of_int(r);
    }
    if (op == "+") return Value::of_float(x + y);
    if (op == "-") return Value::of_float(x - y);
    if (op == "*") return Value::of_float(x * y);
    if (op == "/") return Value::of_float(x / y);  // IEEE: x/0 is an infinity, as in the machine
    fail(at, "operator " + quoted(op) + " needs integers, found " + type_name(a.type) + " and " +
                 type_name(b.type));
  }
  // Integer arithmetic wraps at 64 bits (computed unsigned, so overflow is defined).
  const int64_t x = a.i, y = b.i;
  const uint64_t ux = uint64_t(x), uy = uint64_t(y);
  if (comparison) {
    const bool r = op == "=="   ? x == y
                   : op == "!=" ? x != y
                   : op == "<"  ? x < y
                   : op == "<=" ? x <= y
                   : op == ">"  ? x > y
                                : x >= y;
    return Value::of_int(r);
  }
  if (op == "+") return Value::of_int(int64_t(ux + uy));
  if (op == "-") return Value::of_int(int64_t(ux - uy));
  if (op == "*") return Value::of_int(int64_t(ux * uy));
  if (op == "/" || op == "%") {
    if (y == 0) fail(at, "division by zero");
    if (x == INT64_MIN && y == -1) return Value::of_int(op == "/" ? INT64_MIN : 0);
    return Value::of_int(op == "/" ? x / y : x % y);
  }
  if (op == "&") return Value::of_int(x & y);
  if (op == "|") return Value::of_int(x | y);
  if (op == "^") return Value::of_int(x ^ y);
  if (op == "<<" || op == ">>") {
    if (y < 0 || y > 63) fail(at, "shift by " + std::to_string(y) + " (0..63)");
    return Value::of_int(op == "<<" ? int64_t(ux << y) : x >> y);
  }
  fail(at, "unknown operator " + quoted(op));
}

Value call(const Expr& e, const EvalEnv& env) {
  const std::string& f = e.name;
  const size_t n = e.args.size();
  auto arity = [&](size_t lo, size_t hi) {
    if (n < lo || n > hi) {
      fail(e.loc, quoted(f) + " takes " +
                      (lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi)) +
                      " argument" + (hi == 1 ? "" : "s") + ", found " + std::to_string(n));
    }
  };
  auto arg = [&](size_t k) { return eval(*e.args[k], env); };
  auto int_arg = [&](size_t k, int64_t lo, int64_t hi, const std::string& what) {
    return int_in(arg(k), lo, hi, e.args[k]->loc, f + "'s " + what);
  };

  if (f == "len") {
    arity(1, 1);
    const Expr& a = *e.args[0];
    if (a.kind == Expr::Kind::kName) {
      if (const Binding* b = env.scope ? env.scope->find(a.name) : nullptr) {
        if (b->is_array || b->kind == BindKind::kVar) return Value::of_int(int64_t(b->length));
      }
    }
    const Value v = eval(a, env);
    if (v.type == Value::Type::kList) return Value::of_int(int64_t(v.list.size()));
    fail(a.loc, "len() needs a variable, a color array or a list");
  }
  if (f == "min" || f == "max") {
    if (n == 0) fail(e.loc, quoted(f) + " needs at least one argument");
    Value best = arg(0);
    for (size_t k = 1; k < n; ++k) {
      const Value v = arg(k);
      if (number_op(f == "min" ? "<" : ">", v, best, e.args[k]->loc).i) best = v;
    }
    if (!best.is_number()) fail(e.loc, quoted(f) + " needs numbers");
    return best;
  }
  if (f == "abs") {
    arity(1, 1);
    const Value v = arg(0);
    if (v.type == Value::Type::kFloat) return Value::of_float(std::fabs(v.f));
    const int64_t x = int_of(v, e.args[0]->loc, "abs's argument");
    return Value::of_int(x < 0 ? int64_t(0 - uint64_t(x)) : x);
  }
  if (f == "int") {
    arity(1, 1);
    const Value v = arg(0);
    if (v.type == Value::Type::kInt) return v;
    if (v.type != Value::Type::kFloat) fail(e.loc, "int() needs a number");
    if (!(v.f > -9.2e18 && v.f < 9.2e18)) fail(e.loc, "int(" + v.str() + ") is out of range");
    return Value::of_int(int64_t(v.f));
  }
  if (f == "float") {
    arity(1, 1);
    const Value v = arg(0);
    if (!v.is_number()) fail(e.loc, "float() needs a number");
    return Value::of_float(v.as_double());
  }
  if (f == "bits") {
    arity(1, 1);
    const Value v = arg(0);
    if (!v.is_number()) fail(e.loc, "bits() needs a number");
    return Value::of_int(fp32_bits(v.as_double()));
  }
  if (f == "mem") {
    arity(2, 3);
    const int64_t base = int_arg(0, 0, 0xFFFF, "base");
    const int64_t len = int_arg(1, 0, 0xFFFF, "length");
    const int64_t stride = n > 2 ? int_arg(2, -32768, 32767, "stride") : 1;
    return Value::of_desc(desc_word0(kDescMem, uint32_t(base)), desc_word1(uint32_t(len), int32_t(stride)));
  }
  if (f == "fabin" || f == "fabout") {
    arity(2, f == "fabout" ? 3 : 2);
    const Value c = arg(0);
    const int64_t color = int_of(c, e.args[0]->loc, f + "'s color");
    if (color < 0 || color >= kColors) {
      fail(e.args[0]->loc, "color " + std::to_string(color) + " does not exist: the machine has " +
                               std::to_string(kColors) + " colors (0.." + std::to_string(kColors - 1) + ")");
    }
    const int64_t len = int_arg(1, 0, 0xFFFF, "length");
    const bool skip = n > 2 && truthy(arg(2), e.args[2]->loc, "fabout's skip-zeros flag");
    return Value::of_desc(desc_word0(f == "fabin" ? kDescFabIn : kDescFabOut, uint32_t(color), skip),
                          desc_word1(uint32_t(len), 0));
  }
  if (f == "desc") {
    arity(2, 2);
    return Value::of_desc(uint32_t(int_arg(0, 0, 0xFFFFFFFF, "word 0")),
                          uint32_t(int_arg(1, 0, 0xFFFFFFFF, "word 1")));
  }
  fail(e.loc, "unknown function " + quoted(f) +
                  " (functions: min, max, abs, int, float, bits, len, mem, fabin, fabout, desc)");
}

Value name_value(const Expr& e, const EvalEnv& env) {
  const std::string& n = e.name;
  if (env.has_element && n == "i") return Value::of_int(env.element);
  if (n == "x" || n == "y") {
    if (!env.has_pe) {
      fail(e.loc, quoted(n) + " (the PE's " + (n == "x" ? "column" : "row") +
                      ") is defined only in per-PE layout expressions (place, route, reg, dsr, init, sram)");
    }
    return Value::of_int(n == "x" ? env.x : env.y);
  }
  if (const Binding* b = env.scope ? env.scope->find(n) : nullptr) {
    if (b->kind == BindKind::kReg || b->kind == BindKind::kDsr) {
      fail(e.loc, quoted(n) + " is a register alias; it cannot be used as a value here");
    }
    return b->value;
  }
  uint32_t mask;
  if (port_mask_of_name(n, &mask)) return Value::of_int(mask);
  if (n == "W" || n == "H")
    fail(e.loc, quoted(n) + " (the grid's " + (n == "W" ? "width" : "height") +
                    ") is not known before the grid statement");
  if (register_of(n, nullptr, false) >= 0 || register_of(n, nullptr, true) >= 0) {
    fail(e.loc, quoted(n) + " is a register; it cannot be used as a value here");
  }
  std::vector<std::string> known = env.scope ? env.scope->visible_names() : std::vector<std::string>{};
  if (env.has_pe) known.insert(known.end(), {"x", "y"});
  if (env.has_element) known.push_back("i");
  fail(e.loc, "undefined symbol " + quoted(n) + did_you_mean(n, known));
}

Value index_value(const Expr& e, const EvalEnv& env) {
  const Expr& base = *e.args[0];
  const Value idx = eval(*e.args[1], env);
  if (base.kind == Expr::Kind::kName && env.scope) {
    if (const Binding* b = env.scope->find(base.name)) {
      if (b->is_array) {
        const int64_t k = int_of(idx, e.args[1]->loc, "the index");
        if (k < 0 || uint64_t(k) >= b->length) {
          fail(e.args[1]->loc, "index " + std::to_string(k) + " is outside " + quoted(base.name) + "[0.." +
                                   std::to_string(int64_t(b->length) - 1) + "]");
        }
        return Value::of_int(b->value.i + k);
      }
    }
  }
  const Value v = eval(base, env);
  if (v.type != Value::Type::kList) fail(base.loc, "only lists, variables and color arrays can be indexed");
  const int64_t k = int_of(idx, e.args[1]->loc, "the index");
  if (k < 0 || uint64_t(k) >= v.list.size()) {
    fail(e.args[1]->loc,
         "index " + std::to_string(k) + " is outside the list's " + std::to_string(v.list.size()) + " items");
  }
  return v.list[size_t(k)];
}

}  // namespace

Value eval(const Expr& e, const EvalEnv& env) {
  switch (e.kind) {
    case Expr::Kind::kInt:
      return Value::of_int(e.int_value);
    case Expr::Kind::kFloat:
      return Value::of_float(e.float_value);
    case Expr::Kind::kName:
      return name_value(e, env);
    case Expr::Kind::kCall:
      return call(e, env);
    case Expr::Kind::kIndex:
      return index_value(e, env);
    case Expr::Kind::kList: {
      Value v;
      v.type = Value::Type::kList;
      v.list.reserve(e.args.size());
      for (const auto& a : e.args) v.list.push_back(eval(*a, env));
      return v;
    }
    case Expr::Kind::kTernary:
      return truthy(eval(*e.args[0], env), e.args[0]->loc, "the '?:' condition") ? eval(*e.args[1], env)
                                                                                 : eval(*e.args[2], env);
    case Expr::Kind::kUnary: {
      const Value v = eval(*e.args[0], env);
      if (e.name == "+") {
        if (!v.is_number()) fail(e.loc, "unary '+' needs a number");
        return v;
      }
      if (e.name == "!") return Value::of_int(!truthy(v, e.op_loc, "'!'"));
      if (e.name == "-") {
        if (v.type == Value::Type::kFloat) return Value::of_float(-v.f);
        return Value::of_int(int64_t(0 - uint64_t(int_of(v, e.loc, "unary '-'"))));
      }
      return Value::of_int(~int_of(v, e.loc, "'~'"));
    }
    case Expr::Kind::kBinary: {
      if (e.name == "&&" || e.name == "||") {
        const bool is_and = e.name == "&&";
        const char* what = is_and ? "'&&'" : "'||'";
        const bool a = truthy(eval(*e.args[0], env), e.args[0]->loc, what);
        if (is_and ? !a : a) return Value::of_int(a);
        return Value::of_int(truthy(eval(*e.args[1], env), e.args[1]->loc, what));
      }
      const Value a = eval(*e.args[0], env);
      const Value b = eval(*e.args[1], env);
      if ((e.name == "==" || e.name == "!=") && a.type == Value::Type::kDesc &&
          b.type == Value::Type::kDesc) {
        return Value::of_int((a == b) == (e.name == "=="));
      }
      return number_op(e.name, a, b, e.op_loc);
    }
  }
  fail(e.loc, "malformed expression");
}

Deps deps_of(const Expr* e) {
  Deps d;
  if (!e) return d;
  if (e->kind == Expr::Kind::kName) {
    d.x = e->name == "x";
    d.y = e->name == "y";
    d.i = e->name == "i";
  }
  for (const auto& a : e->args) d |= deps_of(a.get());
  return d;
}

}  // namespace wafer::assembler
