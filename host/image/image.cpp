// Image builder helpers, validation and footprint.
#include "host/image/image.h"

#include <algorithm>
#include <bit>
#include <sstream>
#include <unordered_map>

#include "host/model/error.h"
#include "host/model/state.h"

namespace wafer {

const char* port_name(uint32_t port) {
  switch (port) {
    case kNorth:
      return "N";
    case kEast:
      return "E";
    case kSouth:
      return "S";
    case kWest:
      return "W";
    case kRamp:
      return "RAMP";
    default:
      return "none";
  }
}

uint32_t Image::add_kernel(Kernel k) {
  kernels.push_back(std::move(k));
  return uint32_t(kernels.size() - 1);
}
void Image::place(Rect r, uint32_t kernel, uint32_t activate_mask, uint32_t block_mask) {
  placements.push_back({r, kernel, activate_mask, block_mask});
}
void Image::route(Rect r, uint32_t color, uint32_t rx, uint32_t tx_mask) {
  routes.push_back({r, color, rx, tx_mask});
}
void Image::sram(Rect r, uint32_t addr, std::vector<uint32_t> words) {
  srams.push_back({r, addr, std::move(words)});
}
void Image::reg(Rect r, uint32_t reg, uint32_t value) {
  regs.push_back({r, reg, value});
}
uint32_t Image::add_in_stream(InStream s) {
  in_streams.push_back(std::move(s));
  return uint32_t(in_streams.size() - 1);
}
uint32_t Image::add_out_stream(OutStream s) {
  out_streams.push_back(std::move(s));
  return uint32_t(out_streams.size() - 1);
}

uint32_t Image::sram_words() const {
  uint64_t words = 0;
  for (const auto& k : kernels) words = std::max<uint64_t>(words, k.data_words);
  for (const auto& s : srams) words = std::max<uint64_t>(words, uint64_t(s.addr) + s.words.size());
  return uint32_t(std::min<uint64_t>(words, kSramWords));
}

namespace {

std::string rect_str(const Rect& r) {
  std::ostringstream o;
  o << "rectangle x=" << r.x << " y=" << r.y << " w=" << r.w << " h=" << r.h;
  return o.str();
}

void check_rect(const Image& im, const Rect& r, const std::string& what) {
  if (r.w == 0 || r.h == 0 || uint64_t(r.x) + r.w > im.width || uint64_t(r.y) + r.h > im.height) {
    throw Error(what + ": " + rect_str(r) + " is empty or outside the " + std::to_string(im.width) + "x" +
                std::to_string(im.height) + " grid");
  }
}

bool is_scalar_op(uint32_t op) {
  return op < kScalarOpCount;
}

// Checks the static fields of one instruction; runtime-dependent values (addresses, colors taken from
// registers) are checked by the cycle function, which traps.
void check_instr(const Kernel& k, uint32_t pc, const Instr& in) {
  auto fail = [&](const std::string& why) {
    throw Error("kernel '" + k.name + "' pc " + std::to_string(pc) + " (" + op_name(in.op) + "): " + why);
  };
  auto reg_ok = [&](uint32_t r, const char* field) {
    if (r >= uint32_t(kRegs))
      fail(std::string("register field ") + field + " = " + std::to_string(r) + " (r0..r15)");
  };
  auto dsr_ok = [&](uint32_t d, const char* field) {
    if (d >= uint32_t(kDsrs))
      fail(std::string("descriptor field ") + field + " = " + std::to_string(d) + " (d0..d7)");
  };
  const uint32_t imm = uint32_t(in.imm);
  if (!is_scalar_op(in.op) && !is_vector_op(in.op)) fail("unknown opcode " + std::to_string(in.op));
  switch (in.op) {
    case kJmp:
    case kBeqz:
    case kBnez:
    case kBlt:
      if (imm >= k.code.size())
        fail("branch target " + std::to_string(in.imm) + " outside the kernel's code");
      break;
    case kActivate:
      if (imm < uint32_t(kFirstLocalTask) || imm >= uint32_t(kTasks))
        fail("activate needs a local task 24..31");
      if (k.entry[imm] == kUnbound)
        fail("activate of task " + std::to_string(imm) + ", which the kernel does not bind");
      break;
    case kBlock:
    case kUnblock:
      if (imm >= uint32_t(kTasks)) fail("task id " + std::to_string(in.imm) + " (0..31)");
      break;
    case kSend:
    case kRecv:
      if (imm >= uint32_t(kColors)) fail("color " + std::to_string(in.imm) + " (0..23)");
      break;
    default:
      break;
  }
  if (is_vector_op(in.op)) {
    dsr_ok(in.a, "a");
    (imm & vflag::kS0IsReg) ? reg_ok(in.b, "b") : dsr_ok(in.b, "b");
    (imm & vflag::kS1IsReg) ? reg_ok(in.c, "c") : dsr_ok(in.c, "c");
    if ((imm & vflag::kDoneActivate) && (imm & vflag::kDoneUnblock))
      fail("completion both activates and unblocks");
    const uint32_t done = (imm >> vflag::kDoneShift) & vflag::kDoneMask;
    if ((imm & vflag::kDoneActivate) && (done < uint32_t(kFirstLocalTask) || k.entry[done] == kUnbound)) {
      fail("completion activates task " + std::to_string(done) + ", which is not a bound local task");
    }
    if ((imm & (vflag::kDoneActivate | vflag::kDoneUnblock)) && !(imm & vflag::kAsync)) {
      fail("a completion action needs an asynchronous operation");
    }
  } else if (in.op >= kDld && in.op <= kDlen) {
    dsr_ok(in.a, "a");
    reg_ok(in.b, "b");
  } else {
    reg_ok(in.a, "a");
    reg_ok(in.b, "b");
    reg_ok(in.c, "c");
  }
}

void check_kernel(const Kernel& k) {
  const uint64_t code_words = uint64_t(k.code.size()) * kInstrWords;
  if (code_words + k.data_words > kSramWords) {
    throw Error("kernel '" + k.name + "' does not fit in SRAM: " + std::to_string(k.code.size()) +
                " instructions (" + std::to_string(code_words) + " words) + " + std::to_string(k.data_words) +
                " data words > " + std::to_string(kSramWords) + " words (48 KiB)");
  }
  for (uint32_t t = 0; t < uint32_t(kTasks); ++t) {
    if (k.entry[t] != kUnbound && k.entry[t] >= k.code.size()) {
      throw Error("kernel '" + k.name + "': task " + std::to_string(t) + " entry " +
                  std::to_string(k.entry[t]) + " is outside its " + std::to_string(k.code.size()) +
                  " instructions");
    }
  }
  for (uint32_t pc = 0; pc < k.code.size(); ++pc) check_instr(k, pc, k.code[pc]);
}

bool port_is_off_grid(const Image& im, uint32_t x, uint32_t y, uint32_t port) {
  switch (port) {
    case kNorth:
      return y == 0;
    case kSouth:
      return y + 1 == im.height;
    case kWest:
      return x == 0;
    case kEast:
      return x + 1 == im.width;
    default:
      return false;
  }
}

// The names section must describe the kernels it sits next to: a wrong table would make the host write
// to the wrong words or a report blame the wrong line.
void check_names(const Image& im) {
  if (!im.names.empty() && im.names.size() != im.kernels.size()) {
    throw Error("names: " + std::to_string(im.names.size()) + " kernel entries for " +
                std::to_string(im.kernels.size()) + " kernels");
  }
  for (size_t k = 0; k < im.names.size(); ++k) {
    const KernelNames& n = im.names[k];
    const Kernel& kern = im.kernels[k];
    const std::string what = "names of kernel '" + kern.name + "'";
    for (const auto& s : n.symbols) {
      if (uint64_t(s.addr) + s.words > kern.data_words) {
        throw Error(what + ": symbol '" + s.name + "' words [" + std::to_string(s.addr) + ", " +
                    std::to_string(uint64_t(s.addr) + s.words) + ") exceed the kernel's " +
                    std::to_string(kern.data_words) + " data words");
      }
    }
    for (const auto& t : n.tasks) {
      if (t.id >= uint32_t(kTasks) || kern.entry[t.id] == kUnbound)
        throw Error(what + ": task '" + t.name + "' has id " + std::to_string(t.id) + ", not a bound task");
    }
    if (!n.line_of_pc.empty() && n.line_of_pc.size() != kern.code.size()) {
      throw Error(what + ": line table has " + std::to_string(n.line_of_pc.size()) + " entries for " +
                  std::to_string(kern.code.size()) + " instructions");
    }
  }
  for (const auto& c : im.color_names) {
    if (c.count == 0 || uint64_t(c.color) + c.count > uint64_t(kColors)) {
      throw Error("color name '" + c.name + "': colors [" + std::to_string(c.color) + ", " +
                  std::to_string(uint64_t(c.color) + c.count) + ") do not exist (colors 0..23)");
    }
  }
}

}  // namespace

void Image::validate() const {
  if (width == 0 || height == 0)
    throw Error("image grid is empty (" + std::to_string(width) + "x" + std::to_string(height) + ")");
  if (uint64_t(width) * height > (1ull << 30))
    throw Error("image grid " + std::to_string(width) + "x" + std::to_string(height) + " is too large");
  for (const auto& k : kernels) check_kernel(k);
  for (size_t i = 0; i < placements.size(); ++i) {
    const auto& pl = placements[i];
    const std::string what = "placement " + std::to_string(i);
    check_rect(*this, pl.rect, what);
    if (pl.kernel >= kernels.size())
      throw Error(what + ": kernel " + std::to_string(pl.kernel) + " does not exist");
    const Kernel& k = kernels[pl.kernel];
    for (uint32_t t = 0; t < uint32_t(kTasks); ++t) {
      if ((pl.activate_mask >> t) & 1u) {
        if (t < uint32_t(kFirstLocalTask) || k.entry[t] == kUnbound) {
          throw Error(what + ": activates task " + std::to_string(t) +
                      ", not a bound local task of kernel '" + k.name + "'");
        }
      }
    }
  }
  for (size_t i = 0; i < routes.size(); ++i) {
    const auto& r = routes[i];
    const std::string what = "route " + std::to_string(i) + " (color " + std::to_string(r.color) + ")";
    check_rect(*this, r.rect, what);
    if (r.color >= uint32_t(kColors))
      throw Error(what + ": color " + std::to_string(r.color) + " does not exist (colors 0..23)");
    if (r.rx == kNoPort && r.tx_mask == 0) continue;  // clears the route
    if (r.rx > kRamp) throw Error(what + ": rx port " + std::to_string(r.rx) + " (N, E, S, W or RAMP)");
    if (r.tx_mask == 0 || r.tx_mask >= 32)
      throw Error(what + ": tx must name one or more of N, E, S, W, RAMP");
    if (r.rx != kRamp && (r.tx_mask & port_bit(r.rx))) {
      throw Error(what + ": sends back out of its rx port " + port_name(r.rx));
    }
  }
  for (size_t i = 0; i < srams.size(); ++i) {
    const auto& s = srams[i];
    const std::string what = "SRAM initialiser " + std::to_string(i);
    check_rect(*this, s.rect, what);
    if (uint64_t(s.addr) + s.words.size() > kSramWords) {
      throw Error(what + ": words [" + std::to_string(s.addr) + ", " +
                  std::to_string(uint64_t(s.addr) + s.words.size()) + ") exceed the " +
                  std::to_string(kSramWords) + "-word SRAM");
    }
  }
  for (size_t i = 0; i < regs.size(); ++i) {
    check_rect(*this, regs[i].rect, "register initialiser " + std::to_string(i));
    if (regs[i].reg >= uint32_t(kRegs))
      throw Error("register initialiser " + std::to_string(i) + ": register r" + std::to_string(regs[i].reg));
  }
  for (size_t i = 0; i < dsrs.size(); ++i) {
    check_rect(*this, dsrs[i].rect, "descriptor initialiser " + std::to_string(i));
    if (dsrs[i].dsr >= uint32_t(kDsrs))
      throw Error("descriptor initialiser " + std::to_string(i) + ": d" + std::to_string(dsrs[i].dsr));
  }
  // Ports in use: ((PE * 4 + port) * 2 + is_output) -> the streams there and the colors they use. An output
  // port takes one stream; input streams may share a port (the engine serves them in turn) when no color is
  // used by two of them, so that each color's wavelets arrive in one stream's order.
  struct PortUse {
    std::string first;
    uint32_t colors = 0;
  };
  std::unordered_map<uint64_t, PortUse> used;
  auto check_stream = [&](const std::string& what, uint32_t x, uint32_t y, uint32_t port, bool output,
                          uint32_t colors) {
    if (x >= width || y >= height)
      throw Error(what + ": PE(" + std::to_string(x) + "," + std::to_string(y) + ") is outside the grid");
    if (port > kWest || !port_is_off_grid(*this, x, y, port)) {
      throw Error(what + ": port " + port_name(port) + " of PE(" + std::to_string(x) + "," +
                  std::to_string(y) + ") is not an off-grid edge port");
    }
    const uint64_t key = ((uint64_t(y) * width + x) * 4 + port) * 2 + (output ? 1 : 0);
    const auto [it, fresh] = used.try_emplace(key, PortUse{what, colors});
    if (fresh) return;
    if (output) throw Error(what + ": the port is already used by " + it->second.first);
    if (const uint32_t both = it->second.colors & colors)
      throw Error(what + ": shares color " + std::to_string(std::countr_zero(both)) + " with " + it->second.first +
                  " on port " + port_name(port) + " of PE(" + std::to_string(x) + "," + std::to_string(y) +
                  "); streams on one port need colors of their own");
    it->second.colors |= colors;
  };
  for (const auto& s : in_streams) {
    const std::string what = "input stream '" + s.name + "'";
    if (s.color >= uint32_t(kColors))
      throw Error(what + ": color " + std::to_string(s.color) + " does not exist (colors 0..23)");
    if (!s.index.empty() && s.index.size() != s.payload.size())
      throw Error(what + ": index and payload lengths differ");
    if (!s.colors.empty() && s.colors.size() != s.payload.size())
      throw Error(what + ": " + std::to_string(s.colors.size()) + " colors for " + std::to_string(s.payload.size()) +
                  " wavelets");
    uint32_t mask = s.colors.empty() ? 1u << s.color : 0u;
    for (size_t i = 0; i < s.colors.size(); ++i) {
      if (s.colors[i] >= kColors)
        throw Error(what + ": wavelet " + std::to_string(i) + " has color " + std::to_string(s.colors[i]) +
                    ", which does not exist (colors 0..23)");
      mask |= 1u << s.colors[i];
    }
    check_stream(what, s.x, s.y, s.port, false, mask);
  }
  for (const auto& s : out_streams) {
    const std::string what = "output stream '" + s.name + "'";
    check_stream(what, s.x, s.y, s.port, true, 0);
    if (s.capacity == 0) throw Error(what + ": capacity is 0");
    if (s.expect > s.capacity) {
      throw Error(what + ": expects " + std::to_string(s.expect) + " wavelets, more than its capacity " +
                  std::to_string(s.capacity));
    }
  }
  check_names(*this);
}

const SymbolName* Image::symbol(uint32_t kernel, const std::string& name) const {
  if (kernel >= names.size()) return nullptr;
  for (const auto& s : names[kernel].symbols) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const TaskName* Image::task(uint32_t kernel, const std::string& name) const {
  if (kernel >= names.size()) return nullptr;
  for (const auto& t : names[kernel].tasks) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::string Image::source_line(uint32_t kernel, uint32_t pc) const {
  if (kernel >= names.size() || pc >= names[kernel].line_of_pc.size()) return "";
  return names[kernel].file + ":" + std::to_string(names[kernel].line_of_pc[pc]);
}

std::string Image::color_name(uint32_t c) const {
  for (const auto& n : color_names) {
    if (c >= n.color && c - n.color < n.count)
      return n.count == 1 ? n.name : n.name + "[" + std::to_string(c - n.color) + "]";
  }
  return "";
}

}  // namespace wafer
