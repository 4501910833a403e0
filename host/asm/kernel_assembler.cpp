#include "host/asm/kernel_assembler.h"

#include "host/asm/assertion.h"
#include "host/asm/control_flow.h"
#include "host/asm/did_you_mean.h"
#include "host/asm/instruction_table.h"
#include "host/model/constants.h"
#include "host/model/error.h"
#include "host/model/isa.h"

namespace wafer::assembler {

const VarInfo* KernelInstance::var(const std::string& name) const {
  for (const auto& v : vars) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

namespace {

std::string instance_name(const KernelStmt& k, const std::vector<std::pair<std::string, Value>>& args) {
  if (args.empty()) return k.name.text;
  std::string s = k.name.text + "(";
  for (size_t i = 0; i < args.size(); ++i) s += (i ? ", " : "") + args[i].first + "=" + args[i].second.str();
  return s + ")";
}

class KernelAssembler {
 public:
  KernelAssembler(const KernelStmt& k, const std::vector<std::pair<std::string, Value>>& args,
                  const Scope& globals)
      : k_(k), out_(std::make_unique<KernelInstance>()) {
    out_->kernel.name = instance_name(k, args);
    auto params = std::make_unique<Scope>(&globals);
    for (const auto& [name, value] : args) {
      Binding b;
      b.kind = BindKind::kKernelParam;
      b.value = value;
      const KernelParam* decl = nullptr;
      for (const auto& p : k.params) {
        if (p.name.text == name) decl = &p;
      }
      params->define({name, decl ? decl->name.loc : k.name.loc}, b);
    }
    out_->scope = std::make_unique<Scope>(params.get());
    out_->owned_scopes.push_back(std::move(params));
  }

  std::unique_ptr<KernelInstance> run() {
    Scope* top = out_->scope.get();
    for (const auto& s : k_.body) kernel_item(s, top);
    const uint32_t code_len = pc_;
    for (const auto& t : tasks_) {
      if (t.entry >= code_len) fail(t.at, "task " + quoted(t.name) + " has no instructions");
    }
    check_fits(k_.name.loc);
    out_->kernel.code.reserve(code_len);
    for (const auto& p : pending_) encode(p);
    out_->file = k_.name.loc.file ? *k_.name.loc.file : "";
    out_->line_of_pc.assign(out_->kernel.code.size(), 0);
    for (size_t i = 0; i < pending_.size(); ++i) {  // pending_ is in pc order; an entry spans to the next
      const uint32_t end = i + 1 < pending_.size() ? pending_[i + 1].pc : uint32_t(out_->kernel.code.size());
      for (uint32_t pc = pending_[i].pc; pc < end; ++pc) out_->line_of_pc[pc] = pending_[i].at.line;
    }
    for (const auto& t : tasks_) out_->tasks.push_back({t.name, t.id});
    for (const auto& e : exports_) {
      bool found = false;
      for (auto& v : out_->vars) {
        if (v.name == e.text) v.exported = found = true;
      }
      if (!found)
        fail(e.loc,
             "export of " + quoted(e.text) + ", which is not a variable of kernel " + quoted(k_.name.text));
    }
    out_->kernel.data_words = data_words_;
    return std::move(out_);
  }

 private:
  struct Pending {
    const InstrStmt* instr;
    const Scope* scope;
    uint32_t pc;
    SourceLoc at;
  };
  struct TaskInfo {
    std::string name;
    uint32_t id, entry;
    SourceLoc at;
  };

  // ------------------------------------------------------------------ pass 1: expansion and layout
  Scope* child_scope(const Scope* parent) {
    out_->owned_scopes.push_back(std::make_unique<Scope>(parent));
    return out_->owned_scopes.back().get();
  }

  void count_expansion(const SourceLoc& at) {
    if (++expanded_ > kMaxExpansion) {
      fail(at, "kernel " + quoted(k_.name.text) + " expands to more than " + std::to_string(kMaxExpansion) +
                   " loop iterations and statements");
    }
  }

  void check_fits(const SourceLoc& at) {
    const uint64_t code_words = uint64_t(pc_) * kInstrWords;
    if (code_words + data_words_ > kSramWords) {
      fail(at, "kernel " + quoted(out_->kernel.name) + " does not fit in a PE's SRAM: " +
                   std::to_string(pc_) + " instructions (" + std::to_string(code_words) + " words, " +
                   std::to_string(kInstrWords) + " per instruction) + " + std::to_string(data_words_) +
                   " data words = " + std::to_string(code_words + data_words_) + " > " +
                   std::to_string(kSramWords) + " words (48 KiB)");
    }
  }

  template <class ItemFn>
  void control(const Stmt& s, Scope* scope, ItemFn item) {
    expand_control(
        s, scope, [&](const Stmt& inner, Scope* sc) { (this->*item)(inner, sc); },
        [&](const Scope* parent) { return child_scope(parent); },
        [&](const SourceLoc& at) { count_expansion(at); });
  }

  void kernel_item(const Stmt& s, Scope* scope) {
    count_expansion(s.loc);
    if (const auto* d = std::get_if<DefineStmt>(&s.node)) {
      define_const(*d, scope);
    } else if (const auto* as = std::get_if<AssertStmt>(&s.node)) {
      check_assertion(*as, s.loc, {scope});
    } else if (const auto* v = std::get_if<VarStmt>(&s.node)) {
      var(*v, scope);
    } else if (const auto* e = std::get_if<ExportStmt>(&s.node)) {
      for (const auto& n : e->names) exports_.push_back(n);
    } else if (const auto* a = std::get_if<AliasStmt>(&s.node)) {
      const int r = register_of(a->target.text, nullptr, false);
      const int d = register_of(a->target.text, nullptr, true);
      if (r < 0 && d < 0)
        fail(a->target.loc, "expected a register (r0..r15 or d0..d7) for alias " + quoted(a->name.text) +
                                ", found " + quoted(a->target.text));
      Binding b;
      b.kind = r >= 0 ? BindKind::kReg : BindKind::kDsr;
      b.value = Value::of_int(r >= 0 ? r : d);
      out_->scope->define(a->name, b);
    } else if (const auto* t = std::get_if<TaskStmt>(&s.node)) {
      task(*t, scope);
    } else if (const auto* c = std::get_if<CodeStmt>(&s.node)) {
      for (const auto& inner : c->body) code_item(inner, scope);
    } else {
      control(s, scope, &KernelAssembler::kernel_item);
    }
  }

  void var(const VarStmt& v, Scope* scope) {
    uint64_t length = 1;
    std::vector<uint32_t> words;
    const Deps deps = deps_of(v.init.get());
    if (v.length)
      length = uint64_t(int_in(eval(*v.length, {scope}), 0, kSramWords, v.length->loc,
                               "the length of " + quoted(v.name.text)));
    if (v.init) {
      const std::string what = "the initial value of " + quoted(v.name.text);
      if (deps.i) {
        if (!v.length)
          fail(v.init->loc, "an initial value in i (the element index) needs an array length: var " +
                                v.name.text + "[N] = ...");
        for (uint64_t k = 0; k < length; ++k) {
          EvalEnv env{scope};
          env.has_element = true;
          env.element = int64_t(k);
          const Value x = eval(*v.init, env);
          if (!x.is_number())
            fail(v.init->loc,
                 "expected a number for element " + std::to_string(k) + " of " + quoted(v.name.text));
          words.push_back(word_of(x, v.init->loc, what));
        }
      } else {
        const Value x = eval(*v.init, {scope});
        if (v.length && x.is_number()) {
          words.assign(length, word_of(x, v.init->loc, what));  // one value fills the array
        } else {
          append_words(x, words, v.init->loc, what);
          if (!v.length) length = words.size();
          if (words.size() != length) {
            fail(v.init->loc, what + " has " + std::to_string(words.size()) + " words, but " +
                                  quoted(v.name.text) + " has " + std::to_string(length));
          }
        }
      }
    }
    const uint32_t addr = data_words_;
    if (data_words_ + length > kSramWords) {
      fail(v.name.loc, "variable " + quoted(v.name.text) + " (" + std::to_string(length) + " words at word " +
                           std::to_string(addr) + ") does not fit in the " + std::to_string(kSramWords) +
                           "-word SRAM");
    }
    data_words_ += uint32_t(length);
    check_fits(v.name.loc);
    Binding b;
    b.kind = BindKind::kVar;
    b.value = Value::of_int(addr);
    b.length = length;
    b.is_array = true;
    out_->scope->define(v.name, b);
    out_->vars.push_back({v.name.text, addr, uint32_t(length), false, v.name.loc});
    if (!words.empty()) out_->initial_data.emplace_back(addr, std::move(words));
  }

  void task(const TaskStmt& t, Scope* scope) {
    uint32_t id;
    if (t.is_data) {
      const int64_t c = int_of(eval(*t.id, {scope}), t.id->loc, "the data task's color");
      if (c < 0 || c >= kColors) fail(t.id->loc, no_such_color(c));
      id = uint32_t(c);
    } else if (t.id) {
      id =
          uint32_t(int_in(eval(*t.id, {scope}), kFirstLocalTask, kTasks - 1, t.id->loc, "the local task id"));
    } else {
      id = kTasks;
      for (uint32_t k = kFirstLocalTask; k < uint32_t(kTasks); ++k) {
        if (!task_taken(k)) {
          id = k;
          break;
        }
      }
      if (id == uint32_t(kTasks))
        fail(t.name.loc, "no free local task id for " + quoted(t.name.text) + ": all 8 (24..31) are in use");
    }
    for (const auto& other : tasks_) {
      if (other.id == id) {
        try {
          fail(t.name.loc, "task " + quoted(t.name.text) + " takes task id " + std::to_string(id) +
                               ", already bound to task " + quoted(other.name) +
                               (t.is_data ? " (a data task's id is its color)" : ""));
        } catch (const Error& e) {
          rethrow_with_note(e, other.at, quoted(other.name) + " is declared here");
        }
      }
    }
    if (t.start && t.is_data)
      fail(t.name.loc, "only local tasks can 'start' (a data task runs when a wavelet arrives)");
    Binding b;
    b.kind = BindKind::kTask;
    b.value = Value::of_int(id);
    out_->scope->define(t.name, b);
    tasks_.push_back({t.name.text, id, pc_, t.name.loc});
    out_->kernel.entry[id] = pc_;
    if (t.start) out_->start_mask |= 1u << id;
    if (t.blocked) out_->block_mask |= 1u << id;
    for (const auto& inner : t.body) code_item(inner, scope);
  }
  bool task_taken(uint32_t id) const {
    for (const auto& t : tasks_) {
      if (t.id == id) return true;
    }
    // An explicit id declared later in the text would collide with an automatic one: reserve those too.
    return explicit_local_ids_declared_later(id);
  }
  bool explicit_local_ids_declared_later(uint32_t id) const {
    if (!explicit_ids_scanned_) scan_explicit_ids(k_.body);
    return (explicit_ids_ >> id) & 1u;
  }
  void scan_explicit_ids(const Block& body) const {
    explicit_ids_scanned_ = true;
    for (const auto& s : body) {
      if (const auto* t = std::get_if<TaskStmt>(&s.node)) {
        if (!t->is_data && t->id && t->id->kind == Expr::Kind::kInt && t->id->int_value >= kFirstLocalTask &&
            t->id->int_value < kTasks) {
          explicit_ids_ |= 1u << t->id->int_value;
        }
      }
    }
  }

  void code_item(const Stmt& s, Scope* scope) {
    count_expansion(s.loc);
    if (const auto* d = std::get_if<DefineStmt>(&s.node)) {
      define_const(*d, scope);
    } else if (const auto* as = std::get_if<AssertStmt>(&s.node)) {
      check_assertion(*as, s.loc, {scope});
    } else if (const auto* l = std::get_if<LabelStmt>(&s.node)) {
      Binding b;
      b.kind = BindKind::kLabel;
      b.value = Value::of_int(pc_);
      out_->scope->define(l->name, b);
    } else if (const auto* in = std::get_if<InstrStmt>(&s.node)) {
      const InstrForm* form = find_instr(in->mnemonic.text);
      pending_.push_back({in, scope, pc_, s.loc});
      pc_ += form->instructions;
      check_fits(in->mnemonic.loc);
    } else {
      control(s, scope, &KernelAssembler::code_item);
    }
  }

  // ------------------------------------------------------------------ pass 2: encoding
  int reg_operand(const Operand& o, const Scope* scope, bool descriptor, const std::string& what) {
    const char* expected =
        descriptor ? "a descriptor register (d0..d7 or an alias)" : "a register (r0..r15 or an alias)";
    if (o.is_mem || o.expr->kind != Expr::Kind::kName)
      fail(o.loc, "expected " + std::string(expected) + " for " + what);
    const int r = register_of(o.expr->name, scope, descriptor);
    if (r < 0)
      fail(o.loc, "expected " + std::string(expected) + " for " + what + ", found " + quoted(o.expr->name));
    return r;
  }

  Value value_operand(const Operand& o, const Scope* scope, const std::string& what) {
    if (o.is_mem) fail(o.loc, "expected a value for " + what + ", found a memory reference");
    return eval(*o.expr, {scope});
  }

  void encode(const Pending& p) {
    const InstrStmt& in = *p.instr;
    const InstrForm& form = *find_instr(in.mnemonic.text);
    const std::string m = quoted(in.mnemonic.text);
    if (in.operands.size() != form.operands.size()) {
      fail(in.mnemonic.loc, m + " takes " + std::to_string(form.operands.size()) + " operand" +
                                (form.operands.size() == 1 ? "" : "s") + ", found " +
                                std::to_string(in.operands.size()) + " (syntax: " + form.syntax + ")");
    }
    const bool vector = form.is_vector();
    if (in.async && !vector) fail(in.mnemonic.loc, "'async' applies only to vector operations, not " + m);
    if (in.then_action && !vector)
      fail(in.then_action->loc, "'then' applies only to vector operations, not " + m);
    if (in.then_action && !in.async) {
      fail(in.then_action->loc,
           "'then' needs 'async': a synchronous operation has finished before the next instruction runs");
    }
    Instr out{form.op, 0, 0, 0, 0};
    uint32_t flags = 0;
    Value desc;
    for (size_t k = 0; k < form.operands.size(); ++k) {
      const OperandSpec spec = form.operands[k];
      const Operand& o = in.operands[k];
      const std::string what =
          "operand " + std::to_string(k + 1) + " of " + m + " (syntax: " + form.syntax + ")";
      uint32_t field = 0;
      switch (spec.kind) {
        case OperandKind::kReg:
          field = uint32_t(reg_operand(o, p.scope, false, what));
          break;
        case OperandKind::kDsr:
          field = uint32_t(reg_operand(o, p.scope, true, what));
          break;
        case OperandKind::kSource: {
          const bool is_name = !o.is_mem && o.expr->kind == Expr::Kind::kName;
          const int d = is_name ? register_of(o.expr->name, p.scope, true) : -1;
          const int r = is_name ? register_of(o.expr->name, p.scope, false) : -1;
          if (d < 0 && r < 0) {
            fail(o.loc, "expected a descriptor register (d0..d7) or a general register (r0..r15) for " + what +
                            ", found " + operand_text(o, p.scope));
          }
          field = uint32_t(d >= 0 ? d : r);
          if (d < 0) flags |= spec.field == Field::kB ? vflag::kS0IsReg : vflag::kS1IsReg;
          break;
        }
        case OperandKind::kImm:
          field = word_of(value_operand(o, p.scope, what), o.loc, what);
          break;
        case OperandKind::kByte:
          field = uint32_t(int_in(value_operand(o, p.scope, what), 0, 255, o.loc, what));
          break;
        case OperandKind::kLabel: {
          check_label_name(o, p.scope, m);
          const int64_t target = int_of(value_operand(o, p.scope, what), o.loc, what);
          if (target < 0 || uint64_t(target) >= pc_) {
            fail(o.loc, "branch target " + std::to_string(target) + " is outside the kernel's code (0.." +
                            std::to_string(int64_t(pc_) - 1) + ")");
          }
          field = uint32_t(target);
          break;
        }
        case OperandKind::kMem: {
          if (!o.is_mem) fail(o.loc, "expected a memory reference [rB + OFFSET] for " + what);
          const int base = register_of(o.base.text, p.scope, false);
          if (base < 0)
            fail(o.base.loc, "expected a base register (r0..r15 or an alias) in " + what + ", found " +
                                 quoted(o.base.text));
          out.b = uint8_t(base);
          field = o.offset ? word_of(eval(*o.offset, {p.scope}), o.offset->loc, "the offset") : 0;
          break;
        }
        case OperandKind::kColor: {
          const int64_t c = int_of(value_operand(o, p.scope, what), o.loc, what);
          if (c < 0 || c >= kColors) fail(o.loc, no_such_color(c));
          field = uint32_t(c);
          break;
        }
        case OperandKind::kTask:
        case OperandKind::kLocalTask:
          field = task_operand(o, p.scope, spec.kind == OperandKind::kLocalTask, what);
          break;
        case OperandKind::kDesc: {
          desc = value_operand(o, p.scope, what);
          if (desc.type != Value::Type::kDesc) {
            fail(o.loc, "expected a descriptor (mem(...), fabin(...) or fabout(...)) for " + what +
                            ", found " + type_name(desc.type));
          }
          check_mem_descriptor(desc, o.loc);
          break;
        }
      }
      switch (spec.field) {
        case Field::kOp:
          out.op = uint8_t(field);
          break;
        case Field::kA:
          out.a = uint8_t(field);
          break;
        case Field::kB:
          out.b = uint8_t(field);
          break;
        case Field::kC:
          out.c = uint8_t(field);
          break;
        case Field::kImm:
        case Field::kMemBImm:
          out.imm = int32_t(field);
          break;
        case Field::kScalar:
          flags |= (field & vflag::kScalarMask) << vflag::kScalarShift;
          break;
        case Field::kDescPair:
          break;
      }
    }
    if (vector) {
      if (in.async) flags |= vflag::kAsync;
      if (in.then_action) {
        const bool activate = in.then_action->text == "activate";
        const uint32_t t =
            task_operand_expr(*in.then_task, p.scope, activate, "the task to " + in.then_action->text);
        flags |= (t << vflag::kDoneShift) | (activate ? vflag::kDoneActivate : vflag::kDoneUnblock);
      }
      out.imm = int32_t(flags);
    }
    if (form.instructions == 2) {  // dset: the descriptor's two words
      out_->kernel.code.push_back(Instr{kDset0, out.a, 0, 0, int32_t(desc.w0)});
      out_->kernel.code.push_back(Instr{kDset1, out.a, 0, 0, int32_t(desc.w1)});
      return;
    }
    out_->kernel.code.push_back(out);
  }

  uint32_t task_operand(const Operand& o, const Scope* scope, bool local, const std::string& what) {
    if (o.is_mem) fail(o.loc, "expected a task for " + what + ", found a memory reference");
    return task_operand_expr(*o.expr, scope, local, what);
  }
  uint32_t task_operand_expr(const Expr& e, const Scope* scope, bool local, const std::string& what) {
    // A label's value is a pc, which would read as some task id: say what the name is instead.
    if (e.kind == Expr::Kind::kName) {
      if (const Binding* b = scope->find(e.name); b && b->kind == BindKind::kLabel) {
        fail(e.loc, quoted(e.name) + " is a label, not a task, in " + what +
                        "; to go to a label use 'jmp " + e.name + "'" + did_you_mean(e.name, task_names()));
      }
    }
    const int64_t t = int_of(eval(e, {scope}), e.loc, what);
    if (local) {
      if (t < kFirstLocalTask || t >= kTasks) {
        fail(e.loc, what + ": task " + std::to_string(t) +
                        " is not a local task (24..31); data tasks run when wavelets arrive");
      }
      if (out_->kernel.entry[t] == kUnbound) {
        fail(e.loc,
             what + ": task " + std::to_string(t) + " is not declared in kernel " + quoted(k_.name.text));
      }
    } else if (t < 0 || t >= kTasks) {
      fail(e.loc, what + ": task id " + std::to_string(t) + " does not exist (0..31)");
    }
    return uint32_t(t);
  }

  // How an operand that is not a register reads in a message: the name when it is one (undefined names
  // included, so the user sees which), else "a value" / "a memory reference".
  static std::string operand_text(const Operand& o, const Scope* scope) {
    if (o.is_mem) return "a memory reference";
    if (o.expr->kind != Expr::Kind::kName) return "a value";
    const std::string& n = o.expr->name;
    if (!scope->find(n)) return "undefined name " + quoted(n) + did_you_mean(n, scope->visible_names());
    return quoted(n);
  }

  // A jump's target must be a label. A task's name evaluates to its id (24 for the first local task),
  // which would silently read as pc 24; variables and colors are numbers too. Refuse them by kind.
  void check_label_name(const Operand& o, const Scope* scope, const std::string& mnemonic) {
    if (o.is_mem || o.expr->kind != Expr::Kind::kName) return;
    const Binding* b = scope->find(o.expr->name);
    if (!b) return;  // evaluation reports the undefined name
    const std::string n = quoted(o.expr->name);
    if (b->kind == BindKind::kTask) {
      fail(o.loc, n + " is a task, not a label: " + mnemonic +
                      " goes to a label in the kernel's code; to run the task use 'activate " + o.expr->name +
                      "' (a local task), or put a label at the code to jump to");
    }
    if (b->kind == BindKind::kVar) fail(o.loc, n + " is a variable (a data address), not a label, in " + mnemonic);
    if (b->kind == BindKind::kColor) fail(o.loc, n + " is a color, not a label, in " + mnemonic);
  }

  std::vector<std::string> task_names() const {
    std::vector<std::string> names;
    for (const auto& t : tasks_) names.push_back(t.name);
    return names;
  }

  // A memory descriptor built by the assembler must stay within the kernel's data: an error now is
  // kinder than an SRAM-range trap thousands of cycles later.
  void check_mem_descriptor(const Value& d, const SourceLoc& at) {
    if (desc_kind(d.w0) != kDescMem) return;
    const int64_t len = desc_len(d.w1), base = desc_base(d.w0), stride = desc_stride(d.w1);
    if (len == 0) return;
    const int64_t last = base + (len - 1) * stride;
    const int64_t lo = std::min(base, last), hi = std::max(base, last);
    if (lo < 0 || hi >= int64_t(data_words_)) {
      fail(at, "descriptor " + d.str() + " reaches word " + std::to_string(lo < 0 ? lo : hi) +
                   ", outside the kernel's " + std::to_string(data_words_) +
                   " data words (declare the memory with var)");
    }
  }

  const KernelStmt& k_;
  std::unique_ptr<KernelInstance> out_;
  uint32_t pc_ = 0;
  uint32_t data_words_ = 0;
  uint64_t expanded_ = 0;
  std::vector<Pending> pending_;
  std::vector<TaskInfo> tasks_;
  std::vector<Ident> exports_;
  mutable bool explicit_ids_scanned_ = false;
  mutable uint32_t explicit_ids_ = 0;
};

}  // namespace

std::unique_ptr<KernelInstance> assemble_kernel(const KernelStmt& kernel,
                                                const std::vector<std::pair<std::string, Value>>& args,
                                                const Scope& globals) {
  return KernelAssembler(kernel, args, globals).run();
}

}  // namespace wafer::assembler
