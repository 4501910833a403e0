// Image -> program text. The text reproduces the image's initial machine state: the effective placement
// and route of every PE (later image entries override earlier ones, so they are resolved per PE and
// regrouped into non-overlapping rectangles, which also keeps the route-conflict check quiet), then the
// initialisers and streams in image order. Instructions no mnemonic spells exactly come out as 'raw'.
#include <cstdio>
#include <set>
#include <sstream>

#include "host/asm/assembler.h"
#include "host/asm/diagnostics.h"
#include "host/asm/evaluator.h"
#include "host/asm/instruction_table.h"
#include "host/asm/parser.h"
#include "host/asm/rect_groups.h"
#include "host/model/constants.h"
#include "host/model/state.h"

namespace wafer {

using namespace assembler;

namespace {

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", v);
  return buf;
}

std::string number(int64_t v) {
  return (v > -65536 && v < 65536) ? std::to_string(v) : hex(uint32_t(v));
}

std::string rect_text(const Rect& r) {
  auto axis = [](uint32_t a, uint32_t n) {
    return n == 1 ? std::to_string(a) : std::to_string(a) + ".." + std::to_string(a + n - 1);
  };
  return "(" + axis(r.x, r.w) + ", " + axis(r.y, r.h) + ")";
}

std::string port_word(uint32_t port) {
  static const char* names[] = {"north", "east", "south", "west", "ramp"};
  return port < 5 ? names[port] : "?";
}

std::string word_list(const std::vector<uint32_t>& words, const char* indent) {
  std::string s = "[";
  for (size_t k = 0; k < words.size(); ++k) {
    if (k % 8 == 0 && words.size() > 8) s += std::string("\n") + indent + "  ";
    s += hex(words[k]) + (k + 1 < words.size() ? ", " : "");
  }
  if (words.size() > 8) s += std::string("\n") + indent;
  return s + "]";
}

// An identifier for a stream: its own name when that is one (and free), else a synthetic one.
std::string stream_ident(const std::string& name, const char* prefix, size_t k, std::set<std::string>& used) {
  // NAME or NAME[k], as the program format writes stream names.
  const size_t bracket = name.find('[');
  const std::string base = name.substr(0, bracket);
  bool ok = !base.empty() && !(base[0] >= '0' && base[0] <= '9');
  for (char c : base)
    ok &= (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
  if (bracket != std::string::npos) {
    const std::string idx = name.substr(bracket + 1);
    ok &= idx.size() >= 2 && idx.back() == ']' && idx.size() <= 11;
    for (size_t k = 0; k + 1 < idx.size(); ++k) ok &= idx[k] >= '0' && idx[k] <= '9';
  }
  std::string id = ok ? name : prefix + std::to_string(k);
  while (!used.insert(id).second) id += "_";
  return id;
}

class KernelText {
 public:
  // names: the image's source names for this kernel, or nullptr (an image built in C++ may have none).
  KernelText(const Kernel& k, size_t index, const KernelNames* names) : k_(k), index_(index), names_(names) {
    for (const Instr& in : k.code) {
      if (in.op == kJmp || in.op == kBeqz || in.op == kBnez || in.op == kBlt)
        targets_.insert(uint32_t(in.imm));
    }
  }

  const std::string& ident() const { return ident_; }
  // The kernel's name made an identifier (the name of an instance such as "gemv(c=1)" reads "gemv_c_1"),
  // unique among the image's kernels. Idempotent, so disassembling the re-assembled text gives the same text.
  void choose_ident(std::set<std::string>& used) {
    std::string s;
    for (char c : k_.name) {
      const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (word)
        s += c;
      else if (!s.empty() && s.back() != '_')
        s += '_';
    }
    while (!s.empty() && s.back() == '_') s.pop_back();
    if (s.empty() || (s[0] >= '0' && s[0] <= '9'))
      s = "k" + std::to_string(index_) + (s.empty() ? "" : "_" + s);
    if (is_reserved_name(s)) s += "_k";
    if (used.count(s)) s += "_" + std::to_string(index_);
    while (!used.insert(s).second) s += "_";
    ident_ = s;
  }
  static std::string task_name(uint32_t id) { return "t" + std::to_string(id); }
  bool bound(uint32_t id) const { return id < uint32_t(kTasks) && k_.entry[id] != kUnbound; }

  std::string text() const {
    std::ostringstream o;
    if (k_.name != ident_) o << "# image kernel " << index_ << ": " << quoted(k_.name) << "\n";
    o << "kernel " << ident() << " {\n";
    if (k_.data_words > 0) o << "  var words[" << k_.data_words << "]\n";
    if (names_) {
      for (const auto& sym : names_->symbols) {
        o << "  # exported " << quoted(sym.name) << " = words[" << sym.addr << ".."
          << int64_t(sym.addr) + sym.words - 1 << "]\n";
      }
    }
    bool open = false;
    for (uint32_t pc = 0; pc < k_.code.size(); ++pc) {
      std::vector<uint32_t> starting;
      for (uint32_t t = 0; t < uint32_t(kTasks); ++t) {
        if (k_.entry[t] == pc) starting.push_back(t);
      }
      if (!starting.empty() || pc == 0) {
        if (open) o << "  }\n";
        for (size_t j = 0; j < starting.size(); ++j) {
          const uint32_t t = starting[j];
          o << "  task " << task_name(t) << (t < uint32_t(kFirstLocalTask) ? " data " : " local ") << t;
          o << (j + 1 < starting.size() ? " {}" : " {");  // tasks sharing an entry: all but the last are empty
          const std::string source = source_task_name(t);
          o << (source.empty() || source == task_name(t) ? "" : "  # task " + quoted(source)) << "\n";
        }
        if (starting.empty()) o << "  code {\n";
        open = true;
      }
      if (targets_.count(pc)) o << "  L" << pc << ":\n";
      o << "    " << instr(k_.code[pc]) << where(pc) << "\n";
    }
    if (open) o << "  }\n";
    o << "}\n";
    return o.str();
  }

 private:
  // The task's name in the source, or "".
  std::string source_task_name(uint32_t id) const {
    if (!names_) return "";
    for (const auto& t : names_->tasks) {
      if (t.id == id) return t.name;
    }
    return "";
  }

  // "  # pc 12, gemv.wasm:37" (joined to the instruction's own comment, if any) when the image has a
  // line table: a comment, so that the text still assembles; a pc in a trap report finds its line here.
  std::string where(uint32_t pc) const {
    if (!names_ || pc >= names_->line_of_pc.size()) return "";
    const bool has_comment = k_.code[pc].op == kDset0 || k_.code[pc].op == kDset1;
    return std::string(has_comment ? "; " : "  # ") + "pc " + std::to_string(pc) + ", " +
           (names_->file.empty() ? "line " : names_->file + ":") + std::to_string(names_->line_of_pc[pc]);
  }

  std::string task_ref(uint32_t id) const { return bound(id) ? task_name(id) : std::to_string(id); }

  static std::string raw(const Instr& in) {
    return "raw " + std::to_string(in.op) + ", " + std::to_string(in.a) + ", " + std::to_string(in.b) + ", " +
           std::to_string(in.c) + ", " + std::to_string(in.imm);
  }

  // The instruction in mnemonic form when that form encodes back to exactly these bits, else 'raw'.
  std::string instr(const Instr& in) const {
    const InstrForm* form = form_of_op(in.op);
    if (!form) return raw(in);
    const uint32_t imm = uint32_t(in.imm);
    const bool vector = form->is_vector();
    uint32_t used_a = 0, used_b = 0, used_c = 0;
    bool imm_used = false;
    std::string ops;
    for (size_t k = 0; k < form->operands.size(); ++k) {
      const OperandSpec spec = form->operands[k];
      std::string s;
      switch (spec.field) {
        case Field::kA:
          used_a = 1;
          break;
        case Field::kB:
          used_b = 1;
          break;
        case Field::kC:
          used_c = 1;
          break;
        case Field::kImm:
        case Field::kMemBImm:
          imm_used = true;
          break;
        default:
          break;
      }
      const uint32_t field = spec.field == Field::kA ? in.a : spec.field == Field::kB ? in.b : in.c;
      switch (spec.kind) {
        case OperandKind::kReg:
          if (spec.field == Field::kScalar) {
            s = "r" + std::to_string((imm >> vflag::kScalarShift) & vflag::kScalarMask);
          } else {
            if (field >= uint32_t(kRegs)) return raw(in);
            s = "r" + std::to_string(field);
          }
          break;
        case OperandKind::kDsr:
          if (field >= uint32_t(kDsrs)) return raw(in);
          s = "d" + std::to_string(field);
          break;
        case OperandKind::kSource: {
          const bool is_reg = imm & (spec.field == Field::kB ? vflag::kS0IsReg : vflag::kS1IsReg);
          if (field >= uint32_t(is_reg ? kRegs : kDsrs)) return raw(in);
          s = (is_reg ? "r" : "d") + std::to_string(field);
          break;
        }
        case OperandKind::kImm:
          s = number(in.imm);
          break;
        case OperandKind::kLabel:
          if (imm >= k_.code.size()) return raw(in);
          s = "L" + std::to_string(imm);
          break;
        case OperandKind::kMem:
          if (in.b >= uint32_t(kRegs)) return raw(in);
          used_b = 1;
          s = "[r" + std::to_string(in.b) +
              (in.imm < 0 ? " - " + std::to_string(-int64_t(in.imm)) : " + " + std::to_string(in.imm)) + "]";
          break;
        case OperandKind::kColor:
          if (imm >= uint32_t(kColors)) return raw(in);
          s = std::to_string(imm);
          break;
        case OperandKind::kTask:
          if (imm >= uint32_t(kTasks)) return raw(in);
          s = task_ref(imm);
          break;
        case OperandKind::kLocalTask:
          if (imm < uint32_t(kFirstLocalTask) || imm >= uint32_t(kTasks) || !bound(imm)) return raw(in);
          s = task_name(imm);
          break;
        default:
          return raw(in);
      }
      ops += (ops.empty() ? " " : ", ") + s;
    }
    std::string prefix, suffix;
    if (vector) {
      const bool fmac = in.op == kVfmac;
      const bool binary = in.op != kVmov && in.op != kVfneg;
      uint32_t known = vflag::kS0IsReg | vflag::kAsync | vflag::kDoneActivate | vflag::kDoneUnblock |
                       (vflag::kDoneMask << vflag::kDoneShift);
      if (binary) known |= vflag::kS1IsReg;
      if (fmac) known |= vflag::kScalarMask << vflag::kScalarShift;
      if (imm & ~known) return raw(in);
      const uint32_t done = (imm >> vflag::kDoneShift) & vflag::kDoneMask;
      const bool act = imm & vflag::kDoneActivate, unb = imm & vflag::kDoneUnblock;
      if ((act && unb) || (!act && !unb && done != 0) || ((act || unb) && !(imm & vflag::kAsync)))
        return raw(in);
      if (act && !bound(done)) return raw(in);
      if (imm & vflag::kAsync) prefix = "async ";
      if (act || unb) suffix = std::string(" then ") + (act ? "activate " : "unblock ") + task_ref(done);
      imm_used = true;
    }
    if ((!used_a && in.a) || (!used_b && in.b) || (!used_c && in.c) || (!imm_used && in.imm)) return raw(in);
    std::string comment;
    if (in.op == kDset0 || in.op == kDset1) {
      comment = in.op == kDset0 ? "  # kind " + std::to_string(desc_kind(imm)) + ", base/color " +
                                      std::to_string(desc_base(imm))
                                : "  # length " + std::to_string(desc_len(imm)) + ", stride " +
                                      std::to_string(desc_stride(imm));
    }
    return prefix + form->mnemonic + ops + suffix + comment;
  }

  const Kernel& k_;
  size_t index_;
  const KernelNames* names_;
  std::string ident_;
  std::set<uint32_t> targets_;
};

// Paints the image's rectangles in order (later wins) and groups equal values into rectangles.
std::vector<RectGroup> effective(const Image& im, const std::vector<std::pair<Rect, GroupKey>>& paints) {
  std::vector<int32_t> owner(size_t(im.width) * im.height, -1);
  for (size_t k = 0; k < paints.size(); ++k) {
    const Rect& r = paints[k].first;
    for (uint32_t y = r.y; y < r.y + r.h && y < im.height; ++y) {
      for (uint32_t x = r.x; x < r.x + r.w && x < im.width; ++x) owner[size_t(y) * im.width + x] = int32_t(k);
    }
  }
  return group_rects({0, 0, im.width, im.height}, true, true,
                     [&](uint32_t x, uint32_t y) -> std::optional<GroupKey> {
                       const int32_t k = owner[size_t(y) * im.width + x];
                       if (k < 0 || paints[size_t(k)].second.empty())
                         return std::nullopt;  // an empty key clears
                       return paints[size_t(k)].second;
                     });
}

}  // namespace

std::string disassemble(const Image& image) {
  image.validate();
  std::ostringstream o;
  o << "# wafer disassembly: the image's initial state as program text (names are synthetic; where the image\n"
       "# keeps source names, they and each instruction's pc and source line are in comments)\n";
  o << "grid " << image.width << ", " << image.height << "\n\n";
  std::vector<KernelText> kernels;
  for (size_t k = 0; k < image.kernels.size(); ++k)
    kernels.emplace_back(image.kernels[k], k, k < image.names.size() ? &image.names[k] : nullptr);
  std::set<std::string> kernel_names;
  for (auto& k : kernels) k.choose_ident(kernel_names);
  for (const auto& k : kernels) o << k.text() << "\n";

  o << "layout {\n";
  std::vector<std::pair<Rect, GroupKey>> places;
  for (const auto& p : image.placements)
    places.push_back({p.rect, {p.kernel, p.activate_mask, p.block_mask}});
  for (const auto& g : effective(image, places)) {
    const KernelText& k = kernels[g.key[0]];
    o << "  place " << k.ident() << " at " << rect_text(g.rect);
    std::string items;
    for (uint32_t t = 0; t < uint32_t(kTasks); ++t) {
      if ((g.key[1] >> t) & 1u) items += " start " + KernelText::task_name(t) + ";";
      if (((g.key[2] >> t) & 1u) && k.bound(t)) items += " blocked " + KernelText::task_name(t) + ";";
    }
    if (!items.empty()) items.pop_back();
    o << (items.empty() ? "" : " {" + items + " }") << "\n";
  }
  for (uint32_t color = 0; color < uint32_t(kColors); ++color) {
    std::vector<std::pair<Rect, GroupKey>> routes;
    for (const auto& r : image.routes) {
      if (r.color != color) continue;
      const bool clears = r.rx == kNoPort && r.tx_mask == 0;
      routes.push_back({r.rect, clears ? GroupKey{} : GroupKey{r.rx, r.tx_mask}});
    }
    if (routes.empty()) continue;
    for (const auto& g : effective(image, routes)) {
      std::string tx;
      for (uint32_t p = 0; p < uint32_t(kPorts); ++p) {
        if (g.key[1] & (1u << p)) tx += (tx.empty() ? "" : ", ") + port_word(p);
      }
      const std::string name = image.color_name(color);
      o << "  route " << color << " at " << rect_text(g.rect) << " rx " << port_word(g.key[0]) << " tx " << tx
        << (name.empty() ? "" : "  # " + name) << "\n";
    }
  }
  for (const auto& s : image.srams) {
    if (s.words.empty()) continue;
    o << "  sram at " << rect_text(s.rect) << " addr " << s.addr << " = " << word_list(s.words, "  ") << "\n";
  }
  for (const auto& r : image.regs)
    o << "  reg r" << r.reg << " at " << rect_text(r.rect) << " = " << number(int32_t(r.value)) << "\n";
  for (const auto& d : image.dsrs) {
    o << "  dsr d" << d.dsr << " at " << rect_text(d.rect) << " = desc(" << hex(d.word0) << ", "
      << hex(d.word1) << ")\n";
  }
  std::set<std::string> names;
  for (size_t k = 0; k < image.out_streams.size(); ++k) {
    const auto& s = image.out_streams[k];
    o << "  outstream " << stream_ident(s.name, "out", k, names) << " at (" << s.x << ", " << s.y << ") "
      << port_word(s.port) << " capacity " << s.capacity;
    if (s.expect != s.capacity) o << " expect " << s.expect;
    o << "\n";
  }
  for (size_t k = 0; k < image.in_streams.size(); ++k) {
    const auto& s = image.in_streams[k];
    o << "  instream " << stream_ident(s.name, "in", k, names) << " at (" << s.x << ", " << s.y << ") "
      << port_word(s.port) << " color " << s.color << " count " << s.payload.size();
    if (!s.payload.empty()) o << " values " << word_list(s.payload, "  ");
    if (!s.index.empty()) {
      o << " index [";
      for (size_t k = 0; k < s.index.size(); ++k) o << (k ? ", " : "") << s.index[k];
      o << "]";
    }
    o << "\n";
  }
  o << "}\n";
  return o.str();
}

}  // namespace wafer
