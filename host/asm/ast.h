// The syntax tree the parser builds (docs/program-format.md gives the grammar). Nodes keep their source
// positions so that every later error can point at the offending text.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "host/asm/diagnostics.h"

namespace wafer::assembler {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum class Kind { kInt, kFloat, kName, kUnary, kBinary, kTernary, kCall, kIndex, kList };
  Kind kind = Kind::kInt;
  SourceLoc loc;     // where the expression starts (errors about its value point here)
  SourceLoc op_loc;  // the operator of kUnary/kBinary/kTernary/kIndex (errors about the operation point here)
  std::string name;  // kName: the identifier; kUnary/kBinary: the operator; kCall: the function
  int64_t int_value = 0;
  double float_value = 0;
  std::vector<ExprPtr> args;  // operands, call arguments, list items; kIndex: {array, index}
  int depth = 1;  // height of the tree: the parser bounds it so evaluation cannot exhaust the stack
};

struct Ident {
  std::string text;
  SourceLoc loc;
};

// An instruction operand: an expression (register names are resolved later, since aliases are
// per kernel) or a memory reference [base_register +/- offset].
struct Operand {
  SourceLoc loc;
  ExprPtr expr;
  bool is_mem = false;
  Ident base;      // memory: the base register (a name such as r2 or an alias)
  ExprPtr offset;  // memory: null means 0
};

// A rectangle of PEs: each axis is '*' (the whole grid), one coordinate, or an inclusive range a..b.
struct RectExpr {
  SourceLoc loc;
  ExprPtr x_first, x_last, y_first, y_last;  // first == nullptr: '*'; last == nullptr: a single coordinate
};

struct Stmt;
using Block = std::vector<Stmt>;

// ---- top level
struct DefineStmt {  // param NAME = e  |  const NAME = e   (const is also allowed in kernels and layouts)
  Ident name;
  ExprPtr value;
  bool is_param = false;
};
struct ColorStmt {  // color NAME [ '[' count ']' ] [ = first ]
  Ident name;
  ExprPtr count, value;
};
struct GridStmt {
  ExprPtr width, height;
};
struct KernelParam {
  Ident name;
  ExprPtr default_value;
};
struct KernelStmt {
  Ident name;
  std::vector<KernelParam> params;
  Block body;
};
struct LayoutStmt {
  Block body;
};

// ---- kernels
struct VarStmt {  // var NAME [ '[' length ']' ] [ = init ]
  Ident name;
  ExprPtr length, init;
};
struct ExportStmt {
  std::vector<Ident> names;
};
struct AliasStmt {  // alias NAME = rN | dN
  Ident name, target;
};
struct TaskStmt {  // task NAME data COLOR | task NAME local [ID]   [start] [blocked] { ... }
  Ident name;
  bool is_data = false;
  ExprPtr id;
  bool start = false, blocked = false;
  Block body;
};
struct CodeStmt {
  Block body;
};
struct LabelStmt {
  Ident name;
};
struct InstrStmt {  // [async] MNEMONIC operands [then activate|unblock TASK]
  Ident mnemonic;
  bool async = false;
  std::vector<Operand> operands;
  std::optional<Ident> then_action;
  ExprPtr then_task;
};

// ---- shared: assembly-time control
struct AssertStmt {  // assert EXPR, "message"   (top level, kernels, task bodies, layouts)
  ExprPtr cond;
  std::string text;  // the expression as written, for "assertion failed: ... (EXPR ...)"
  std::string message;
};
struct IfStmt {
  ExprPtr cond;
  Block then_block, else_block;
};
struct ForStmt {  // for NAME in first..last { ... }   (inclusive)
  Ident var;
  ExprPtr first, last;
  Block body;
};

// ---- layout
struct PlaceStmt {  // place KERNEL [(name = e, ...)] at RECT [where e] [{ place items }]
  Ident kernel;
  std::vector<std::pair<Ident, ExprPtr>> args;
  RectExpr rect;
  ExprPtr where;
  Block body;
};
struct RouteStmt {  // route COLOR at RECT [where e] rx PORT tx PORT, ...
  ExprPtr color;
  RectExpr rect;
  ExprPtr where;
  ExprPtr rx;
  std::vector<ExprPtr> tx;
};
struct InStreamStmt {  // instream NAME[k] at (X, Y) PORT color C count N [values e] [index e]
  Ident name;
  ExprPtr name_index;  // streams declared in a loop are named NAME[k]
  ExprPtr x, y, port, color, count, values, index;
};
struct OutStreamStmt {  // outstream NAME[k] at (X, Y) PORT capacity N [expect M]
  Ident name;
  ExprPtr name_index;
  ExprPtr x, y, port, capacity;
  ExprPtr expect;  // null: the capacity is what the program expects
};
// Initial state. In a place block the rectangle is the placement's (rect is empty); at layout level it is
// given. kInit names a kernel variable; kSram takes a word address.
struct SetStmt {
  enum class What { kReg, kDsr, kInit, kSram };
  What what = What::kReg;
  Ident target;  // register, descriptor register or variable
  std::optional<RectExpr> rect;
  ExprPtr where, addr, value;
};
struct TaskFlagStmt {  // place items: start TASK | blocked TASK
  bool start = true;
  Ident task;
};

struct Stmt {
  SourceLoc loc;
  std::variant<DefineStmt, ColorStmt, GridStmt, KernelStmt, LayoutStmt, VarStmt, ExportStmt, AliasStmt,
               TaskStmt, CodeStmt, LabelStmt, InstrStmt, IfStmt, ForStmt, PlaceStmt, RouteStmt, InStreamStmt,
               OutStreamStmt, SetStmt, TaskFlagStmt, AssertStmt>
      node;
};

}  // namespace wafer::assembler
