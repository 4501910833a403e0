// One cycle of one PE, and one cycle of one host stream: the semantics of machine model v1, written once
// and compiled for both engines (docs/machine-model.md is the prose version; keep them in step).
//
// Contract: a PE's step reads its own state, its neighbours' link registers and published queue counts
// of the previous cycle (buffer `prev`), and writes only its own state, its own next-buffer registers and
// clears the previous-buffer link registers addressed to it. Hence PEs may be stepped in any order or in
// parallel, and the result is bit-identical.
//
// The functions are templates over the view of the state: the engines use MachineView (plain pointers); the
// race checker (tests/race) a view whose arrays record every element each thread reads and writes, which
// checks this contract rather than trusting it. Hence `auto` and `decltype(auto)` where an element is
// named: a plain reference for MachineView, a recording proxy for the checker.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#include "host/model/constants.h"
#include "host/model/hd.h"
#include "host/model/isa.h"
#include "host/model/state.h"

namespace wafer {

struct StepResult {
  bool progress;  // something moved or computed
  bool has_work;  // must be stepped next cycle
};

// ---- packed 2-bit queue counts
WAFER_HD inline uint32_t count_of(uint64_t counts, uint32_t color) {
  return uint32_t(counts >> (2 * color)) & 3u;
}
WAFER_HD inline uint64_t set_count(uint64_t counts, uint32_t color, uint32_t v) {
  return (counts & ~(uint64_t(3) << (2 * color))) | (uint64_t(v) << (2 * color));
}
// Bit c set when color c's count is non-zero: OR each 2-bit count into its low bit, then compact the
// even bits (a branch-free pext).
WAFER_HD inline uint32_t nonempty_mask(uint64_t counts) {
  uint64_t x = (counts | (counts >> 1)) & 0x5555555555555555ull;
  x = (x | (x >> 1)) & 0x3333333333333333ull;
  x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0Full;
  x = (x | (x >> 4)) & 0x00FF00FF00FF00FFull;
  x = (x | (x >> 8)) & 0x0000FFFF0000FFFFull;
  x = (x | (x >> 16)) & 0x00000000FFFFFFFFull;
  return uint32_t(x);
}

// Index of the lowest set bit; v must be non-zero.
WAFER_HD inline uint32_t lowest_bit(uint32_t v) {
#if defined(__CUDA_ARCH__)
  return uint32_t(__ffs(int(v)) - 1);
#else
  return uint32_t(__builtin_ctz(v));
#endif
}

// ---- fp32 helpers: results are canonicalised so NaN bit patterns match on every executor.
WAFER_HD inline float as_float(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}
WAFER_HD inline uint32_t as_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  if ((u & 0x7F800000u) == 0x7F800000u && (u & 0x007FFFFFu) != 0) return 0x7FC00000u;
  return u;
}
WAFER_HD inline uint32_t fp_add(uint32_t a, uint32_t b) {
  return as_bits(as_float(a) + as_float(b));
}
WAFER_HD inline uint32_t fp_sub(uint32_t a, uint32_t b) {
  return as_bits(as_float(a) - as_float(b));
}
WAFER_HD inline uint32_t fp_mul(uint32_t a, uint32_t b) {
  return as_bits(as_float(a) * as_float(b));
}
WAFER_HD inline uint32_t fp_fma(uint32_t a, uint32_t b, uint32_t c) {
  return as_bits(fmaf(as_float(a), as_float(b), as_float(c)));
}
// max with fixed rules: a NaN operand loses to a number; +0 beats -0 (library fmaxf leaves both open).
WAFER_HD inline uint32_t fp_max(uint32_t a, uint32_t b) {
  const float fa = as_float(a), fb = as_float(b);
  if (fa != fa) return as_bits(fb);
  if (fb != fb) return a;
  if (fa > fb) return a;
  if (fb > fa) return b;
  return (a & 0x80000000u) ? b : a;
}
WAFER_HD inline bool fp_is_zero(uint32_t a) {
  return (a & 0x7FFFFFFFu) == 0;
}

// Neighbour of (x, y) in direction d, or false when off the grid.
WAFER_HD inline bool neighbour(uint32_t w, uint32_t h, uint32_t x, uint32_t y, uint32_t d, uint32_t* q) {
  switch (d) {
    case kNorth:
      if (y == 0) return false;
      *q = (y - 1) * w + x;
      return true;
    case kSouth:
      if (y + 1 >= h) return false;
      *q = (y + 1) * w + x;
      return true;
    case kWest:
      if (x == 0) return false;
      *q = y * w + x - 1;
      return true;
    default:
      if (x + 1 >= w) return false;
      *q = y * w + x + 1;
      return true;
  }
}

