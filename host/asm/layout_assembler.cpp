#include "host/asm/layout_assembler.h"

#include <cstring>

#include "host/asm/rect_groups.h"
#include "host/model/constants.h"
#include "host/model/error.h"
#include "host/model/isa.h"
#include "host/model/state.h"

namespace wafer::assembler {

namespace {

// Streams carry at most this many wavelets each: the assembler materialises them in memory.
constexpr int64_t kMaxStreamLength = int64_t(1) << 24;

std::string pe_str(uint32_t x, uint32_t y) { return "PE(" + std::to_string(x) + "," + std::to_string(y) + ")"; }

std::string color_range_message(int64_t c) {
  return "color " + std::to_string(c) + " does not exist: the machine has " + std::to_string(kColors) + " colors (0.." +
         std::to_string(kColors - 1) + ")";
}

// A key that tells values apart exactly (Value::str rounds floats).
std::string exact_key(const Value& v) {
  std::string s(1, char('0' + int(v.type)));
  switch (v.type) {
    case Value::Type::kInt: s.append(reinterpret_cast<const char*>(&v.i), sizeof v.i); break;
    case Value::Type::kFloat: s.append(reinterpret_cast<const char*>(&v.f), sizeof v.f); break;
    case Value::Type::kDesc:
      s.append(reinterpret_cast<const char*>(&v.w0), 4);
      s.append(reinterpret_cast<const char*>(&v.w1), 4);
      break;
    case Value::Type::kList:
      for (const auto& item : v.list) s += exact_key(item) + ",";
      break;
  }
  return s;
}

// Evaluation inside a per-PE key function: errors get a note naming the PE.
template <class F>
auto at_pe(uint32_t x, uint32_t y, const SourceLoc& stmt, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    if (std::string(e.what()).find("note: while evaluating for PE(") != std::string::npos) throw;
    rethrow_with_note(e, stmt, "while evaluating for " + pe_str(x, y));
  }
}

class LayoutAssembler {
 public:
  LayoutAssembler(const std::map<std::string, const KernelStmt*>& kernels, const Scope& globals, uint32_t w, uint32_t h)
      : kernels_(kernels), globals_(globals) {
    out_.image.width = w;
    out_.image.height = h;
  }

  LayoutResult run(const std::vector<const LayoutStmt*>& layouts) {
    Scope* scope = child_scope(&globals_);
    for (const LayoutStmt* l : layouts) {
      for (const auto& s : l->body) item(s, scope);
    }
    finish_routes();
    check_streams();
    // Kernel variable initialisers first, so that init and sram statements override them.
    out_.image.srams.insert(out_.image.srams.begin(), default_srams_.begin(), default_srams_.end());
    return std::move(out_);
  }

 private:
  Image& im() { return out_.image; }

  Scope* child_scope(const Scope* parent) {
    scopes_.push_back(std::make_unique<Scope>(parent));
    return scopes_.back().get();
  }

  void count_expansion(const SourceLoc& at) {
    if (++expanded_ > kMaxExpansion) fail(at, "the layout expands to more than " + std::to_string(kMaxExpansion) + " statements");
  }

