// The assembler's driver: lex, parse, evaluate the top level (params, constants, colors, grid), assemble
// the layout (which instantiates kernels), validate, and collect the symbols the host may use.
#include "host/asm/assembler.h"

#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "host/asm/assertion.h"
#include "host/asm/did_you_mean.h"
#include "host/asm/evaluator.h"
#include "host/asm/kernel_assembler.h"
#include "host/asm/layout_assembler.h"
#include "host/asm/lexer.h"
#include "host/asm/parser.h"
#include "host/model/constants.h"
#include "host/model/error.h"

namespace wafer {

using namespace assembler;

namespace {

// Grids beyond any wafer: their per-PE tables would only exhaust memory.
constexpr int64_t kMaxGridSide = 1 << 14;
constexpr int64_t kMaxGridPes = int64_t(1) << 24;

class Driver {
 public:
  Driver(const std::string& text, const std::string& file, const AsmParams& params)
      : text_(text), file_(file), params_(params) {}

  Assembly run() {
    const std::vector<Token> tokens = lex(text_, &file_);
    const Block program = parse_program(tokens);
    parse_overrides();
    reserve_literal_colors(program);
    std::map<std::string, const KernelStmt*> kernels;
    std::vector<const LayoutStmt*> layouts;
    SourceLoc first_layout;
    for (const auto& s : program) {
      if (const auto* d = std::get_if<DefineStmt>(&s.node)) {
        define(*d);
      } else if (const auto* a = std::get_if<AssertStmt>(&s.node)) {
        check_assertion(*a, s.loc, {&globals_});
      } else if (const auto* c = std::get_if<ColorStmt>(&s.node)) {
        color(*c);
      } else if (const auto* g = std::get_if<GridStmt>(&s.node)) {
        grid(*g, s.loc);
      } else if (const auto* k = std::get_if<KernelStmt>(&s.node)) {
        auto [it, fresh] = kernels.emplace(k->name.text, k);
        if (!fresh) {
          try {
            fail(k->name.loc, "kernel " + quoted(k->name.text) + " is already defined");
          } catch (const Error& e) {
            rethrow_with_note(e, it->second->name.loc, "the first definition is here");
          }
        }
        for (size_t i = 0; i < k->params.size(); ++i) {
          for (size_t j = 0; j < i; ++j) {
            if (k->params[i].name.text == k->params[j].name.text)
              fail(k->params[i].name.loc,
                   "parameter " + quoted(k->params[i].name.text) + " is declared twice");
          }
          if (globals_.find(k->params[i].name.text)) {
            fail(k->params[i].name.loc, "kernel parameter " + quoted(k->params[i].name.text) +
                                            " has the name of a global definition");
          }
        }
      } else if (const auto* l = std::get_if<LayoutStmt>(&s.node)) {
        if (layouts.empty()) first_layout = s.loc;
        layouts.push_back(l);
      }
    }
    for (const auto& [name, o] : overrides_) {
      if (!o.used) {
        std::string names;
        for (const auto& [n, v] : result_.params) names += (names.empty() ? "" : ", ") + n;
        const std::string near = closest_name(name, param_names());
        fail_in_file(file_, "parameter override " + quoted(name) + ": the program declares no param of that name" +
                                (names.empty() ? " (it declares none)" : " (params: " + names + ")") +
                                (near.empty() ? "" : "; did you mean " + quoted(near) + "?"));
      }
    }
    if (!has_grid_) {
      fail({&file_, 1, 1}, "the program has no grid statement (expected e.g. 'grid 4, 4' before the layout)");
    }
    check_kernels_with_defaults(program);
    LayoutResult layout = assemble_layout(layouts, kernels, globals_, width_, height_);
    result_.image = std::move(layout.image);
    for (const auto& inst : layout.instances) {
      std::vector<AsmSymbol> syms;
      KernelNames names;
      names.tasks = inst->tasks;
      names.file = inst->file;
      names.line_of_pc = inst->line_of_pc;
      for (const auto& v : inst->vars) {
        if (v.exported) {
          syms.push_back({v.name, v.addr, v.words});
          names.symbols.push_back({v.name, v.addr, v.words});
        }
      }
      result_.exported.push_back(std::move(syms));
      result_.image.names.push_back(std::move(names));
    }
    result_.image.color_names = color_names_;
    try {
      result_.image.validate();
    } catch (const Error& e) {
      // The assembler's own checks should have caught it; still say which program it came from.
      fail_in_file(file_, std::string("the assembled image is invalid: ") + e.what());
    }
    return std::move(result_);
  }