// Layout of an op slot (kOpSlotWords words):
//   w0: op (0..7) | active (8) | async (9) | done task (10..14) | done-activate (15) | done-unblock (16)
//       | dst kind (17..18) | s0 kind (19..20) | s1 kind (21..22) | dst skip-zeros (23)
//   w1: length (0..15) | elements done (16..31)
//   w2, w3, w4: dst, s0, s1: base address, color, or (kind kOperandReg) the register's value at issue
//   w5: dst stride (0..15) | s0 stride (16..31);  w6: s1 stride (0..15) | issuing pc (16..31)
//   w7: fmac scalar value at issue
namespace opslot {
inline constexpr uint32_t kActive = 1u << 8;
inline constexpr uint32_t kAsync = 1u << 9;
inline constexpr uint32_t kDoneTaskShift = 10;
inline constexpr uint32_t kDoneActivate = 1u << 15;
inline constexpr uint32_t kDoneUnblock = 1u << 16;
inline constexpr uint32_t kDstKindShift = 17;
inline constexpr uint32_t kS0KindShift = 19;
inline constexpr uint32_t kS1KindShift = 21;
inline constexpr uint32_t kSkipZeros = 1u << 23;
inline constexpr uint32_t kOperandReg = 3;  // operand kind: a register value (replaces kDescInvalid)
}  // namespace opslot

// What one contender (the main thread or a microthread) did this cycle.
enum class Outcome : uint32_t { kIdle, kAdvanced, kStallIn, kStallOut, kStallSlot, kStallThread, kTrapped };

template <class View>
class BasicPeCycle {
  using Words = decltype(View::rq_pay);  // a uint32_t array of the state (uint32_t* for MachineView)

 public:
  WAFER_HD BasicPeCycle(const View& m, uint32_t p, uint64_t t)
      : BasicPeCycle(m, p, p % m.width, p / m.width, t) {}
  // For callers that already know (x, y) (the CPU engine walks rows): saves a division per PE-cycle.
  WAFER_HD BasicPeCycle(const View& m, uint32_t p, uint32_t x, uint32_t y, uint64_t t)
      : m_(m), p_(p), n_(m.n), t_(t), prev_(uint32_t((t + 1) & 1)), next_(uint32_t(t & 1)), x_(x), y_(y) {}

  WAFER_HD StepResult run() {
    const uint32_t flags = m_.flags[p_];
    if (flags & kFlagTrapped) return {false, false};

    // Links toward this PE, written by neighbours (or input streams) last cycle. Interior PEs, nearly all
    // of them, take the direct path: this read is all an idle PE costs.
    uint64_t in_index[kDirs];
    bool any_in = false;
    const uint32_t w = m_.width;
    if (x_ > 0 && y_ > 0 && x_ + 1 < w && y_ + 1 < m_.height) {
      const uint64_t base = uint64_t(prev_ * kDirs) * n_;
      in_index[kNorth] = base + uint64_t(kSouth) * n_ + p_ - w;
      in_index[kEast] = base + uint64_t(kWest) * n_ + p_ + 1;
      in_index[kSouth] = base + uint64_t(kNorth) * n_ + p_ + w;
      in_index[kWest] = base + uint64_t(kEast) * n_ + p_ - 1;
      for (uint32_t d = 0; d < uint32_t(kDirs); ++d) {
        in_meta_[d] = m_.link_meta[in_index[d]];
        any_in |= (in_meta_[d] & kLinkValid) != 0;
      }
    } else {
      any_in = read_edge_pe_links(in_index);
    }
    if (!(flags & kFlagHasWork) && !any_in) {
      // Idle: queues are empty; the other buffer of the published counts may still be stale.
      auto&& occ_next = m_.occ[uint64_t(next_) * n_ + p_];
      if (occ_next != 0) occ_next = 0;
      return {false, false};
    }

    rq_ = m_.occ[uint64_t(prev_) * n_ + p_];
    cq_ = m_.cq_count[p_];
    ingest(in_index);
    if (!trapped_ && m_.kernel[p_] != kNoKernel) core();
    if (!trapped_) route();
    if (trapped_) return {progress_, false};

    m_.occ[uint64_t(next_) * n_ + p_] = rq_;
    m_.cq_count[p_] = cq_;
    const uint32_t task = m_.task[p_];
    bool ops_active = false;
    for (uint32_t s = 0; s < uint32_t(kOpSlots); ++s) ops_active |= (op(s, 0) & opslot::kActive) != 0;
    bool runnable_local = false;
    if (m_.kernel[p_] != kNoKernel) {
      runnable_local = (m_.activated[p_] & ~m_.blocked[p_] & m_.kernels[m_.kernel[p_]].bound_mask) != 0;
    }
    const bool has_work =
        rq_ != 0 || cq_ != 0 || task != kNoTask || ops_active || runnable_local || m_.lastsent[p_] != 0;
    m_.flags[p_] = has_work ? kFlagHasWork : 0u;
    return {progress_, has_work};
  }

