#include "host/asm/layout_assembler.h"

#include <cstring>
#include <functional>
#include <tuple>

#include "host/asm/assertion.h"
#include "host/asm/control_flow.h"
#include "host/asm/did_you_mean.h"
#include "host/asm/layout_common.h"
#include "host/asm/rect_groups.h"
#include "host/asm/route_builder.h"
#include "host/asm/stream_builder.h"
#include "host/model/constants.h"
#include "host/model/error.h"
#include "host/model/isa.h"
#include "host/model/state.h"

namespace wafer::assembler {

namespace {

// A key that tells values apart exactly (Value::str rounds floats).
std::string exact_key(const Value& v) {
  std::string s(1, char('0' + int(v.type)));
  switch (v.type) {
    case Value::Type::kInt:
      s.append(reinterpret_cast<const char*>(&v.i), sizeof v.i);
      break;
    case Value::Type::kFloat:
      s.append(reinterpret_cast<const char*>(&v.f), sizeof v.f);
      break;
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

class LayoutAssembler {
 public:
  LayoutAssembler(const std::map<std::string, const KernelStmt*>& kernels, const Scope& globals, uint32_t w,
                  uint32_t h)
      : kernels_(kernels), globals_(globals), streams_(out_.image) {
    out_.image.width = w;
    out_.image.height = h;
  }

  LayoutResult run(const std::vector<const LayoutStmt*>& layouts) {
    Scope* scope = child_scope(&globals_);
    for (const LayoutStmt* l : layouts) {
      for (const auto& s : l->body) item(s, scope);
    }
    build_routes(routes_, im());
    check_in_stream_routes(im(), streams_.in_stream_locs());
    check_out_stream_routes(im(), streams_.out_stream_locs());
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
    if (++expanded_ > kMaxExpansion)
      fail(at, "the layout expands to more than " + std::to_string(kMaxExpansion) + " statements");
  }

  // ------------------------------------------------------------------ statements
  void item(const Stmt& s, Scope* scope) {
    count_expansion(s.loc);
    if (const auto* d = std::get_if<DefineStmt>(&s.node)) {
      define_const(*d, scope);
    } else if (const auto* a = std::get_if<AssertStmt>(&s.node)) {
      check_assertion(*a, s.loc, {scope});
    } else if (expand_control(
                   s, scope, [&](const Stmt& inner, Scope* sc) { item(inner, sc); },
                   [&](const Scope* parent) { return child_scope(parent); },
                   [&](const SourceLoc& at) { count_expansion(at); })) {
    } else if (const auto* p = std::get_if<PlaceStmt>(&s.node)) {
      place(*p, s.loc, scope);
    } else if (const auto* r = std::get_if<RouteStmt>(&s.node)) {
      routes_.push_back({r, scope, s.loc});
    } else if (const auto* in = std::get_if<InStreamStmt>(&s.node)) {
      streams_.in_stream(*in, s.loc, scope);
    } else if (const auto* o = std::get_if<OutStreamStmt>(&s.node)) {
      streams_.out_stream(*o, s.loc, scope);
    } else if (const auto* st = std::get_if<SetStmt>(&s.node)) {
      layout_set(*st, s.loc, scope);
    } else {
      fail(s.loc, "this statement is not allowed in a layout");
    }
  }

  Rect rect(const RectExpr& r, const Scope* scope) { return eval_rect(r, scope, im().width, im().height); }

  // ------------------------------------------------------------------ placements
  struct InstanceKey {
    const KernelStmt* kernel;
    std::string args;
    bool operator<(const InstanceKey& o) const {
      return kernel != o.kernel ? kernel < o.kernel : args < o.args;
    }
  };

  uint32_t instance(const KernelStmt& k, std::vector<std::pair<std::string, Value>> args,
                    const SourceLoc& at) {
    std::string key;
    for (const auto& a : args) key += exact_key(a.second) + ";";
    auto it = instance_ids_.find({&k, key});
    if (it != instance_ids_.end()) return it->second;
    if (out_.instances.size() >= kMaxInstances) {
      fail(at, "the kernel parameters take more than " + std::to_string(kMaxInstances) +
                   " distinct combinations; a value that differs per PE belongs in a register or an init "
                   "(reg/dsr/init)");
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
      if (b.kind == BindKind::kVar || b.kind == BindKind::kTask || b.kind == BindKind::kConst)
        s->set(name, b);
    }
    return s;
  }

  void place(const PlaceStmt& p, const SourceLoc& at, Scope* scope) {
    auto kit = kernels_.find(p.kernel.text);
    if (kit == kernels_.end()) {
      std::vector<std::string> names;
      for (const auto& [name, k] : kernels_) names.push_back(name);
      fail(p.kernel.loc, "undefined kernel " + quoted(p.kernel.text) + did_you_mean(p.kernel.text, names));
    }
    const KernelStmt& k = *kit->second;
    // Arguments by name; defaults fill the rest.
    for (const auto& [name, value] : p.args) {
      bool known = false;
      for (const auto& q : k.params) known |= q.name.text == name.text;
      if (!known) {
        std::string names;
        std::vector<std::string> list;
        for (const auto& q : k.params) {
          names += (names.empty() ? "" : ", ") + q.name.text;
          list.push_back(q.name.text);
        }
        const std::string near = closest_name(name.text, list);
        fail(name.loc, "kernel " + quoted(k.name.text) + " has no parameter " + quoted(name.text) +
                           (names.empty() ? " (it takes none)"
                                          : " (parameters: " + names +
                                                (near.empty() ? "" : "; did you mean " + quoted(near) + "?") + ")"));
      }
    }
    for (size_t a = 0; a < p.args.size(); ++a) {
      for (size_t b = 0; b < a; ++b) {
        if (p.args[a].first.text == p.args[b].first.text)
          fail(p.args[a].first.loc, "parameter " + quoted(p.args[a].first.text) + " is given twice");
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
      if (!e)
        fail(p.kernel.loc, "kernel " + quoted(k.name.text) + " needs parameter " + quoted(q.name.text) +
                               " (place " + k.name.text + "(" + q.name.text + " = ...) at ...)");
      arg_exprs.push_back(e);
      deps |= deps_of(e);
    }
    const Rect r = rect(p.rect, scope);
    auto groups = group_rects(r, deps.x, deps.y, [&](uint32_t x, uint32_t y) -> std::optional<GroupKey> {
      return at_pe(x, y, at, [&]() -> std::optional<GroupKey> {
        const EvalEnv env = pe_env(scope, x, y);
        if (p.where && !truthy(eval(*p.where, env), p.where->loc, "the where condition")) return std::nullopt;
        std::vector<std::pair<std::string, Value>> args;
        for (size_t i = 0; i < k.params.size(); ++i)
          args.emplace_back(k.params[i].name.text, eval(*arg_exprs[i], env));
        return GroupKey{instance(k, std::move(args), at)};
      });
    });
    const uint32_t statement = uint32_t(place_locs_.size());
    place_locs_.push_back(at);
    // The instance each PE of r runs under this statement (kNotPlaced where the where clause says no).
    std::vector<uint32_t> inst_at(size_t(r.w) * r.h, kNotPlaced);
    std::map<uint32_t, Scope*> names;  // per instance: the layout's names plus the kernel's
    for (const auto& g : groups) {
      claim(g.rect, statement);
      const uint32_t id = g.key[0];
      for (uint32_t y = g.rect.y; y < g.rect.y + g.rect.h; ++y) {
        for (uint32_t x = g.rect.x; x < g.rect.x + g.rect.w; ++x)
          inst_at[size_t(y - r.y) * r.w + (x - r.x)] = id;
      }
      if (!names.count(id)) names[id] = scope_with_kernel(scope, *out_.instances[id]);
      im().placements.push_back({g.rect, id, 0, 0});
      task_flags(p, *out_.instances[id], names[id], &im().placements.back());
    }
    auto instance_at = [&](uint32_t x, uint32_t y) -> const KernelInstance* {
      const uint32_t id = inst_at[size_t(y - r.y) * r.w + (x - r.x)];
      return id == kNotPlaced ? nullptr : out_.instances[id].get();
    };
    auto scope_at = [&](const KernelInstance* inst) -> const Scope* {
      for (const auto& [id, sc] : names) {
        if (out_.instances[id].get() == inst) return sc;
      }
      return scope;
    };
    // Variable initialisers: grouped by content over the whole statement, so that instances which differ
    // in code but not in data (a checkerboard of colors, say) share rectangles.
    std::vector<const KernelInstance*> data_kinds;
    auto data_groups = group_rects(r, deps.x, deps.y, [&](uint32_t x, uint32_t y) -> std::optional<GroupKey> {
      const KernelInstance* inst = instance_at(x, y);
      if (!inst || inst->initial_data.empty()) return std::nullopt;
      for (size_t k = 0; k < data_kinds.size(); ++k) {
        if (data_kinds[k]->initial_data == inst->initial_data) return GroupKey{uint32_t(k)};
      }
      data_kinds.push_back(inst);
      return GroupKey{uint32_t(data_kinds.size() - 1)};
    });
    for (const auto& g : data_groups) {
      for (const auto& [addr, words] : data_kinds[g.key[0]]->initial_data)
        default_srams_.push_back({g.rect, addr, words});
    }
    for (const auto& s : p.body) {
      if (const auto* st = std::get_if<SetStmt>(&s.node))
        set_values(*st, s.loc, r, nullptr, scope, deps, instance_at, scope_at);
    }
  }

  static constexpr uint32_t kNotPlaced = 0xFFFFFFFFu;

  // The place block's start/blocked items, resolved in the instance's tasks.
  void task_flags(const PlaceStmt& p, const KernelInstance& inst, const Scope* names, Placement* pl) {
    pl->activate_mask = inst.start_mask;
    pl->block_mask = inst.block_mask;
    for (const auto& s : p.body) {
      if (const auto* f = std::get_if<TaskFlagStmt>(&s.node)) {
        const Binding* b = names->find(f->task.text);
        if (!b || b->kind != BindKind::kTask) {
          std::vector<std::string> tasks;
          for (const auto& t : inst.tasks) tasks.push_back(t.name);
          fail(f->task.loc, quoted(f->task.text) + " is not a task of kernel " + quoted(inst.kernel.name) +
                                did_you_mean(f->task.text, tasks));
        }
        const uint32_t id = uint32_t(b->value.i);
        if (f->start && id < uint32_t(kFirstLocalTask))
          fail(f->task.loc, "only local tasks can 'start' (a data task runs when a wavelet arrives)");
        (f->start ? pl->activate_mask : pl->block_mask) |= 1u << id;
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
    set_values(st, at, r, st.where.get(), scope, Deps{}, nullptr, nullptr);
  }

  // Where a set statement writes and how many words: a register, a descriptor register, or a variable
  // of the PE's kernel instance (aliases and variables are the instance's own).
  std::pair<uint32_t, uint32_t> set_target(const SetStmt& st, const Scope* scope,
                                           const KernelInstance* inst) {
    switch (st.what) {
      case SetStmt::What::kReg:
      case SetStmt::What::kDsr: {
        const bool dsr = st.what == SetStmt::What::kDsr;
        const int reg = register_of(st.target.text, inst ? inst->scope.get() : nullptr, dsr);
        if (reg < 0) {
          fail(st.target.loc, "expected " +
                                  std::string(dsr ? "a descriptor register (d0..d7" : "a register (r0..r15") +
                                  (inst ? " or an alias of kernel " + quoted(inst->kernel.name) + ")" : ")") +
                                  ", found " + quoted(st.target.text));
        }
        return {uint32_t(reg), dsr ? 2u : 1u};
      }
      case SetStmt::What::kInit: {
        const VarInfo* v = inst->var(st.target.text);
        if (!v) {
          std::vector<std::string> vars;
          for (const auto& var : inst->vars) vars.push_back(var.name);
          fail(st.target.loc, quoted(st.target.text) + " is not a variable of kernel " + quoted(inst->kernel.name) +
                                  did_you_mean(st.target.text, vars));
        }
        return {v->addr, v->words};
      }
      case SetStmt::What::kSram:
        break;
    }
    const uint32_t addr =
        uint32_t(int_in(eval(*st.addr, {scope}), 0, kSramWords - 1, st.addr->loc, "the SRAM address"));
    return {addr, 0};  // the length comes from the value
  }

  // Evaluates a set statement's value per PE of r and emits initialisers over rectangles of equal
  // (target, value). In a place block, instance_at gives each PE's kernel instance (nullptr: not placed
  // by the statement) and scope_at the names its values see; place_deps says how the instance varies.
  void set_values(const SetStmt& st, const SourceLoc& at, const Rect& r, const Expr* where,
                  const Scope* scope, Deps place_deps,
                  const std::function<const KernelInstance*(uint32_t, uint32_t)>& instance_at,
                  const std::function<const Scope*(const KernelInstance*)>& scope_at) {
    Deps deps = deps_of(st.value.get());
    deps |= deps_of(where);
    const Deps own = deps;  // what the value itself varies with
    const bool per_element = deps.i;
    deps |= place_deps;
    std::map<const KernelInstance*, std::pair<uint32_t, uint32_t>> targets;
    // The PE's instance may vary where the value does not (a checkerboard of colors under a value that
    // depends on y alone): remember values by (names, the coordinates the value reads).
    std::map<std::tuple<const Scope*, uint32_t, uint32_t>, std::optional<GroupKey>> memo;
    auto groups = group_rects(r, deps.x, deps.y, [&](uint32_t x, uint32_t y) -> std::optional<GroupKey> {
      return at_pe(x, y, at, [&]() -> std::optional<GroupKey> {
        const KernelInstance* inst = instance_at ? instance_at(x, y) : nullptr;
        if (instance_at && !inst) return std::nullopt;
        const Scope* names = scope_at ? scope_at(inst) : scope;
        const auto memo_key = std::make_tuple(names, own.x ? x : 0u, own.y ? y : 0u);
        auto m = memo.find(memo_key);
        if (m != memo.end()) return m->second;
        const EvalEnv env = pe_env(names, x, y);
        std::optional<GroupKey> key;
        if (!where || truthy(eval(*where, env), where->loc, "the where condition")) {
          auto it = targets.find(inst);
          if (it == targets.end()) it = targets.emplace(inst, set_target(st, names, inst)).first;
          key = GroupKey{it->second.first};
          const GroupKey words = words_of_value(st, env, per_element, it->second.second);
          key->insert(key->end(), words.begin(), words.end());
        }
        memo.emplace(memo_key, key);
        return key;
      });
    });
    for (auto& g : groups) {
      const uint32_t target = g.key[0];
      switch (st.what) {
        case SetStmt::What::kReg:
          im().regs.push_back({g.rect, target, g.key[1]});
          break;
        case SetStmt::What::kDsr:
          im().dsrs.push_back({g.rect, target, g.key[1], g.key[2]});
          break;
        case SetStmt::What::kInit:
        case SetStmt::What::kSram: {
          std::vector<uint32_t> words(g.key.begin() + 1, g.key.end());
          if (uint64_t(target) + words.size() > kSramWords) {
            fail(st.value->loc, "the value's " + std::to_string(words.size()) + " words at word " +
                                    std::to_string(target) + " run past the " + std::to_string(kSramWords) +
                                    "-word SRAM");
          }
          im().srams.push_back({g.rect, target, std::move(words)});
          break;
        }
      }
    }
  }

  GroupKey words_of_value(const SetStmt& st, const EvalEnv& env, bool per_element, uint32_t length) {
    const std::string what = "the " +
                             std::string(st.what == SetStmt::What::kReg   ? "register"
                                         : st.what == SetStmt::What::kDsr ? "descriptor"
                                                                          : "initial") +
                             " value";
    GroupKey words;
    if (st.what == SetStmt::What::kDsr) {
      const Value v = eval(*st.value, env);
      if (v.type != Value::Type::kDesc)
        fail(st.value->loc,
             "expected a descriptor (mem, fabin, fabout, desc) for " + what + ", found " + type_name(v.type));
      return {v.w0, v.w1};
    }
    if (per_element) {
      if (length == 0)
        fail(st.value->loc, "an sram value in i (the element index) has no length: give a list");
      for (uint32_t k = 0; k < length; ++k) {
        EvalEnv e = env;
        e.has_element = true;
        e.element = k;
        words.push_back(word_of(eval(*st.value, e), st.value->loc, what));
      }
      return words;
    }
    const Value v = eval(*st.value, env);
    if (st.what == SetStmt::What::kInit && v.is_number())
      return GroupKey(length, word_of(v, st.value->loc, what));
    append_words(v, words, st.value->loc, what);
    if (length != 0 && words.size() != length) {
      fail(st.value->loc, what + " has " + std::to_string(words.size()) + " words, but " +
                              quoted(st.target.text) + " has " + std::to_string(length));
    }
    if (words.empty()) fail(st.value->loc, what + " is empty");
    return words;
  }

  const std::map<std::string, const KernelStmt*>& kernels_;
  const Scope& globals_;
  LayoutResult out_;  // declared before streams_, which holds a reference to out_.image
  std::vector<std::unique_ptr<Scope>> scopes_;
  uint64_t expanded_ = 0;
  std::map<InstanceKey, uint32_t> instance_ids_;
  std::vector<SourceLoc> place_locs_;
  std::vector<uint32_t> owner_;  // per PE: placing statement + 1
  std::vector<SramInit> default_srams_;
  std::vector<PendingRoute> routes_;  // evaluated at the end, when every output stream is known
  StreamBuilder streams_;
};

}  // namespace

LayoutResult assemble_layout(const std::vector<const LayoutStmt*>& layouts,
                             const std::map<std::string, const KernelStmt*>& kernels, const Scope& globals,
                             uint32_t width, uint32_t height) {
  return LayoutAssembler(kernels, globals, width, height).run(layouts);
}

}  // namespace wafer::assembler