 private:
  struct Override {
    ExprPtr expr;
    std::vector<Token> tokens;
    bool used = false;
  };

  // A kernel is assembled where it is placed; one that every parameter default lets us assemble is also
  // checked on its own, so that its errors show even before (or without) a place statement.
  void check_kernels_with_defaults(const Block& program) {
    for (const auto& s : program) {
      const auto* k = std::get_if<KernelStmt>(&s.node);
      if (!k) continue;
      std::vector<std::pair<std::string, Value>> args;
      bool all = true;
      for (const auto& p : k->params) {
        if (!p.default_value) {
          all = false;
          break;
        }
        args.emplace_back(p.name.text, eval(*p.default_value, {&globals_}));
      }
      if (all) assemble_kernel(*k, args, globals_);
    }
  }

  std::vector<std::string> param_names() const {
    std::vector<std::string> names;
    for (const auto& [n, v] : result_.params) names.push_back(n);
    return names;
  }

  void parse_overrides() {
    for (const auto& [name, text] : params_.overrides) {
      override_files_.push_back(std::make_unique<std::string>("parameter override " + name));
      Override o;
      o.tokens = lex(text, override_files_.back().get());
      o.expr = parse_lone_expression(o.tokens);
      overrides_.emplace(name, std::move(o));
    }
  }

  void define(const DefineStmt& d) {
    Binding b;
    b.kind = d.is_param ? BindKind::kParam : BindKind::kConst;
    auto it = d.is_param ? overrides_.find(d.name.text) : overrides_.end();
    if (it != overrides_.end()) {
      it->second.used = true;
      b.value = eval(*it->second.expr, {&globals_});
    } else {
      b.value = eval(*d.value, {&globals_});
    }
    globals_.define(d.name, b);
    if (d.is_param) result_.params.emplace_back(d.name.text, b.value.str());
  }

  // Colors given as plain numbers are known before evaluation: automatic colors avoid them even when
  // they are declared later in the text.
  void reserve_literal_colors(const Block& program) {
    for (const auto& s : program) {
      if (const auto* c = std::get_if<ColorStmt>(&s.node)) {
        color_stmts_.push_back(c);
        if (c->value && c->value->kind == Expr::Kind::kInt && c->value->int_value >= 0 &&
            c->value->int_value < kColors) {
          const int64_t count = (c->count && c->count->kind == Expr::Kind::kInt) ? c->count->int_value : 1;
          for (int64_t k = c->value->int_value;
               k < std::min<int64_t>(kColors, c->value->int_value + std::max<int64_t>(count, 1)); ++k) {
            literal_colors_.insert(uint32_t(k));
          }
        }
      }
    }
  }