 private:
  // ---------------------------------------------------------------- helpers
  WAFER_HD decltype(auto) op(uint32_t slot, uint32_t word) const {
    return m_.ops[uint64_t(slot * kOpSlotWords + word) * n_ + p_];
  }
  WAFER_HD decltype(auto) reg(uint32_t r) const { return m_.regs[uint64_t(r) * n_ + p_]; }
  WAFER_HD decltype(auto) dsr(uint32_t d, uint32_t word) const {
    return m_.dsr[uint64_t(d * kDsrWords + word) * n_ + p_];
  }
  WAFER_HD decltype(auto) ctr(uint32_t c) const { return m_.ctr[uint64_t(c) * n_ + p_]; }
  WAFER_HD uint32_t route_of(uint32_t color) const {
    return (m_.route[uint64_t(color / 4) * n_ + p_] >> (8 * (color % 4))) & 0xFFu;
  }
  WAFER_HD decltype(auto) sram(uint32_t addr) const { return m_.sram[uint64_t(addr) * n_ + p_]; }

  WAFER_HD void trap(uint32_t cause, uint32_t value) {
    if (trapped_) return;
    trapped_ = true;
    m_.flags[p_] |= kFlagTrapped;
    m_.trap_cycle[p_] = t_;
    m_.trap_cause[p_] = cause;
    m_.trap_pc[p_] = trap_pc_;
    m_.trap_value[p_] = value;
  }

  // Queues: slot 0 is the head; a pop moves slot 1 down.
  WAFER_HD void push(const Words& pay, const Words& meta, uint64_t& counts, uint32_t color, uint32_t payload,
                     uint32_t m) {
    const uint32_t k = count_of(counts, color);
    if (k >= uint32_t(kQueueDepth)) {
      trap(kTrapQueueOverflow, color);
      return;
    }
    pay[uint64_t(color * kQueueDepth + k) * n_ + p_] = payload;
    meta[uint64_t(color * kQueueDepth + k) * n_ + p_] = m;
    counts = set_count(counts, color, k + 1);
  }
  WAFER_HD void pop(const Words& pay, const Words& meta, uint64_t& counts, uint32_t color) {
    const uint32_t k = count_of(counts, color);
    const uint64_t h = uint64_t(color * kQueueDepth) * n_ + p_;
    if (k == 2) {
      pay[h] = pay[h + n_];
      meta[h] = meta[h + n_];
    }
    counts = set_count(counts, color, k - 1);
  }
  WAFER_HD uint32_t head_pay(const Words& pay, uint32_t color) const {
    return pay[uint64_t(color * kQueueDepth) * n_ + p_];
  }

  // The incoming links of a PE on the grid's edge: a neighbour's link or, off the grid, the edge slot an
  // input stream writes. Returns whether any holds a wavelet.
  WAFER_HD bool read_edge_pe_links(uint64_t* in_index) {
    bool any_in = false;
    for (uint32_t d = 0; d < uint32_t(kDirs); ++d) {
      uint32_t q;
      if (neighbour(m_.width, m_.height, x_, y_, d, &q)) {
        in_index[d] = uint64_t(prev_ * kDirs + (d ^ 2u)) * n_ + q;
        in_meta_[d] = m_.link_meta[in_index[d]];
      } else {
        in_index[d] = uint64_t(prev_) * m_.edge_slots() + edge_slot(m_.width, m_.height, x_, y_, d);
        in_meta_[d] = m_.edge_in_meta[in_index[d]];
      }
      any_in |= (in_meta_[d] & kLinkValid) != 0;
    }
    return any_in;
  }

  // ---------------------------------------------------------------- (1) ingest
  WAFER_HD void ingest(const uint64_t* in_index) {
    trap_pc_ = kNoPc;
    for (uint32_t d = 0; d < uint32_t(kDirs) && !trapped_; ++d) {
      const uint32_t meta = in_meta_[d];
      if (!(meta & kLinkValid)) continue;
      const bool from_edge = !neighbour_exists(d);
      const Words& link_pay = from_edge ? m_.edge_in_pay : m_.link_pay;
      const Words& link_meta = from_edge ? m_.edge_in_meta : m_.link_meta;
      const uint32_t color = meta_color(meta);
      if (route_rx(route_of(color)) != d) {
        trap(kTrapNoRoute, color | (d << 8));
        return;
      }
      push(m_.rq_pay, m_.rq_meta, rq_, color, link_pay[in_index[d]], meta & (0xFFFFu | kMetaCtrl));
      link_meta[in_index[d]] = 0;
      ++ctr(kCtrWaveletsIn);
      ++ctr(kCtrInNorth + d);
      progress_ = true;
    }
  }
  WAFER_HD bool neighbour_exists(uint32_t d) const {
    uint32_t q;
    return neighbour(m_.width, m_.height, x_, y_, d, &q);
  }