  // ------------------------------------------------------------------ statements
  void item(const Stmt& s, Scope* scope) {
    count_expansion(s.loc);
    if (const auto* d = std::get_if<DefineStmt>(&s.node)) {
      Binding b;
      b.kind = BindKind::kConst;
      b.value = eval(*d->value, {scope});
      scope->define(d->name, b);
    } else if (const auto* c = std::get_if<IfStmt>(&s.node)) {
      const bool cond = truthy(eval(*c->cond, {scope}), c->cond->loc, "the if condition");
      for (const auto& inner : cond ? c->then_block : c->else_block) item(inner, scope);
    } else if (const auto* f = std::get_if<ForStmt>(&s.node)) {
      const int64_t first = int_of(eval(*f->first, {scope}), f->first->loc, "the loop's first value");
      const int64_t last = int_of(eval(*f->last, {scope}), f->last->loc, "the loop's last value");
      for (int64_t v = first; v <= last; ++v) {
        count_expansion(s.loc);
        Scope* iteration = child_scope(scope);
        Binding b;
        b.kind = BindKind::kLoopVar;
        b.value = Value::of_int(v);
        iteration->define(f->var, b);
        for (const auto& inner : f->body) item(inner, iteration);
        if (v == INT64_MAX) break;
      }
    } else if (const auto* p = std::get_if<PlaceStmt>(&s.node)) {
      place(*p, s.loc, scope);
    } else if (const auto* r = std::get_if<RouteStmt>(&s.node)) {
      routes_.push_back({r, scope, s.loc});
    } else if (const auto* in = std::get_if<InStreamStmt>(&s.node)) {
      in_stream(*in, s.loc, scope);
    } else if (const auto* o = std::get_if<OutStreamStmt>(&s.node)) {
      out_stream(*o, s.loc, scope);
    } else if (const auto* st = std::get_if<SetStmt>(&s.node)) {
      layout_set(*st, s.loc, scope);
    } else {
      fail(s.loc, "this statement is not allowed in a layout");
    }
  }