  void color(const ColorStmt& c) {
    int64_t count = 1;
    if (c.count)
      count = int_in(eval(*c.count, {&globals_}), 1, kColors, c.count->loc, "the color array's size");
    int64_t first = -1;
    if (c.value) {
      first = int_of(eval(*c.value, {&globals_}), c.value->loc, "the color number");
      if (first < 0 || first + count > kColors) {
        fail(c.value->loc, "color " + std::to_string(first < 0 ? first : first + count - 1) +
                               " does not exist: the machine has " + std::to_string(kColors) +
                               " colors (0.." + std::to_string(kColors - 1) + ")");
      }
    } else {
      for (int64_t f = 0; f + count <= kColors && first < 0; ++f) {
        bool free = true;
        for (int64_t k = f; k < f + count; ++k)
          free &= !taken_colors_.count(uint32_t(k)) && !literal_colors_.count(uint32_t(k));
        if (free) first = f;
      }
      if (first < 0) no_free_color(c, count);
    }
    for (int64_t k = first; k < first + count; ++k) {
      auto it = taken_colors_.find(uint32_t(k));
      if (it != taken_colors_.end()) {
        try {
          fail(c.value ? c.value->loc : c.name.loc,
               "color " + std::to_string(k) + " is already taken by " + quoted(it->second.text));
        } catch (const Error& e) {
          rethrow_with_note(e, it->second.loc, quoted(it->second.text) + " is declared here");
        }
      }
    }
    for (int64_t k = first; k < first + count; ++k) taken_colors_.emplace(uint32_t(k), c.name);
    Binding b;
    b.kind = BindKind::kColor;
    b.value = Value::of_int(first);
    b.length = uint64_t(count);
    b.is_array = c.count != nullptr;
    globals_.define(c.name, b);
    result_.colors.emplace_back(c.name.text, uint32_t(first));
    color_names_.push_back({c.name.text, uint32_t(first), uint32_t(count)});
  }

  // Says how many colors the whole program asks for, not only that this one did not fit: the user's
  // question is how many to give up. Later declarations are counted from their text (a size that is not
  // a literal counts as 1, hence "at least").
  [[noreturn]] void no_free_color(const ColorStmt& c, int64_t count) {
    const std::string name = quoted(c.name.text + (c.count ? "[" + std::to_string(count) + "]" : ""));
    uint64_t later = 0;
    bool exact = true;
    bool after = false;
    for (const ColorStmt* other : color_stmts_) {
      if (other == &c) {
        after = true;
        continue;
      }
      if (!after) continue;
      if (other->count && other->count->kind != Expr::Kind::kInt) exact = false;
      later += other->count ? (other->count->kind == Expr::Kind::kInt
                                   ? uint64_t(std::max<int64_t>(other->count->int_value, 1))
                                   : 1)
                            : 1;
    }
    std::set<uint32_t> used(literal_colors_);
    for (const auto& [k, who] : taken_colors_) used.insert(k);
    const uint64_t before = taken_colors_.size();
    const uint64_t needed = before + uint64_t(count) + later;
    if (used.size() + uint64_t(count) <= uint64_t(kColors)) {
      // Enough colors in number, but not consecutive: an array needs a run of them.
      std::string free;
      for (uint32_t k = 0; k < uint32_t(kColors); ++k) {
        if (!used.count(k)) free += (free.empty() ? "" : " ") + std::to_string(k);
      }
      fail(c.name.loc, "no " + std::to_string(count) + " consecutive free colors for " + name +
                           " (a color array takes consecutive numbers); free colors: " + free);
    }
    fail(c.name.loc, "no free color for " + name + ": the program needs " + (exact ? "" : "at least ") +
                         std::to_string(needed) + " colors (" + std::to_string(before) +
                         " declared before this one, " + std::to_string(count) + " here, " +
                         std::to_string(later) + " after it) but the machine has " + std::to_string(kColors) +
                         " (0.." + std::to_string(kColors - 1) + "); " + std::to_string(used.size()) +
                         " are already in use. A color may serve several routes that never share a PE");
  }