  // ---------------------------------------------------------------- (2) core
  WAFER_HD void core() {
    const KernelInfo& k = m_.kernels[m_.kernel[p_]];
    kernel_ = &k;
    uint32_t task = m_.task[p_];
    if (task == kNoTask) {
      const uint32_t data_ready = nonempty_mask(cq_) & k.bound_mask;
      const uint32_t runnable =
          (data_ready | (m_.activated[p_] & k.bound_mask & 0xFF000000u)) & ~m_.blocked[p_];
      if (runnable != 0) {
        task = lowest_bit(runnable);
        m_.task[p_] = task;
        m_.pc[p_] = k.entry[task];
        if (task < uint32_t(kFirstLocalTask)) {
          reg(0) = head_pay(m_.cq_pay, task);
          reg(1) = meta_index(m_.cq_meta[uint64_t(task * kQueueDepth) * n_ + p_]);
          pop(m_.cq_pay, m_.cq_meta, cq_, task);
        } else {
          m_.activated[p_] &= ~(1u << task);
        }
        progress_ = true;
      }
    }

    uint32_t rr = m_.rr[p_];
    const uint32_t first = (rr >> 8) & 0xFFu;
    uint32_t stalls = 0;  // bit per Outcome
    bool advanced = false;
    int winner = -1;
    for (uint32_t i = 0; i < uint32_t(kOpSlots) && !trapped_; ++i) {
      const uint32_t s = (first + i) % uint32_t(kOpSlots);
      Outcome o = Outcome::kIdle;
      if (s == 0) {
        if (m_.task[p_] == kNoTask) continue;
        o = (op(0, 0) & opslot::kActive) ? advance(0) : execute();
      } else if ((op(s, 0) & opslot::kActive) && !(issued_ & (1u << s))) {
        o = advance(s);
      }
      if (o == Outcome::kAdvanced) {
        advanced = true;
        if (slot_used_ && winner < 0) winner = int(s);
      } else if (o != Outcome::kIdle && o != Outcome::kTrapped) {
        stalls |= 1u << uint32_t(o);
      }
    }
    if (trapped_) return;
    if (winner >= 0) m_.rr[p_] = (rr & ~0xFF00u) | (uint32_t((winner + 1) % kOpSlots) << 8);
    if (advanced) {
      progress_ = true;
      ++ctr(kCtrBusy);
    } else if (stalls & (1u << uint32_t(Outcome::kStallIn))) {
      ++ctr(kCtrStallFabricIn);
    } else if (stalls & (1u << uint32_t(Outcome::kStallOut))) {
      ++ctr(kCtrStallFabricOut);
    } else if (stalls & (1u << uint32_t(Outcome::kStallSlot))) {
      ++ctr(kCtrStallSlot);
    } else if (stalls & (1u << uint32_t(Outcome::kStallThread))) {
      ++ctr(kCtrStallThread);
    }
  }

  WAFER_HD bool take_slot() {
    if (slot_used_) return false;
    slot_used_ = true;
    ++ctr(kCtrArith);
    return true;
  }

  WAFER_HD bool data_addr_ok(uint32_t addr) {
    if (addr < kernel_->mem_limit) return true;
    trap(kTrapSramRange, addr);
    return false;
  }