  Rect rect(const RectExpr& r, const Scope* scope) {
    auto axis = [&](const ExprPtr& first, const ExprPtr& last, uint32_t size, const char* name, uint32_t* lo, uint32_t* hi) {
      if (!first) {
        *lo = 0;
        *hi = size - 1;
        return;
      }
      const std::string what = std::string("the rectangle's ") + name;
      const int64_t a = int_of(eval(*first, {scope}), first->loc, what);
      const int64_t b = last ? int_of(eval(*last, {scope}), last->loc, what) : a;
      const SourceLoc& at = last ? last->loc : first->loc;
      if (a < 0 || b < a || b >= int64_t(size)) {
        fail(at, std::string(name) + " range " + std::to_string(a) + ".." + std::to_string(b) + " is empty or outside the grid's " +
                     std::string(name) + " = 0.." + std::to_string(int64_t(size) - 1));
      }
      *lo = uint32_t(a);
      *hi = uint32_t(b);
    };
    uint32_t x0, x1, y0, y1;
    axis(r.x_first, r.x_last, im().width, "x", &x0, &x1);
    axis(r.y_first, r.y_last, im().height, "y", &y0, &y1);
    return {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
  }

  static EvalEnv pe_env(const Scope* scope, uint32_t x, uint32_t y) {
    EvalEnv env{scope};
    env.has_pe = true;
    env.x = x;
    env.y = y;
    return env;
  }

  // ------------------------------------------------------------------ placements
  struct InstanceKey {
    const KernelStmt* kernel;
    std::string args;
    bool operator<(const InstanceKey& o) const { return kernel != o.kernel ? kernel < o.kernel : args < o.args; }
  };

  uint32_t instance(const KernelStmt& k, std::vector<std::pair<std::string, Value>> args, const SourceLoc& at) {
    std::string key;
    for (const auto& a : args) key += exact_key(a.second) + ";";
    auto it = instance_ids_.find({&k, key});
    if (it != instance_ids_.end()) return it->second;
    if (out_.instances.size() >= kMaxInstances) {
      fail(at, "the kernel parameters take more than " + std::to_string(kMaxInstances) +
                   " distinct combinations; a value that differs per PE belongs in a register or an init (reg/dsr/init)");
    }
    std::unique_ptr<KernelInstance> inst;
    try {
      inst = assemble_kernel(k, args, globals_);
    } catch (const Error& e) {
      if (args.empty()) throw;
      std::string with;
      for (const auto& a : args) with += (with.empty() ? "" : ", ") + a.first + " = " + a.second.str();
      rethrow_with_note(e, at, "in kernel " + quoted(k.name.text) + " placed here with " + with);
    }
    const uint32_t id = uint32_t(out_.instances.size());
    im().kernels.push_back(inst->kernel);
    out_.instances.push_back(std::move(inst));
    instance_ids_[{&k, key}] = id;
    return id;
  }

  // A scope with the kernel instance's own names (variables, tasks) layered over the layout's.
  Scope* scope_with_kernel(const Scope* layout_scope, const KernelInstance& inst) {
    Scope* s = child_scope(layout_scope);
    for (const auto& [name, b] : inst.scope->own()) {
      if (b.kind == BindKind::kVar || b.kind == BindKind::kTask || b.kind == BindKind::kConst) s->set(name, b);
    }
    return s;
  }

  void place(const PlaceStmt& p, const SourceLoc& at, Scope* scope) {
    auto kit = kernels_.find(p.kernel.text);
    if (kit == kernels_.end()) fail(p.kernel.loc, "undefined kernel " + quoted(p.kernel.text));
    const KernelStmt& k = *kit->second;
    // Arguments by name; defaults fill the rest.
    for (const auto& [name, value] : p.args) {
      bool known = false;
      for (const auto& q : k.params) known |= q.name.text == name.text;
      if (!known) {
        std::string names;
        for (const auto& q : k.params) names += (names.empty() ? "" : ", ") + q.name.text;
        fail(name.loc, "kernel " + quoted(k.name.text) + " has no parameter " + quoted(name.text) +
                           (names.empty() ? " (it takes none)" : " (parameters: " + names + ")"));
      }
    }
    for (size_t a = 0; a < p.args.size(); ++a) {
      for (size_t b = 0; b < a; ++b) {
        if (p.args[a].first.text == p.args[b].first.text) fail(p.args[a].first.loc, "parameter " + quoted(p.args[a].first.text) + " is given twice");
      }
    }
    std::vector<const Expr*> arg_exprs;
    Deps deps = deps_of(p.where.get());
    for (const auto& q : k.params) {
      const Expr* e = nullptr;
      for (const auto& [name, value] : p.args) {
        if (name.text == q.name.text) e = value.get();
      }
      if (!e) e = q.default_value.get();
      if (!e) fail(p.kernel.loc, "kernel " + quoted(k.name.text) + " needs parameter " + quoted(q.name.text) + " (place " + k.name.text + "(" + q.name.text + " = ...) at ...)");
      arg_exprs.push_back(e);
      deps |= deps_of(e);
    }
    const Rect r = rect(p.rect, scope);
    auto groups = group_rects(r, deps.x, deps.y, [&](uint32_t x, uint32_t y) -> std::optional<GroupKey> {
      return at_pe(x, y, at, [&]() -> std::optional<GroupKey> {
        const EvalEnv env = pe_env(scope, x, y);
        if (p.where && !truthy(eval(*p.where, env), p.where->loc, "the where condition")) return std::nullopt;
        std::vector<std::pair<std::string, Value>> args;
        for (size_t i = 0; i < k.params.size(); ++i) args.emplace_back(k.params[i].name.text, eval(*arg_exprs[i], env));
        return GroupKey{instance(k, std::move(args), at)};
      });
    });
    const uint32_t statement = uint32_t(place_locs_.size());
    place_locs_.push_back(at);
    for (const auto& g : groups) {
      claim(g.rect, statement);
      KernelInstance& inst = *out_.instances[g.key[0]];
      Placement pl{g.rect, g.key[0], inst.start_mask, inst.block_mask};
      Scope* names = scope_with_kernel(scope, inst);
      for (const auto& s : p.body) {
        if (const auto* f = std::get_if<TaskFlagStmt>(&s.node)) {
          const Binding* b = names->find(f->task.text);
          if (!b || b->kind != BindKind::kTask) fail(f->task.loc, quoted(f->task.text) + " is not a task of kernel " + quoted(inst.kernel.name));
          const uint32_t id = uint32_t(b->value.i);
          if (f->start && id < uint32_t(kFirstLocalTask)) fail(f->task.loc, "only local tasks can 'start' (a data task runs when a wavelet arrives)");
          (f->start ? pl.activate_mask : pl.block_mask) |= 1u << id;
        }
      }
      im().placements.push_back(pl);
      for (const auto& [addr, words] : inst.initial_data) default_srams_.push_back({g.rect, addr, words});
      for (const auto& s : p.body) {
        if (const auto* st = std::get_if<SetStmt>(&s.node)) set_values(*st, s.loc, g.rect, nullptr, names, &inst);
      }
    }
  }

  // Each PE runs one kernel: a second placement of a PE is an error naming both statements.
  void claim(const Rect& r, uint32_t statement) {
    if (owner_.empty()) owner_.assign(size_t(im().width) * im().height, 0);
    for (uint32_t y = r.y; y < r.y + r.h; ++y) {
      for (uint32_t x = r.x; x < r.x + r.w; ++x) {
        uint32_t& o = owner_[size_t(y) * im().width + x];
        if (o != 0) {
          try {
            fail(place_locs_[statement], pe_str(x, y) + " is placed twice (a PE runs one kernel)");
          } catch (const Error& e) {
            rethrow_with_note(e, place_locs_[o - 1], "the first placement of " + pe_str(x, y) + " is here");
          }
        }
        o = statement + 1;
      }
    }
  }

  // ------------------------------------------------------------------ reg / dsr / init / sram
  void layout_set(const SetStmt& st, const SourceLoc& at, Scope* scope) {
    const Rect r = rect(*st.rect, scope);
    set_values(st, at, r, st.where.get(), scope, nullptr);
  }

  // Evaluates a set statement's value per PE of r and emits initialisers over rectangles of equal value.
  void set_values(const SetStmt& st, const SourceLoc& at, const Rect& r, const Expr* where, const Scope* scope,
                  const KernelInstance* inst) {
    uint32_t target = 0, length = 1;
    switch (st.what) {
      case SetStmt::What::kReg:
      case SetStmt::What::kDsr: {
        const bool dsr = st.what == SetStmt::What::kDsr;
        const int reg = register_of(st.target.text, inst ? inst->scope.get() : nullptr, dsr);
        if (reg < 0) {
          fail(st.target.loc, "expected " + std::string(dsr ? "a descriptor register (d0..d7" : "a register (r0..r15") +
                                  (inst ? " or an alias of kernel " + quoted(inst->kernel.name) + ")" : ")") + ", found " + quoted(st.target.text));
        }
        target = uint32_t(reg);
        length = dsr ? 2 : 1;
        break;
      }
      case SetStmt::What::kInit: {
        const VarInfo* v = inst->var(st.target.text);
        if (!v) fail(st.target.loc, quoted(st.target.text) + " is not a variable of kernel " + quoted(inst->kernel.name));
        target = v->addr;
        length = v->words;
        break;
      }
      case SetStmt::What::kSram: {
        target = uint32_t(int_in(eval(*st.addr, {scope}), 0, kSramWords - 1, st.addr->loc, "the SRAM address"));
        length = 0;  // from the value
        break;
      }
    }
    Deps deps = deps_of(st.value.get());
    deps |= deps_of(where);
    auto groups = group_rects(r, deps.x, deps.y, [&](uint32_t x, uint32_t y) -> std::optional<GroupKey> {
      return at_pe(x, y, at, [&]() -> std::optional<GroupKey> {
        const EvalEnv env = pe_env(scope, x, y);
        if (where && !truthy(eval(*where, env), where->loc, "the where condition")) return std::nullopt;
        return words_of_value(st, env, deps.i, length);
      });
    });
    for (auto& g : groups) {
      switch (st.what) {
        case SetStmt::What::kReg: im().regs.push_back({g.rect, target, g.key[0]}); break;
        case SetStmt::What::kDsr: im().dsrs.push_back({g.rect, target, g.key[0], g.key[1]}); break;
        case SetStmt::What::kInit:
        case SetStmt::What::kSram:
          if (uint64_t(target) + g.key.size() > kSramWords) {
            fail(st.value->loc, "the value's " + std::to_string(g.key.size()) + " words at word " + std::to_string(target) +
                                    " run past the " + std::to_string(kSramWords) + "-word SRAM");
          }
          im().srams.push_back({g.rect, target, std::move(g.key)});
          break;
      }
    }
  }

  GroupKey words_of_value(const SetStmt& st, const EvalEnv& env, bool per_element, uint32_t length) {
    const std::string what = "the " + std::string(st.what == SetStmt::What::kReg ? "register" : st.what == SetStmt::What::kDsr ? "descriptor" : "initial") +
                             " value";
    GroupKey words;
    if (st.what == SetStmt::What::kDsr) {
      const Value v = eval(*st.value, env);
      if (v.type != Value::Type::kDesc) fail(st.value->loc, "expected a descriptor (mem, fabin, fabout, desc) for " + what + ", found " + type_name(v.type));
      return {v.w0, v.w1};
    }
    if (per_element) {
      if (length == 0) fail(st.value->loc, "an sram value in i (the element index) has no length: give a list");
      for (uint32_t k = 0; k < length; ++k) {
        EvalEnv e = env;
        e.has_element = true;
        e.element = k;
        words.push_back(word_of(eval(*st.value, e), st.value->loc, what));
      }
      return words;
    }
    const Value v = eval(*st.value, env);
    if (st.what == SetStmt::What::kInit && v.is_number()) return GroupKey(length, word_of(v, st.value->loc, what));
    append_words(v, words, st.value->loc, what);
    if (length != 0 && words.size() != length) {
      fail(st.value->loc, what + " has " + std::to_string(words.size()) + " words, but " + quoted(st.target.text) + " has " + std::to_string(length));
    }
    if (words.empty()) fail(st.value->loc, what + " is empty");
    return words;
  }

  // ------------------------------------------------------------------ streams
  struct StreamInfo {
    std::string name;
    SourceLoc at;
  };

  uint32_t edge_port(const ExprPtr& port, uint32_t x, uint32_t y, const std::string& what) {
    const int64_t mask = int_of(eval(*port, {stream_scope_}), port->loc, what + "'s port");
    for (uint32_t p = 0; p < uint32_t(kDirs); ++p) {
      if (mask == int64_t(1u << p)) {
        const bool off_grid = (p == kNorth && y == 0) || (p == kSouth && y + 1 == im().height) || (p == kWest && x == 0) ||
                              (p == kEast && x + 1 == im().width);
        if (!off_grid) {
          fail(port->loc, what + ": port " + port_list(mask) + " of " + pe_str(x, y) +
                              " leads to a neighbour, not off the grid; a stream must sit on the grid's edge");
        }
        return p;
      }
    }
    fail(port->loc, what + ": expected one of north, east, south, west for the port, found " + port_list(uint32_t(mask & 31)));
  }

  void stream_pe(const ExprPtr& ex, const ExprPtr& ey, const Scope* scope, uint32_t* x, uint32_t* y) {
    *x = uint32_t(int_in(eval(*ex, {scope}), 0, int64_t(im().width) - 1, ex->loc, "the stream PE's x"));
    *y = uint32_t(int_in(eval(*ey, {scope}), 0, int64_t(im().height) - 1, ey->loc, "the stream PE's y"));
  }

  void claim_stream_name(const Ident& name) {
    for (const auto& s : stream_names_) {
      if (s.name == name.text) {
        try {
          fail(name.loc, "stream " + quoted(name.text) + " is already defined");
        } catch (const Error& e) {
          rethrow_with_note(e, s.at, "the first definition is here");
        }
      }
    }
    stream_names_.push_back({name.text, name.loc});
  }

  void claim_port(uint32_t x, uint32_t y, uint32_t port, bool output, const Ident& name) {
    for (const auto& [key, other] : ports_) {
      if (key == (((uint64_t(y) * im().width + x) * 4 + port) * 2 + (output ? 1 : 0))) {
        try {
          fail(name.loc, "stream " + quoted(name.text) + " uses the same off-grid port as stream " + quoted(other.name));
        } catch (const Error& e) {
          rethrow_with_note(e, other.at, quoted(other.name) + " is defined here");
        }
      }
    }
    ports_.push_back({((uint64_t(y) * im().width + x) * 4 + port) * 2 + (output ? 1 : 0), {name.text, name.loc}});
  }

  std::vector<uint32_t> stream_words(const ExprPtr& e, const Scope* scope, int64_t count, const std::string& what) {
    std::vector<uint32_t> words;
    if (deps_of(e.get()).i) {
      for (int64_t k = 0; k < count; ++k) {
        EvalEnv env{scope};
        env.has_element = true;
        env.element = k;
        words.push_back(word_of(eval(*e, env), e->loc, what));
      }
      return words;
    }
    const Value v = eval(*e, {scope});
    if (v.is_number()) return std::vector<uint32_t>(size_t(count), word_of(v, e->loc, what));
    append_words(v, words, e->loc, what);
    if (int64_t(words.size()) != count) {
      fail(e->loc, what + " has " + std::to_string(words.size()) + " words, but the stream's count is " + std::to_string(count));
    }
    return words;
  }

  // NAME, or NAME[k] for streams declared in loops.
  Ident stream_name(const Ident& name, const ExprPtr& index, const Scope* scope) {
    if (!index) return name;
    const int64_t k = int_in(eval(*index, {scope}), 0, INT32_MAX, index->loc, "the stream name's index");
    return {name.text + "[" + std::to_string(k) + "]", name.loc};
  }

  void in_stream(const InStreamStmt& s, const SourceLoc& at, Scope* scope) {
    stream_scope_ = scope;
    const Ident name = stream_name(s.name, s.name_index, scope);
    InStream in;
    in.name = name.text;
    stream_pe(s.x, s.y, scope, &in.x, &in.y);
    const std::string what = "input stream " + quoted(in.name);
    in.port = edge_port(s.port, in.x, in.y, what);
    const int64_t color = int_of(eval(*s.color, {scope}), s.color->loc, what + "'s color");
    if (color < 0 || color >= kColors) fail(s.color->loc, color_range_message(color));
    in.color = uint32_t(color);
    const int64_t count = int_in(eval(*s.count, {scope}), 0, kMaxStreamLength, s.count->loc, what + "'s count");
    in.payload = s.values ? stream_words(s.values, scope, count, what + "'s values") : std::vector<uint32_t>(size_t(count), 0);
    if (s.index) {
      for (uint32_t w : stream_words(s.index, scope, count, what + "'s indices")) {
        if (w > 0xFFFF) fail(s.index->loc, what + ": index " + std::to_string(w) + " does not fit in 16 bits");
        in.index.push_back(uint16_t(w));
      }
    }
    claim_stream_name(name);
    claim_port(in.x, in.y, in.port, false, name);
    in_stream_locs_.push_back(at);
    im().in_streams.push_back(std::move(in));
  }

  void out_stream(const OutStreamStmt& s, const SourceLoc& at, Scope* scope) {
    stream_scope_ = scope;
    const Ident name = stream_name(s.name, s.name_index, scope);
    OutStream out;
    out.name = name.text;
    stream_pe(s.x, s.y, scope, &out.x, &out.y);
    const std::string what = "output stream " + quoted(out.name);
    out.port = edge_port(s.port, out.x, out.y, what);
    out.capacity = uint64_t(int_in(eval(*s.capacity, {scope}), 1, kMaxStreamLength, s.capacity->loc, what + "'s capacity"));
    claim_stream_name(name);
    claim_port(out.x, out.y, out.port, true, name);
    (void)at;
    im().out_streams.push_back(std::move(out));
  }

  // ------------------------------------------------------------------ routes
  struct PendingRoute {
    const RouteStmt* stmt;
    const Scope* scope;
    SourceLoc at;
  };
  struct RouteGroup {
    Rect rect;
    uint32_t color, rx, tx;
    size_t statement;
  };

  bool has_out_stream(uint32_t x, uint32_t y, uint32_t port) const {
    for (const auto& s : out_.image.out_streams) {
      if (s.x == x && s.y == y && s.port == port) return true;
    }
    return false;
  }

  GroupKey route_key(const RouteStmt& r, const EvalEnv& env) {
    const int64_t color = int_of(eval(*r.color, env), r.color->loc, "the route's color");
    if (color < 0 || color >= kColors) fail(r.color->loc, color_range_message(color));
    const int64_t rx = int_of(eval(*r.rx, env), r.rx->loc, "the rx port");
    uint32_t rx_port = kPorts;
    for (uint32_t p = 0; p < uint32_t(kPorts); ++p) {
      if (rx == int64_t(1u << p)) rx_port = p;
    }
    if (rx_port == uint32_t(kPorts)) {
      fail(r.rx->loc, "rx must be exactly one port (north, east, south, west or ramp): a color arrives on one port, found " +
                          (rx > 0 && rx < 32 ? port_list(uint32_t(rx)) : std::to_string(rx)));
    }
    uint32_t tx = 0;
    for (const auto& t : r.tx) {
      const int64_t m = int_of(eval(*t, env), t->loc, "a tx port");
      if (m < 0 || m >= 32) fail(t->loc, "tx port mask " + std::to_string(m) + " is not a set of north, east, south, west, ramp");
      tx |= uint32_t(m);
    }
    if (tx == 0) fail(r.tx[0]->loc, "tx is empty: a route must send its color on at least one port");
    if (rx_port != kRamp && (tx & (1u << rx_port))) {
      fail(r.tx[0]->loc, "tx includes the rx port " + port_list(1u << rx_port) + ": a color cannot be sent back where it came from");
    }
    return {uint32_t(color), rx_port, tx};
  }

  // A route whose tx leaves the grid needs an output stream on that port at every edge PE of its
  // rectangle; without one the first wavelet would trap at run time.
  void check_off_grid(const RouteGroup& g) {
    const Rect& r = g.rect;
    for (uint32_t p = 0; p < uint32_t(kDirs); ++p) {
      if (!(g.tx & (1u << p))) continue;
      std::vector<std::pair<uint32_t, uint32_t>> edge;
      if (p == kNorth && r.y == 0) for (uint32_t x = r.x; x < r.x + r.w; ++x) edge.emplace_back(x, 0);
      if (p == kSouth && r.y + r.h == im().height) for (uint32_t x = r.x; x < r.x + r.w; ++x) edge.emplace_back(x, im().height - 1);
      if (p == kWest && r.x == 0) for (uint32_t y = r.y; y < r.y + r.h; ++y) edge.emplace_back(0, y);
      if (p == kEast && r.x + r.w == im().width) for (uint32_t y = r.y; y < r.y + r.h; ++y) edge.emplace_back(im().width - 1, y);
      for (const auto& [x, y] : edge) {
        if (!has_out_stream(x, y, p)) {
          fail(routes_[g.statement].stmt->tx[0]->loc, "the route sends color " + std::to_string(g.color) + " " + port_list(1u << p) +
                                                          " off the grid at " + pe_str(x, y) + ", where no outstream is attached");
        }
      }
    }
  }

  void finish_routes() {
    std::vector<RouteGroup> groups;
    for (size_t k = 0; k < routes_.size(); ++k) {
      const PendingRoute& pr = routes_[k];
      const RouteStmt& r = *pr.stmt;
      const Rect rr = rect(r.rect, pr.scope);
      Deps deps = deps_of(r.color.get());
      deps |= deps_of(r.where.get());
      deps |= deps_of(r.rx.get());
      for (const auto& t : r.tx) deps |= deps_of(t.get());
      auto g = group_rects(rr, deps.x, deps.y, [&](uint32_t x, uint32_t y) -> std::optional<GroupKey> {
        return at_pe(x, y, pr.at, [&]() -> std::optional<GroupKey> {
          const EvalEnv env = pe_env(pr.scope, x, y);
          if (r.where && !truthy(eval(*r.where, env), r.where->loc, "the where condition")) return std::nullopt;
          return route_key(r, env);
        });
      });
      for (const auto& grp : g) {
        groups.push_back({grp.rect, grp.key[0], grp.key[1], grp.key[2], k});
        check_off_grid(groups.back());
      }
    }
    // Conflicts, one color at a time: each PE remembers the first group that routed the color there.
    const size_t n = size_t(im().width) * im().height;
    for (uint32_t color = 0; color < uint32_t(kColors); ++color) {
      std::vector<uint32_t> first;  // group index + 1
      for (size_t gi = 0; gi < groups.size(); ++gi) {
        const RouteGroup& g = groups[gi];
        if (g.color != color) continue;
        if (first.empty()) first.assign(n, 0);
        for (uint32_t y = g.rect.y; y < g.rect.y + g.rect.h; ++y) {
          for (uint32_t x = g.rect.x; x < g.rect.x + g.rect.w; ++x) {
            uint32_t& f = first[size_t(y) * im().width + x];
            if (f == 0) {
              f = uint32_t(gi + 1);
              continue;
            }
            const RouteGroup& o = groups[f - 1];
            if (o.rx != g.rx || o.tx != g.tx) route_conflict(o, g, x, y);
          }
        }
      }
    }
    for (const auto& g : groups) im().routes.push_back({g.rect, g.color, g.rx, g.tx});
  }

  [[noreturn]] void route_conflict(const RouteGroup& a, const RouteGroup& b, uint32_t x, uint32_t y) {
    auto route_str = [](const RouteGroup& g) { return "rx " + port_list(1u << g.rx) + " tx " + port_list(g.tx); };
    try {
      fail(routes_[b.statement].at, "route conflict: color " + std::to_string(b.color) + " at " + pe_str(x, y) + " is routed " +
                                        route_str(b) + " here but " + route_str(a) +
                                        " by an earlier route statement; a color has one route per PE");
    } catch (const Error& e) {
      rethrow_with_note(e, routes_[a.statement].at, "the earlier route statement is here");
    }
  }

  // Every input stream must enter a PE whose route takes its color in from the stream's port.
  void check_streams() {
    for (size_t k = 0; k < im().in_streams.size(); ++k) {
      const InStream& s = im().in_streams[k];
      uint32_t rx = kNoPort;
      bool routed = false;
      for (const auto& r : im().routes) {
        if (r.color == s.color && r.rect.contains(s.x, s.y)) {
          rx = r.rx;
          routed = true;
        }
      }
      if (!routed || rx != s.port) {
        fail(in_stream_locs_[k], "input stream " + quoted(s.name) + " enters " + pe_str(s.x, s.y) + " from " +
                                     port_list(1u << s.port) + " on color " + std::to_string(s.color) + ", but " +
                                     (routed ? "the color's route there is rx " + port_list(1u << rx)
                                             : std::string("the color has no route there")) +
                                     "; add: route " + std::to_string(s.color) + " at (" + std::to_string(s.x) + ", " +
                                     std::to_string(s.y) + ") rx " + port_list(1u << s.port) + " tx ...");
      }
    }
  }

  const std::map<std::string, const KernelStmt*>& kernels_;
  const Scope& globals_;
  LayoutResult out_;
  std::vector<std::unique_ptr<Scope>> scopes_;
  uint64_t expanded_ = 0;
  std::map<InstanceKey, uint32_t> instance_ids_;
  std::vector<SourceLoc> place_locs_;
  std::vector<uint32_t> owner_;  // per PE: placing statement + 1
  std::vector<SramInit> default_srams_;
  std::vector<PendingRoute> routes_;
  std::vector<StreamInfo> stream_names_;
  std::vector<std::pair<uint64_t, StreamInfo>> ports_;
  std::vector<SourceLoc> in_stream_locs_;
  const Scope* stream_scope_ = nullptr;
};

}  // namespace

LayoutResult assemble_layout(const std::vector<const LayoutStmt*>& layouts, const std::map<std::string, const KernelStmt*>& kernels,
                             const Scope& globals, uint32_t width, uint32_t height) {
  return LayoutAssembler(kernels, globals, width, height).run(layouts);
}

}  // namespace wafer::assembler