  void grid(const GridStmt& g, const SourceLoc& at) {
    if (has_grid_) fail(at, "the grid is already set (one grid statement per program)");
    const int64_t w = int_in(eval(*g.width, {&globals_}), 1, kMaxGridSide, g.width->loc, "the grid width");
    const int64_t h = int_in(eval(*g.height, {&globals_}), 1, kMaxGridSide, g.height->loc, "the grid height");
    if (w * h > kMaxGridPes)
      fail(at, "a " + std::to_string(w) + "x" + std::to_string(h) + " grid has more than " +
                   std::to_string(kMaxGridPes) + " PEs");
    width_ = uint32_t(w);
    height_ = uint32_t(h);
    has_grid_ = true;
    Binding bw;
    bw.kind = BindKind::kGrid;
    bw.value = Value::of_int(w);
    bw.at = at;
    globals_.set("W", bw);
    Binding bh = bw;
    bh.value = Value::of_int(h);
    globals_.set("H", bh);
  }

  const std::string& text_;
  const std::string file_;  // tokens point at it: must outlive the syntax tree
  const AsmParams& params_;
  std::vector<std::unique_ptr<std::string>> override_files_;
  std::map<std::string, Override> overrides_;
  Scope globals_;
  std::vector<ColorName> color_names_;  // the image's copy, set once layout has made the image
  std::map<uint32_t, Ident> taken_colors_;
  std::set<uint32_t> literal_colors_;
  std::vector<const ColorStmt*> color_stmts_;  // every color declaration, in text order
  bool has_grid_ = false;
  uint32_t width_ = 0, height_ = 0;
  Assembly result_;
};

}  // namespace

Assembly assemble_program(const std::string& text, const std::string& file_name, const AsmParams& params) {
  return Driver(text, file_name, params).run();
}

Assembly assemble_program_file(const std::string& path, const AsmParams& params) {
  std::ifstream f(path, std::ios::binary);
  if (!f) fail_in_file(path, "cannot open the program file (" + errno_text() + ")");
  std::ostringstream text;
  text << f.rdbuf();
  return assemble_program(text.str(), path, params);
}

Image assemble(const std::string& text, const std::string& file_name, const AsmParams& params) {
  return assemble_program(text, file_name, params).image;
}

Image assemble_file(const std::string& path, const AsmParams& params) {
  return assemble_program_file(path, params).image;
}

bool is_program_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  char magic[8] = {};
  f.read(magic, sizeof magic);
  return !(f.gcount() == 8 && std::string(magic, 8) == "WAFERIMG");
}

const AsmSymbol& Assembly::symbol(uint32_t x, uint32_t y, const std::string& name) const {
  const std::string pe = "PE(" + std::to_string(x) + "," + std::to_string(y) + ")";
  for (auto it = image.placements.rbegin(); it != image.placements.rend(); ++it) {
    if (!it->rect.contains(x, y)) continue;
    const std::vector<AsmSymbol>& syms = exported.at(it->kernel);
    for (const auto& s : syms) {
      if (s.name == name) return s;
    }
    std::string names;
    for (const auto& s : syms) names += (names.empty() ? "" : ", ") + s.name;
    throw Error("symbol " + quoted(name) + " at " + pe + ": kernel " +
                quoted(image.kernels[it->kernel].name) + " exports no such variable (" +
                (names.empty() ? "it exports none" : "exports: " + names) + ")");
  }
  throw Error("symbol " + quoted(name) + " at " + pe + ": no kernel runs there");
}

uint32_t Assembly::in_stream(const std::string& name) const {
  for (size_t k = 0; k < image.in_streams.size(); ++k) {
    if (image.in_streams[k].name == name) return uint32_t(k);
  }
  throw Error("the program has no input stream " + quoted(name));
}

uint32_t Assembly::out_stream(const std::string& name) const {
  for (size_t k = 0; k < image.out_streams.size(); ++k) {
    if (image.out_streams[k].name == name) return uint32_t(k);
  }
  throw Error("the program has no output stream " + quoted(name));
}

const std::string& Assembly::param(const std::string& name) const {
  for (const auto& [n, v] : params) {
    if (n == name) return v;
  }
  throw Error("the program has no param " + quoted(name));
}

}  // namespace wafer