  // Executes the main thread's next instruction.
  WAFER_HD Outcome execute() {
    uint32_t pc = m_.pc[p_];
    trap_pc_ = pc;
    if (pc >= kernel_->code_len) {
      trap(kTrapBadInstr, pc);
      return Outcome::kTrapped;
    }
    const Instr in = m_.code[kernel_->code_offset + pc];
    if (is_vector_op(in.op)) return issue_vector(in);

    // Instructions that can wait on the fabric check before taking the slot.
    if (in.op == kSend) {
      const uint32_t color = uint32_t(in.imm);
      if (route_rx(route_of(color)) != kRamp) {
        trap(kTrapRampNotRx, color);
        return Outcome::kTrapped;
      }
      if (count_of(rq_, color) >= uint32_t(kQueueDepth)) return Outcome::kStallOut;
    } else if (in.op == kRecv) {
      if (count_of(cq_, uint32_t(in.imm)) == 0) return Outcome::kStallIn;
    }
    if (!take_slot()) return Outcome::kStallSlot;

    uint32_t next_pc = pc + 1;
    const uint32_t a = in.a, b = in.b, c = in.c;
    switch (in.op) {
      case kNop:
        break;
      case kRet:
        m_.task[p_] = kNoTask;
        break;
      case kJmp:
        next_pc = uint32_t(in.imm);
        break;
      case kBeqz:
        if (reg(a) == 0) next_pc = uint32_t(in.imm);
        break;
      case kBnez:
        if (reg(a) != 0) next_pc = uint32_t(in.imm);
        break;
      case kBlt:
        if (int32_t(reg(a)) < int32_t(reg(b))) next_pc = uint32_t(in.imm);
        break;
      case kLi:
        reg(a) = uint32_t(in.imm);
        break;
      case kMov:
        reg(a) = reg(b);
        break;
      case kAdd:
        reg(a) = reg(b) + reg(c);
        break;
      case kAddi:
        reg(a) = reg(b) + uint32_t(in.imm);
        break;
      case kSub:
        reg(a) = reg(b) - reg(c);
        break;
      case kMul:
        reg(a) = reg(b) * reg(c);
        break;
      case kAnd:
        reg(a) = reg(b) & reg(c);
        break;
      case kOr:
        reg(a) = reg(b) | reg(c);
        break;
      case kXor:
        reg(a) = reg(b) ^ reg(c);
        break;
      case kShl:
        reg(a) = reg(b) << (reg(c) & 31u);
        break;
      case kShr:
        reg(a) = reg(b) >> (reg(c) & 31u);
        break;
      case kFadd:
        reg(a) = fp_add(reg(b), reg(c));
        break;
      case kFsub:
        reg(a) = fp_sub(reg(b), reg(c));
        break;
      case kFmul:
        reg(a) = fp_mul(reg(b), reg(c));
        break;
      case kFmax:
        reg(a) = fp_max(reg(b), reg(c));
        break;
      case kFma:
        reg(a) = fp_fma(reg(b), reg(c), reg(a));
        break;
      case kLd: {
        const uint32_t addr = reg(b) + uint32_t(in.imm);
        if (!data_addr_ok(addr)) return Outcome::kTrapped;
        reg(a) = sram(addr);
        break;
      }
      case kSt: {
        const uint32_t addr = reg(b) + uint32_t(in.imm);
        if (!data_addr_ok(addr)) return Outcome::kTrapped;
        sram(addr) = reg(a);
        break;
      }
      case kActivate:
        m_.activated[p_] |= 1u << uint32_t(in.imm);
        break;
      case kBlock:
        m_.blocked[p_] |= 1u << uint32_t(in.imm);
        break;
      case kUnblock:
        m_.blocked[p_] &= ~(1u << uint32_t(in.imm));
        break;
      case kSend:
        push(m_.rq_pay, m_.rq_meta, rq_, uint32_t(in.imm), reg(a), reg(b) & 0xFFFFu);
        break;
      case kRecv: {
        const uint32_t color = uint32_t(in.imm);
        const uint32_t payload = head_pay(m_.cq_pay, color);
        const uint32_t index = meta_index(m_.cq_meta[uint64_t(color * kQueueDepth) * n_ + p_]);
        pop(m_.cq_pay, m_.cq_meta, cq_, color);
        reg(a) = payload;
        reg(b) = index;
        break;
      }
      case kDld: {
        const uint32_t addr = reg(b) + uint32_t(in.imm);
        if (!data_addr_ok(addr) || !data_addr_ok(addr + 1)) return Outcome::kTrapped;
        dsr(a, 0) = sram(addr);
        dsr(a, 1) = sram(addr + 1);
        break;
      }
      case kDset0:
        dsr(a, 0) = uint32_t(in.imm);
        break;
      case kDset1:
        dsr(a, 1) = uint32_t(in.imm);
        break;
      case kDbase:
        dsr(a, 0) = (dsr(a, 0) & ~0xFFFFu) | (reg(b) & 0xFFFFu);
        break;
      case kDlen:
        dsr(a, 1) = (dsr(a, 1) & ~0xFFFFu) | (reg(b) & 0xFFFFu);
        break;
      default:
        trap(kTrapBadInstr, in.op);
        return Outcome::kTrapped;
    }
    if (trapped_) return Outcome::kTrapped;
    m_.pc[p_] = next_pc;
    return Outcome::kAdvanced;
  }

  // Decodes one source or destination operand into (kind, value, stride). Returns false on a trap.
  WAFER_HD bool decode_operand(uint32_t field, bool is_reg, uint32_t* kind, uint32_t* value, uint32_t* stride,
                               bool* skip) {
    if (is_reg) {
      *kind = opslot::kOperandReg;
      *value = reg(field);
      *stride = 0;
      return true;
    }
    const uint32_t w0 = dsr(field, 0), w1 = dsr(field, 1);
    *kind = desc_kind(w0);
    *value = desc_base(w0);
    *stride = uint32_t(desc_stride(w1)) & 0xFFFFu;
    if (skip) *skip = (w0 & kDescSkipZeros) != 0;
    if (*kind == kDescInvalid) {
      trap(kTrapBadOperand, w0);
      return false;
    }
    if (*kind != kDescMem && *value >= uint32_t(kColors)) {
      trap(kTrapBadOperand, w0);
      return false;
    }
    return true;
  }

