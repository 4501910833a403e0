// Names and the evaluation of assembly-time expressions.
//
// A Scope maps names to bindings (parameters, constants, colors, kernel parameters, loop variables,
// variables, labels, tasks, register aliases); scopes nest, and a name may be defined only once along a
// chain, so a loop variable can never silently shadow a constant. Per-PE layout expressions also see the
// PE's x and y, and element initialisers the element index i (docs/program-format.md, "Expressions").
#pragma once
#include <map>
#include <string>
#include <vector>

#include "host/asm/ast.h"
#include "host/asm/value.h"

namespace wafer::assembler {

enum class BindKind {
  kParam,
  kConst,
  kGrid,
  kColor,
  kKernelParam,
  kLoopVar,
  kVar,
  kLabel,
  kTask,
  kReg,
  kDsr
};

struct Binding {
  BindKind kind = BindKind::kConst;
  Value value;          // registers: the register number
  SourceLoc at;         // where it was defined
  uint64_t length = 1;  // arrays (variables, color arrays): indexable as name[k], 0 <= k < length
  bool is_array = false;
};

class Scope {
 public:
  explicit Scope(const Scope* parent = nullptr) : parent_(parent) {}
  const Binding* find(const std::string& name) const;
  // Throws when the name is already defined here or in an enclosing scope (the note says where).
  void define(const Ident& name, Binding b);
  // Defines or replaces without the duplicate check (the grid's W and H).
  void set(const std::string& name, Binding b) { names_[name] = std::move(b); }
  const Scope* parent() const { return parent_; }
  // Every name defined here or in an enclosing scope (for "did you mean").
  std::vector<std::string> visible_names() const;
  // The names defined in this scope itself (not its parents), in name order.
  const std::map<std::string, Binding>& own() const { return names_; }

 private:
  const Scope* parent_;
  std::map<std::string, Binding> names_;
};

struct EvalEnv {
  const Scope* scope = nullptr;
  bool has_pe = false;  // x, y are defined
  uint32_t x = 0, y = 0;
  bool has_element = false;  // i is defined
  int64_t element = 0;
};

Value eval(const Expr& e, const EvalEnv& env);

// Which of the per-PE / per-element names an expression mentions: decides how often it must be evaluated.
struct Deps {
  bool x = false, y = false, i = false;
  Deps& operator|=(const Deps& o) {
    x |= o.x, y |= o.y, i |= o.i;
    return *this;
  }
};
Deps deps_of(const Expr* e);

// Port masks as the format spells them: north, east, south, west, ramp (bit = 1 << Port).
bool port_mask_of_name(const std::string& name, uint32_t* mask);
std::string port_list(uint32_t mask);  // "east, ramp"

// Register number of a name (r0..r15 / d0..d7 or an alias in scope), or -1 when the name is not one.
int register_of(const std::string& name, const Scope* scope, bool descriptor);

}  // namespace wafer::assembler
