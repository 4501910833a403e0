#include "host/asm/parser.h"

#include <algorithm>
#include <set>

#include "host/asm/instruction_table.h"

namespace wafer::assembler {

namespace {

// Deep nesting would exhaust the stack of a recursive-descent parser: refuse it with an error instead.
constexpr int kMaxDepth = 200;
constexpr int kMaxExprDepth = 400;

const std::set<std::string>& keywords() {
  static const std::set<std::string> k = {
      "param",    "const", "color", "grid",    "kernel", "layout",   "var",       "export", "alias", "task",
      "data",     "local", "start", "blocked", "code",   "if",       "else",      "for",    "in",    "place",
      "at",       "where", "route", "rx",      "tx",     "instream", "outstream", "values", "index", "count",
      "capacity", "reg",   "dsr",   "init",    "sram",   "addr",     "async",     "then",   "x",     "y",
      "W",        "H",     "north", "east",    "south",  "west",     "ramp",      "min",    "max",   "abs",
      "int",      "float", "bits",  "mem",     "fabin",  "fabout",   "desc",      "len",   "assert", "expect"};
  return k;
}

bool is_register_spelling(const std::string& s) {
  if (s.size() < 2 || s.size() > 3 || (s[0] != 'r' && s[0] != 'd')) return false;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

class Parser {
 public:
  explicit Parser(const std::vector<Token>& t) : t_(t) {}

  Block program() {
    Block out;
    skip_newlines();
    while (peek().kind != Tok::kEnd) {
      out.push_back(top_item());
      skip_newlines();
    }
    return out;
  }

  ExprPtr lone_expression() {
    ExprPtr e = expr("a value");
    skip_newlines();
    if (peek().kind != Tok::kEnd)
      fail(peek().loc, "expected the end of the value, found " + describe(peek()));
    return e;
  }

 private:
  // ------------------------------------------------------------------ tokens
  const Token& peek(size_t k = 0) const { return t_[std::min(pos_ + k, t_.size() - 1)]; }
  const Token& next() {
    const Token& t = t_[pos_];
    if (pos_ + 1 < t_.size()) ++pos_;
    return t;
  }
  bool accept(const char* punct) {
    if (!peek().is(punct)) return false;
    next();
    return true;
  }
  bool accept_word(const char* word) {
    if (!peek().is_word(word)) return false;
    next();
    return true;
  }
  const Token& expect(const char* punct, const std::string& where) {
    if (!peek().is(punct))
      fail(peek().loc, "expected " + quoted(punct) + " " + where + ", found " + describe(peek()));
    return next();
  }
  void expect_word(const char* word, const std::string& where) {
    if (!peek().is_word(word))
      fail(peek().loc, "expected " + quoted(word) + " " + where + ", found " + describe(peek()));
    next();
  }
  Ident ident(const std::string& what) {
    if (peek().kind != Tok::kIdent) fail(peek().loc, "expected " + what + ", found " + describe(peek()));
    const Token& t = next();
    return {t.text, t.loc};
  }
  // A name the program defines: not a keyword, builtin or register.
  Ident new_name(const std::string& what) {
    Ident id = ident(what);
    if (is_reserved_name(id.text)) {
      fail(id.loc, "expected " + what + ", found " + quoted(id.text) +
                       ", which is reserved (a keyword, builtin or register name)");
    }
    return id;
  }
  void skip_newlines() {
    while (peek().kind == Tok::kNewline) next();
  }
  // A statement ends at a newline or ';', or just before the '}' closing its block.
  void end_statement(const std::string& what) {
    if (peek().kind == Tok::kNewline) {
      next();
      return;
    }
    if (peek().is("}") || peek().kind == Tok::kEnd) return;
    fail(peek().loc, "expected the end of the " + what + ", found " + describe(peek()));
  }

  struct DepthGuard {
    Parser& p;
    DepthGuard(Parser& parser, const SourceLoc& at) : p(parser) {
      if (++p.depth_ > kMaxDepth) fail(at, "nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    ~DepthGuard() { --p.depth_; }
  };

  template <class ItemFn>
  Block block(const std::string& what, ItemFn item) {
    DepthGuard guard(*this, peek().loc);
    expect("{", "to open the " + what);
    Block out;
    skip_newlines();
    while (!peek().is("}")) {
      if (peek().kind == Tok::kEnd)
        fail(peek().loc, "expected '}' to close the " + what + ", found end of file");
      out.push_back((this->*item)());
      skip_newlines();
    }
    next();
    return out;
  }

  // ------------------------------------------------------------------ top level
  Stmt top_item() {
    const Token& t = peek();
    Stmt s;
    s.loc = t.loc;
    if (t.is_word("param") || t.is_word("const")) {
      s.node = define();
    } else if (accept_word("assert")) {
      s.node = assert_stmt();
    } else if (accept_word("color")) {
      ColorStmt c;
      c.name = new_name("a color name");
      if (accept("[")) {
        c.count = expr("the color array's size");
        expect("]", "after the color array's size");
      }
      if (accept("=")) c.value = expr("the color number");
      end_statement("color declaration");
      s.node = std::move(c);
    } else if (accept_word("grid")) {
      GridStmt g;
      g.width = expr("the grid width");
      expect(",", "between the grid's width and height");
      g.height = expr("the grid height");
      end_statement("grid statement");
      s.node = std::move(g);
    } else if (accept_word("kernel")) {
      KernelStmt k;
      k.name = new_name("a kernel name");
      if (accept("(")) {
        if (!peek().is(")")) {
          do {
            KernelParam p;
            p.name = new_name("a kernel parameter name");
            if (accept("=")) p.default_value = expr("the parameter's default value");
            k.params.push_back(std::move(p));
          } while (accept(","));
        }
        expect(")", "to close the kernel's parameter list");
      }
      k.body = block("kernel body", &Parser::kernel_item);
      end_statement("kernel");
      s.node = std::move(k);
    } else if (accept_word("layout")) {
      LayoutStmt l;
      l.body = block("layout", &Parser::layout_item);
      end_statement("layout");
      s.node = std::move(l);
    } else {
      fail(t.loc, "expected a top-level statement (param, const, color, grid, kernel, layout, assert), found " +
                      describe(t));
    }
    return s;
  }

  DefineStmt define() {
    DefineStmt d;
    d.is_param = next().text == "param";
    d.name = new_name(d.is_param ? "a parameter name" : "a constant name");
    expect("=", "after " + quoted(d.name.text));
    d.value = expr("the value of " + quoted(d.name.text));
    end_statement(d.is_param ? "param statement" : "const statement");
    return d;
  }

  // assert EXPR, "message"
  AssertStmt assert_stmt() {
    AssertStmt a;
    const size_t first = pos_;
    a.cond = expr("the condition to assert");
    a.text = source_text(first, pos_);
    expect(",", "after the asserted condition (assert CONDITION, \"message\")");
    if (peek().kind != Tok::kString)
      fail(peek().loc, "expected the assertion's message as a string (assert CONDITION, \"message\"), found " +
                           describe(peek()));
    a.message = next().text;
    end_statement("assert statement");
    return a;
  }

  // The text of tokens [first, last) as written: tokens on one line keep their spacing, a line break
  // reads as one space.
  std::string source_text(size_t first, size_t last) const {
    std::string out;
    for (size_t k = first; k < last && k < t_.size(); ++k) {
      const Token& tok = t_[k];
      if (tok.kind == Tok::kNewline || tok.kind == Tok::kEnd) continue;
      if (k > first) {
        const Token& prev = t_[k - 1];
        const uint32_t prev_end = prev.loc.col + uint32_t(prev.text.size());
        if (prev.loc.line != tok.loc.line)
          out += ' ';
        else if (tok.loc.col > prev_end)
          out.append(tok.loc.col - prev_end, ' ');
      }
      out += tok.text;
    }
    return out;
  }

  IfStmt if_stmt(Stmt (Parser::*item)(), const std::string& what) {
    IfStmt s;
    s.cond = expr("the if condition");
    s.then_block = block(what, item);
    if (peek().kind == Tok::kNewline && peek(1).is_word("else")) next();  // "}\nelse {" reads naturally
    if (accept_word("else")) {
      if (peek().is_word("if")) {
        Stmt inner;
        inner.loc = next().loc;
        inner.node = if_stmt(item, what);
        s.else_block.push_back(std::move(inner));
        return s;
      }
      s.else_block = block(what, item);
    }
    end_statement("if statement");
    return s;
  }

  ForStmt for_stmt(Stmt (Parser::*item)(), const std::string& what) {
    ForStmt f;
    f.var = new_name("a loop variable name");
    expect_word("in", "after the loop variable");
    f.first = expr("the loop's first value");
    expect("..", "in the loop range first..last");
    f.last = expr("the loop's last value");
    f.body = block(what, item);
    end_statement("for statement");
    return f;
  }

  // ------------------------------------------------------------------ kernels
  Stmt kernel_item() {
    const Token& t = peek();
    Stmt s;
    s.loc = t.loc;
    if (t.is_word("const")) {
      s.node = define();
    } else if (accept_word("assert")) {
      s.node = assert_stmt();
    } else if (accept_word("var")) {
      VarStmt v;
      v.name = new_name("a variable name");
      if (accept("[")) {
        v.length = expr("the array length");
        expect("]", "after the array length");
      }
      if (accept("=")) v.init = expr("the initial value");
      end_statement("var declaration");
      s.node = std::move(v);
    } else if (accept_word("export")) {
      ExportStmt e;
      do e.names.push_back(ident("a variable name to export"));
      while (accept(","));
      end_statement("export statement");
      s.node = std::move(e);
    } else if (accept_word("alias")) {
      AliasStmt a;
      a.name = new_name("an alias name");
      expect("=", "after the alias name");
      a.target = ident("a register (r0..r15 or d0..d7)");
      end_statement("alias");
      s.node = std::move(a);
    } else if (accept_word("task")) {
      TaskStmt k;
      k.name = new_name("a task name");
      if (accept_word("data")) {
        k.is_data = true;
        k.id = expr("the task's color");
      } else if (accept_word("local")) {
        if (!peek().is("{") && !peek().is_word("start") && !peek().is_word("blocked"))
          k.id = expr("the local task id");
      } else {
        fail(peek().loc,
             "expected 'data COLOR' or 'local [ID]' after the task name, found " + describe(peek()));
      }
      for (;;) {
        if (accept_word("start"))
          k.start = true;
        else if (accept_word("blocked"))
          k.blocked = true;
        else
          break;
      }
      k.body = block("task body", &Parser::code_item);
      end_statement("task");
      s.node = std::move(k);
    } else if (accept_word("code")) {
      CodeStmt c;
      c.body = block("code block", &Parser::code_item);
      end_statement("code block");
      s.node = std::move(c);
    } else if (accept_word("if")) {
      s.node = if_stmt(&Parser::kernel_item, "if block");
    } else if (accept_word("for")) {
      s.node = for_stmt(&Parser::kernel_item, "for block");
    } else {
      fail(t.loc,
           "expected a kernel item (var, export, alias, const, task, code, if, for, assert), found " + describe(t));
    }
    return s;
  }

  Stmt code_item() {
    const Token& t = peek();
    Stmt s;
    s.loc = t.loc;
    if (t.kind != Tok::kIdent) fail(t.loc, "expected an instruction or a label, found " + describe(t));
    if (peek(1).is(":")) {
      LabelStmt l;
      l.name = new_name("a label name");
      next();
      s.node = std::move(l);
      // An instruction may follow the label on the same line.
      if (peek().kind == Tok::kNewline || peek().is("}")) {
        end_statement("label");
      }
      return s;
    }
    if (t.is_word("const")) {
      s.node = define();
    } else if (accept_word("assert")) {
      s.node = assert_stmt();
    } else if (accept_word("if")) {
      s.node = if_stmt(&Parser::code_item, "if block");
    } else if (accept_word("for")) {
      s.node = for_stmt(&Parser::code_item, "for block");
    } else {
      s.node = instruction();
    }
    return s;
  }

  InstrStmt instruction() {
    InstrStmt in;
    if (accept_word("async")) in.async = true;
    in.mnemonic = ident("an instruction");
    const InstrForm* form = find_instr(in.mnemonic.text);
    if (!form) {
      const std::string near = closest_mnemonic(in.mnemonic.text);
      fail(in.mnemonic.loc,
           "unknown instruction " + quoted(in.mnemonic.text) +
               (near.empty() ? "" : " (did you mean " + quoted(near) + "?)") +
               "; expected an instruction such as li, add, ld, send, dset, vmov, vfmac, ret");
    }
    if (peek().kind != Tok::kNewline && !peek().is("}") && !peek().is_word("then")) {
      do in.operands.push_back(operand(in.mnemonic.text));
      while (accept(","));
    }
    if (accept_word("then")) {
      Ident action = ident("'activate' or 'unblock' after 'then'");
      if (action.text != "activate" && action.text != "unblock") {
        fail(action.loc, "expected 'activate' or 'unblock' after 'then', found " + quoted(action.text));
      }
      in.then_action = action;
      in.then_task = expr("the task to " + action.text);
    }
    end_statement("instruction " + quoted(in.mnemonic.text) + " (syntax: " + form->syntax + ")");
    return in;
  }

  Operand operand(const std::string& mnemonic) {
    Operand o;
    o.loc = peek().loc;
    if (accept("[")) {
      o.is_mem = true;
      o.base = ident("a base register in [rB + OFFSET] of " + quoted(mnemonic));
      if (peek().is("+") || peek().is("-")) {
        const Token& sign = next();
        ExprPtr off = expr("the offset in [rB + OFFSET]");
        if (sign.text == "-") {
          auto neg = std::make_unique<Expr>();
          neg->kind = Expr::Kind::kUnary;
          neg->name = "-";
          neg->loc = sign.loc;
          neg->args.push_back(std::move(off));
          off = finish(std::move(neg));
        }
        o.offset = std::move(off);
      }
      expect("]", "to close the memory operand");
      return o;
    }
    o.expr = expr("an operand of " + quoted(mnemonic));
    return o;
  }

  // ------------------------------------------------------------------ layout
  RectExpr rect(const std::string& what) {
    RectExpr r;
    r.loc = peek().loc;
    expect("(", "to open the rectangle of " + what + " (e.g. (0..W-1, 0))");
    axis(r.x_first, r.x_last, "x");
    expect(",", "between the rectangle's x and y ranges");
    axis(r.y_first, r.y_last, "y");
    expect(")", "to close the rectangle");
    return r;
  }
  void axis(ExprPtr& first, ExprPtr& last, const char* name) {
    if (accept("*")) return;
    first = expr(std::string("the rectangle's ") + name + " coordinate");
    if (accept("..")) last = expr(std::string("the rectangle's last ") + name);
  }
  void at_pe(ExprPtr& x, ExprPtr& y, const std::string& what) {
    expect_word("at", "before the stream's PE (x, y)");
    expect("(", "to open the PE coordinates of " + what);
    x = expr("the stream PE's x");
    expect(",", "between the stream PE's x and y");
    y = expr("the stream PE's y");
    expect(")", "to close the PE coordinates");
  }

  Stmt layout_item() {
    const Token& t = peek();
    Stmt s;
    s.loc = t.loc;
    if (t.is_word("const")) {
      s.node = define();
    } else if (accept_word("assert")) {
      s.node = assert_stmt();
    } else if (accept_word("place")) {
      PlaceStmt p;
      p.kernel = ident("a kernel name");
      if (accept("(")) {
        if (!peek().is(")")) {
          do {
            Ident name = ident("a kernel parameter name");
            expect("=", "after the kernel parameter name (arguments are passed by name: NAME = VALUE)");
            p.args.emplace_back(std::move(name), expr("the kernel parameter's value"));
          } while (accept(","));
        }
        expect(")", "to close the kernel arguments");
      }
      expect_word("at", "before the placement's rectangle");
      p.rect = rect("the placement");
      if (accept_word("where")) p.where = expr("the where condition");
      if (peek().is("{")) p.body = block("place block", &Parser::place_item);
      end_statement("place statement");
      s.node = std::move(p);
    } else if (accept_word("route")) {
      RouteStmt r;
      r.color = expr("the route's color");
      expect_word("at", "before the route's rectangle");
      r.rect = rect("the route");
      if (accept_word("where")) r.where = expr("the where condition");
      expect_word("rx", "(the port the color arrives on)");
      r.rx = expr("the rx port (north, east, south, west or ramp)");
      expect_word("tx", "(the ports the color leaves on)");
      do r.tx.push_back(expr("a tx port (north, east, south, west or ramp)"));
      while (accept(","));
      end_statement("route statement");
      s.node = std::move(r);
    } else if (accept_word("instream")) {
      InStreamStmt in;
      in.name = ident("a stream name");  // never used in expressions, so any identifier will do
      if (accept("[")) {
        in.name_index = expr("the stream name's index");
        expect("]", "after the stream name's index");
      }
      at_pe(in.x, in.y, "the input stream");
      in.port = expr("the stream's off-grid port (north, east, south or west)");
      expect_word("color", "after the input stream's port");
      in.color = expr("the input stream's color");
      expect_word("count", "after the input stream's color");
      in.count = expr("the number of wavelets");
      for (;;) {
        if (accept_word("values"))
          in.values = expr("the stream's values");
        else if (accept_word("index"))
          in.index = expr("the stream's indices");
        else
          break;
      }
      end_statement("instream statement");
      s.node = std::move(in);
    } else if (accept_word("outstream")) {
      OutStreamStmt out;
      out.name = ident("a stream name");
      if (accept("[")) {
        out.name_index = expr("the stream name's index");
        expect("]", "after the stream name's index");
      }
      at_pe(out.x, out.y, "the output stream");
      out.port = expr("the stream's off-grid port (north, east, south or west)");
      expect_word("capacity", "after the output stream's port");
      out.capacity = expr("the output stream's capacity");
      if (accept_word("expect")) out.expect = expr("the number of wavelets the program expects");
      end_statement("outstream statement");
      s.node = std::move(out);
    } else if (t.is_word("reg") || t.is_word("dsr") || t.is_word("sram")) {
      s.node = set_stmt(true);
    } else if (accept_word("if")) {
      s.node = if_stmt(&Parser::layout_item, "if block");
    } else if (accept_word("for")) {
      s.node = for_stmt(&Parser::layout_item, "for block");
    } else {
      fail(t.loc,
           "expected a layout item (place, route, instream, outstream, reg, dsr, sram, const, if, for, assert), "
           "found " +
               describe(t));
    }
    return s;
  }

  Stmt place_item() {
    const Token& t = peek();
    Stmt s;
    s.loc = t.loc;
    if (t.is_word("reg") || t.is_word("dsr") || t.is_word("init")) {
      s.node = set_stmt(false);
    } else if (t.is_word("start") || t.is_word("blocked")) {
      TaskFlagStmt f;
      f.start = next().text == "start";
      f.task = ident("a task name");
      end_statement(f.start ? "start statement" : "blocked statement");
      s.node = std::move(f);
    } else {
      fail(t.loc, "expected a place item (reg, dsr, init, start, blocked), found " + describe(t));
    }
    return s;
  }

  // reg NAME [at RECT [where e]] = e | dsr NAME ... | init NAME = e | sram at RECT [where e] addr e = e
  SetStmt set_stmt(bool layout_level) {
    SetStmt st;
    const std::string word = next().text;
    st.what = word == "reg"    ? SetStmt::What::kReg
              : word == "dsr"  ? SetStmt::What::kDsr
              : word == "init" ? SetStmt::What::kInit
                               : SetStmt::What::kSram;
    if (st.what != SetStmt::What::kSram) {
      st.target = ident(st.what == SetStmt::What::kReg   ? "a register (r0..r15 or an alias)"
                        : st.what == SetStmt::What::kDsr ? "a descriptor register (d0..d7 or an alias)"
                                                         : "a kernel variable");
    }
    if (layout_level) {
      expect_word("at", "before the rectangle (" + word + " statements in a layout name their PEs)");
      st.rect = rect("the " + word + " statement");
      if (accept_word("where")) st.where = expr("the where condition");
    }
    if (st.what == SetStmt::What::kSram) {
      expect_word("addr", "after the sram rectangle");
      st.addr = expr("the SRAM word address");
    }
    expect("=", "before the " + word + " value");
    st.value = expr("the " + word + " value");
    end_statement(word + " statement");
    return st;
  }

  // ------------------------------------------------------------------ expressions
  // Records the node's height; a chain such as 1+1+1+... is as deep as it is long, and every later pass
  // over the tree recurses, so the height is bounded here.
  ExprPtr finish(ExprPtr e) {
    for (const auto& a : e->args) e->depth = std::max(e->depth, a->depth + 1);
    if (e->depth > kMaxExprDepth)
      fail(e->loc, "expression nested deeper than " + std::to_string(kMaxExprDepth) + " levels");
    return e;
  }

  ExprPtr make(Expr::Kind kind, const SourceLoc& loc, std::string name = "") {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->loc = loc;
    e->op_loc = loc;
    e->name = std::move(name);
    return e;
  }

  ExprPtr expr(const std::string& what) {
    const std::string* outer = what_;
    what_ = &what;
    ExprPtr e = ternary();
    what_ = outer;
    return e;
  }

  ExprPtr ternary() {
    DepthGuard guard(*this, peek().loc);
    ExprPtr c = binary(0);
    if (!peek().is("?")) return c;
    const SourceLoc loc = next().loc;
    ExprPtr a = ternary();
    expect(":", "between the branches of '?:'");
    ExprPtr b = ternary();
    ExprPtr e = make(Expr::Kind::kTernary, c->loc, "?");
    e->op_loc = loc;
    e->args.push_back(std::move(c));
    e->args.push_back(std::move(a));
    e->args.push_back(std::move(b));
    return finish(std::move(e));
  }

  // Binary operators by precedence level, loosest first (C's order).
  static int level_of(const Token& t) {
    if (t.kind != Tok::kPunct) return -1;
    static const std::vector<std::vector<std::string>> levels = {
        {"||"},       {"&&"},     {"|"},          {"^"}, {"&"}, {"==", "!="}, {"<", "<=", ">", ">="},
        {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"}};
    for (size_t i = 0; i < levels.size(); ++i) {
      for (const auto& op : levels[i]) {
        if (t.text == op) return int(i);
      }
    }
    return -1;
  }

  ExprPtr binary(int min_level) {
    ExprPtr lhs = unary();
    for (;;) {
      const int level = level_of(peek());
      if (level < min_level) return lhs;
      const Token& op = next();
      ExprPtr rhs = binary(level + 1);
      ExprPtr e = make(Expr::Kind::kBinary, lhs->loc, op.text);
      e->op_loc = op.loc;
      e->args.push_back(std::move(lhs));
      e->args.push_back(std::move(rhs));
      lhs = finish(std::move(e));
    }
  }

  ExprPtr unary() {
    if (peek().is("-") || peek().is("!") || peek().is("~") || peek().is("+")) {
      DepthGuard guard(*this, peek().loc);
      const Token& op = next();
      ExprPtr e = make(Expr::Kind::kUnary, op.loc, op.text);
      e->args.push_back(unary());
      return finish(std::move(e));
    }
    return postfix();
  }

  ExprPtr postfix() {
    ExprPtr e = primary();
    while (peek().is("[")) {
      const SourceLoc loc = next().loc;
      ExprPtr idx = ternary();
      expect("]", "to close the index");
      ExprPtr ix = make(Expr::Kind::kIndex, e->loc, "[]");
      ix->op_loc = loc;
      ix->args.push_back(std::move(e));
      ix->args.push_back(std::move(idx));
      e = finish(std::move(ix));
    }
    return e;
  }

  ExprPtr primary() {
    const Token& t = peek();
    if (t.kind == Tok::kInt) {
      next();
      ExprPtr e = make(Expr::Kind::kInt, t.loc, t.text);
      e->int_value = t.int_value;
      return e;
    }
    if (t.kind == Tok::kFloat) {
      next();
      ExprPtr e = make(Expr::Kind::kFloat, t.loc, t.text);
      e->float_value = t.float_value;
      return e;
    }
    if (t.kind == Tok::kIdent) {
      next();
      if (peek().is("(")) {
        next();
        ExprPtr call = make(Expr::Kind::kCall, t.loc, t.text);
        if (!peek().is(")")) {
          do call->args.push_back(ternary());
          while (accept(","));
        }
        expect(")", "to close the arguments of " + quoted(t.text));
        return finish(std::move(call));
      }
      return make(Expr::Kind::kName, t.loc, t.text);
    }
    if (t.is("(")) {
      next();
      ExprPtr e = ternary();
      expect(")", "to close the parenthesis");
      return e;
    }
    if (t.is("[")) {
      next();
      ExprPtr list = make(Expr::Kind::kList, t.loc, "[]");
      if (!peek().is("]")) {
        do {
          if (peek().is("]")) break;  // a trailing comma is fine in long lists
          list->args.push_back(ternary());
        } while (accept(","));
      }
      expect("]", "to close the list");
      return finish(std::move(list));
    }
    fail(t.loc, "expected " + (what_ ? *what_ : std::string("a value")) + ", found " + describe(t));
  }

  const std::vector<Token>& t_;
  size_t pos_ = 0;
  int depth_ = 0;
  const std::string* what_ = nullptr;  // what the expression being parsed is, for messages
};

}  // namespace

bool is_reserved_name(const std::string& name) {
  return keywords().count(name) != 0 || is_register_spelling(name);
}

Block parse_program(const std::vector<Token>& tokens) {
  return Parser(tokens).program();
}

ExprPtr parse_lone_expression(const std::vector<Token>& tokens) {
  return Parser(tokens).lone_expression();
}

}  // namespace wafer::assembler