  WAFER_HD Outcome issue_vector(const Instr& in) {
    const uint32_t flags = uint32_t(in.imm);
    const bool async = (flags & vflag::kAsync) != 0;
    uint32_t slot = 0;
    if (async) {
      slot = kOpSlots;
      for (uint32_t s = 1; s < uint32_t(kOpSlots); ++s) {
        if (!(op(s, 0) & opslot::kActive)) {
          slot = s;
          break;
        }
      }
      if (slot == uint32_t(kOpSlots)) return Outcome::kStallThread;
    }
    if (!take_slot()) return Outcome::kStallSlot;

    uint32_t dk, dv, ds, s0k, s0v, s0s, s1k = kDescMem, s1v = 0, s1s = 0;
    bool skip = false;
    if (!decode_operand(in.a, false, &dk, &dv, &ds, &skip)) return Outcome::kTrapped;
    if (!decode_operand(in.b, (flags & vflag::kS0IsReg) != 0, &s0k, &s0v, &s0s, nullptr))
      return Outcome::kTrapped;
    const bool binary = in.op != kVmov && in.op != kVfneg;
    if (binary && !decode_operand(in.c, (flags & vflag::kS1IsReg) != 0, &s1k, &s1v, &s1s, nullptr)) {
      return Outcome::kTrapped;
    }
    if (dk != kDescMem && dk != kDescFabOut) {
      trap(kTrapBadOperand, dsr(in.a, 0));
      return Outcome::kTrapped;
    }
    if (s0k == kDescFabOut || s1k == kDescFabOut ||
        (binary && s0k == kDescFabIn && s1k == kDescFabIn && s0v == s1v)) {
      trap(kTrapBadOperand, dsr(s0k == kDescFabOut ? in.b : in.c, 0));  // the offending word0
      return Outcome::kTrapped;
    }
    if (dk == kDescFabOut && route_rx(route_of(dv)) != kRamp) {
      trap(kTrapRampNotRx, dv);
      return Outcome::kTrapped;
    }
    const uint32_t length = desc_len(dsr(in.a, 1));
    const uint32_t done_task = (flags >> vflag::kDoneShift) & vflag::kDoneMask;
    op(slot, 0) = uint32_t(in.op) | opslot::kActive | (async ? opslot::kAsync : 0u) |
                  (done_task << opslot::kDoneTaskShift) |
                  ((flags & vflag::kDoneActivate) ? opslot::kDoneActivate : 0u) |
                  ((flags & vflag::kDoneUnblock) ? opslot::kDoneUnblock : 0u) |
                  (dk << opslot::kDstKindShift) | (s0k << opslot::kS0KindShift) |
                  (s1k << opslot::kS1KindShift) | (skip ? opslot::kSkipZeros : 0u);
    op(slot, 1) = length;
    op(slot, 2) = dv;
    op(slot, 3) = s0v;
    op(slot, 4) = s1v;
    op(slot, 5) = ds | (s0s << 16);
    op(slot, 6) = s1s | (m_.pc[p_] << 16);  // issuing pc, for trap reports
    op(slot, 7) = reg((flags >> vflag::kScalarShift) & vflag::kScalarMask);
    issued_ |= 1u << slot;
    m_.pc[p_] += 1;
    if (length == 0) finish(slot);
    return Outcome::kAdvanced;
  }

  // Reads element i of a source operand without side effects. Returns false on a trap.
  WAFER_HD bool peek(uint32_t kind, uint32_t value, uint32_t stride, uint32_t i, uint32_t* out) {
    switch (kind) {
      case opslot::kOperandReg:
        *out = value;
        return true;
      case kDescFabIn:
        *out = head_pay(m_.cq_pay, value);
        return true;
      default: {
        const uint32_t addr = value + uint32_t(int32_t(int16_t(uint16_t(stride)))) * i;
        if (!data_addr_ok(addr)) return false;
        *out = sram(addr);
        return true;
      }
    }
  }

  // Advances the op in `slot` by at most one element.
  WAFER_HD Outcome advance(uint32_t slot) {
    const uint32_t w0 = op(slot, 0);
    trap_pc_ = op(slot, 6) >> 16;
    const uint32_t opcode = w0 & 0xFFu;
    const uint32_t dk = (w0 >> opslot::kDstKindShift) & 3u;
    const uint32_t s0k = (w0 >> opslot::kS0KindShift) & 3u;
    const uint32_t s1k = (w0 >> opslot::kS1KindShift) & 3u;
    const bool binary = opcode != kVmov && opcode != kVfneg;
    const uint32_t dv = op(slot, 2), s0v = op(slot, 3), s1v = op(slot, 4);
    if (s0k == kDescFabIn && count_of(cq_, s0v) == 0) return Outcome::kStallIn;
    if (binary && s1k == kDescFabIn && count_of(cq_, s1v) == 0) return Outcome::kStallIn;

    const uint32_t i = op(slot, 1) >> 16;
    const uint32_t strides = op(slot, 5);
    uint32_t a = 0, b = 0;
    if (!peek(s0k, s0v, strides >> 16, i, &a)) return Outcome::kTrapped;
    if (binary && !peek(s1k, s1v, op(slot, 6), i, &b)) return Outcome::kTrapped;
    uint32_t r;
    switch (opcode) {
      case kVmov:
        r = a;
        break;
      case kVfadd:
        r = fp_add(a, b);
        break;
      case kVfsub:
        r = fp_sub(a, b);
        break;
      case kVfmul:
        r = fp_mul(a, b);
        break;
      case kVfmax:
        r = fp_max(a, b);
        break;
      case kVfneg:
        r = a ^ 0x80000000u;
        break;
      case kVfmac:
        r = fp_fma(b, op(slot, 7), a);
        break;
      default:
        r = a + b;
        break;  // kViadd
    }
    const bool send = dk == kDescFabOut && !((w0 & opslot::kSkipZeros) && fp_is_zero(r));
    if (send && count_of(rq_, dv) >= uint32_t(kQueueDepth)) return Outcome::kStallOut;
    uint32_t dst_addr = 0;
    if (dk == kDescMem) {
      dst_addr = dv + uint32_t(int32_t(int16_t(uint16_t(strides & 0xFFFFu)))) * i;
      if (!data_addr_ok(dst_addr)) return Outcome::kTrapped;
    }
    if (opcode != kVmov && !take_slot()) return Outcome::kStallSlot;

    if (s0k == kDescFabIn) pop(m_.cq_pay, m_.cq_meta, cq_, s0v);
    if (binary && s1k == kDescFabIn) pop(m_.cq_pay, m_.cq_meta, cq_, s1v);
    if (dk == kDescMem) {
      sram(dst_addr) = r;
    } else if (send) {
      push(m_.rq_pay, m_.rq_meta, rq_, dv, r, i & 0xFFFFu);
    }
    const uint32_t done = i + 1;
    op(slot, 1) = (op(slot, 1) & 0xFFFFu) | (done << 16);
    if (done >= (op(slot, 1) & 0xFFFFu)) finish(slot);
    return Outcome::kAdvanced;
  }

  WAFER_HD void finish(uint32_t slot) {
    const uint32_t w0 = op(slot, 0);
    op(slot, 0) = w0 & ~opslot::kActive;
    const uint32_t task_bit = 1u << ((w0 >> opslot::kDoneTaskShift) & 31u);
    if (w0 & opslot::kDoneActivate) m_.activated[p_] |= task_bit;
    if (w0 & opslot::kDoneUnblock) m_.blocked[p_] &= ~task_bit;
  }

  // ---------------------------------------------------------------- (3) router
  WAFER_HD void route() {
    trap_pc_ = kNoPc;
    const uint32_t nonempty = nonempty_mask(rq_);
    const uint32_t last = m_.lastsent[p_];
    uint32_t sent = 0;
    if (nonempty == 0) {
      if (last != 0) m_.lastsent[p_] = 0;
      return;
    }
    const uint32_t rr = m_.rr[p_];
    const uint32_t first = rr & 0xFFu;
    uint32_t used = 0;
    int first_moved = -1;
    bool blocked = false;
    // Non-empty colors in round-robin order: first, first + 1, ..., 23, then 0, ..., first - 1. One mask
    // rotated right by `first` (bit i = color first + i, wrapping): a reference chosen at run time between
    // two masks would force them into a local-memory stack frame on the GPU. rr only ever holds a color
    // (< kColors); a larger value orders from color 0, as masking with ~0u << first did.
    const uint32_t rot = first < uint32_t(kColors) ? first : 0u;
    const uint32_t all = (1u << kColors) - 1u;
    uint32_t todo = ((nonempty >> rot) | (nonempty << (uint32_t(kColors) - rot))) & all;
    while (todo != 0) {
      const uint32_t bit = lowest_bit(todo);
      todo &= todo - 1;
      const uint32_t color = bit + rot < uint32_t(kColors) ? bit + rot : bit + rot - uint32_t(kColors);
      const uint32_t tx = route_tx(route_of(color));
      bool ok = (tx & used) == 0 && tx != 0;
      uint32_t q[kDirs];
      for (uint32_t d = 0; d < uint32_t(kDirs); ++d) {
        if (!(tx & (1u << d))) continue;
        if (neighbour(m_.width, m_.height, x_, y_, d, &q[d])) {
          const uint32_t in_flight = ((last >> (8 * d)) & 0xFFu) == (0x80u | color) ? 1u : 0u;
          ok &= count_of(m_.occ[uint64_t(prev_) * n_ + q[d]], color) + in_flight < uint32_t(kQueueDepth);
        } else if (m_.edge_out_stream[edge_slot(m_.width, m_.height, x_, y_, d)] < 0) {
          trap(kTrapOffGrid, color | (d << 8));
          return;
        }
      }
      if ((tx & (1u << kRamp)) && count_of(cq_, color) >= uint32_t(kQueueDepth)) ok = false;
      if (!ok) {
        blocked = true;
        continue;
      }
      const uint32_t payload = head_pay(m_.rq_pay, color);
      const uint32_t meta = m_.rq_meta[uint64_t(color * kQueueDepth) * n_ + p_];
      const uint32_t link = kLinkValid | (color << 16) | meta;
      for (uint32_t d = 0; d < uint32_t(kDirs); ++d) {
        if (!(tx & (1u << d))) continue;
        uint32_t tmp;
        if (neighbour(m_.width, m_.height, x_, y_, d, &tmp)) {
          const uint64_t at = uint64_t(next_ * kDirs + d) * n_ + p_;
          m_.link_pay[at] = payload;
          m_.link_meta[at] = link;
        } else {
          const uint64_t at = uint64_t(next_) * m_.edge_slots() + edge_slot(m_.width, m_.height, x_, y_, d);
          m_.edge_out_pay[at] = payload;
          m_.edge_out_meta[at] = link;
        }
        sent |= (0x80u | color) << (8 * d);
        ++ctr(kCtrWaveletsOut);
        ++ctr(kCtrOutNorth + d);
      }
      if (tx & (1u << kRamp)) push(m_.cq_pay, m_.cq_meta, cq_, color, payload, meta);
      pop(m_.rq_pay, m_.rq_meta, rq_, color);
      used |= tx;
      progress_ = true;
      if (first_moved < 0) first_moved = int(color);
    }
    if (blocked) ++ctr(kCtrRouterBlocked);
    if (first_moved >= 0) m_.rr[p_] = (rr & ~0xFFu) | uint32_t((first_moved + 1) % kColors);
    if (sent != last) m_.lastsent[p_] = sent;
  }

  const View& m_;
  const uint32_t p_, n_;
  const uint64_t t_;
  const uint32_t prev_, next_;
  const uint32_t x_, y_;
  uint32_t in_meta_[kDirs] = {};
  uint64_t rq_ = 0, cq_ = 0;
  const KernelInfo* kernel_ = nullptr;
  bool progress_ = false;
  bool trapped_ = false;
  bool slot_used_ = false;
  uint32_t issued_ = 0;       // op slots filled this cycle: their first element runs next cycle
  uint32_t trap_pc_ = kNoPc;  // instruction a trap is charged to (kNoPc: the router)
};

using PeCycle = BasicPeCycle<MachineView>;

// One cycle of host input stream i: the port's group leader injects the next wavelet of the first member,
// in turn from member t mod size, whose color's queue at the edge PE has room (InStreamInfo). Returns true
// while a member led by i has wavelets left or one in flight; other members return false (their leader
// answers for them and is the only one to touch their positions).
template <class View>
WAFER_HD inline bool step_in_stream(const View& m, uint32_t i, uint64_t t, bool* progress) {
  const uint32_t prev = uint32_t((t + 1) & 1), next = uint32_t(t & 1);
  const InStreamInfo& s = m.in_info[i];
  if (s.leader != i) return false;
  const uint32_t last = m.in_sent_last[i];
  const uint32_t occ = m.occ[uint64_t(prev) * m.n + s.pe];
  uint32_t sent = 0;
  bool left = false;
  uint32_t k = i;
  if (s.group_size > 1)  // the turn: start at member t mod size (a lone stream skips the division)
    for (uint32_t r = uint32_t(t % s.group_size); r > 0; --r) k = m.in_info[k].next;
  for (uint32_t r = 0; r < s.group_size; ++r, k = m.in_info[k].next) {
    const InStreamInfo& q = m.in_info[k];
    const uint64_t pos = m.in_pos[k];
    if (pos >= q.length) continue;
    if (sent == 0) {
      // Each wavelet carries its own color in its meta word (a stream may multiplex colors too).
      const uint32_t meta = m.in_data_meta[q.offset + pos];
      const uint32_t color = (meta >> 16) & 31u;
      const uint32_t queued = count_of(occ, color) + (last == color + 1 ? 1u : 0u);
      if (queued < uint32_t(kQueueDepth)) {
        const uint64_t at = uint64_t(next) * m.edge_slots() + s.slot;
        m.edge_in_pay[at] = m.in_data_pay[q.offset + pos];
        m.edge_in_meta[at] = kLinkValid | (color << 16) | (meta & (0xFFFFu | kMetaCtrl));
        m.in_pos[k] = pos + 1;
        sent = color + 1;
        *progress = true;
        left = left || pos + 1 < q.length;
        continue;
      }
    }
    left = true;
  }
  if (sent != last) m.in_sent_last[i] = sent;
  return left || sent != 0;
}

// One cycle of host output stream j: collect the wavelet its edge PE sent off-grid last cycle.
template <class View>
WAFER_HD inline void step_out_stream(const View& m, uint32_t j, uint64_t t, bool* progress) {
  const uint32_t prev = uint32_t((t + 1) & 1);
  const OutStreamInfo& s = m.out_info[j];
  const uint64_t at = uint64_t(prev) * m.edge_slots() + s.slot;
  const uint32_t meta = m.edge_out_meta[at];
  if (!(meta & kLinkValid)) return;
  const uint64_t k = m.out_received[j];
  if (k < s.capacity) {
    m.out_data_pay[s.offset + k] = m.edge_out_pay[at];
    m.out_data_meta[s.offset + k] = meta & ~kLinkValid;
  } else {
    m.out_overflow[j] = 1;
  }
  m.out_received[j] = k + 1;
  m.edge_out_meta[at] = 0;
  *progress = true;
}

}  // namespace wafer
