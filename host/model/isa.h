// The instruction set of machine model v1: encoding and descriptor format.
// Semantics and timing are in docs/machine-model.md; the executor is cycle.h.
#pragma once
#include <cstdint>

#include "host/model/hd.h"

namespace wafer {

// One instruction = 64 bits = 2 SRAM words: op, three 8-bit register fields, a 32-bit immediate.
struct Instr {
  uint8_t op;
  uint8_t a;
  uint8_t b;
  uint8_t c;
  int32_t imm;
};
static_assert(sizeof(Instr) == 8);

// Scalar instructions take one cycle and use the core's arithmetic slot.
// Vector instructions (op >= kFirstVectorOp) take one cycle to issue, then one cycle per element.
enum Op : uint8_t {
  // --- control
  kNop = 0,
  kRet,   // end the running task
  kJmp,   // pc = imm
  kBeqz,  // if r[a] == 0: pc = imm
  kBnez,  // if r[a] != 0: pc = imm
  kBlt,   // if (int)r[a] < (int)r[b]: pc = imm
  // --- integer
  kLi,    // r[a] = imm
  kMov,   // r[a] = r[b]
  kAdd,   // r[a] = r[b] + r[c]
  kAddi,  // r[a] = r[b] + imm
  kSub,   // r[a] = r[b] - r[c]
  kMul,   // r[a] = r[b] * r[c]       (low 32 bits)
  kAnd,   // r[a] = r[b] & r[c]
  kOr,    // r[a] = r[b] | r[c]
  kXor,   // r[a] = r[b] ^ r[c]
  kShl,   // r[a] = r[b] << (r[c] & 31)
  kShr,   // r[a] = r[b] >> (r[c] & 31)  (logical)
  // --- fp32 scalar (bit patterns in registers)
  kFadd,  // r[a] = r[b] + r[c]
  kFsub,  // r[a] = r[b] - r[c]
  kFmul,  // r[a] = r[b] * r[c]
  kFmax,  // r[a] = max(r[b], r[c])
  kFma,   // r[a] = fma(r[b], r[c], r[a])   (one rounding)
  // --- memory
  kLd,  // r[a] = sram[r[b] + imm]
  kSt,  // sram[r[b] + imm] = r[a]
  // --- tasks
  kActivate,  // activate local task imm (24..31)
  kBlock,     // block task imm (0..31)
  kUnblock,   // unblock task imm (0..31)
  // --- fabric, one wavelet
  kSend,  // push wavelet (payload r[a], index r[b] & 0xFFFF) on color imm; stalls while full
  kRecv,  // pop wavelet of color imm: r[a] = payload, r[b] = index; stalls while empty
  // --- descriptors
  kDld,    // d[a] = sram[r[b] + imm], sram[r[b] + imm + 1]
  kDset0,  // d[a].word0 = imm
  kDset1,  // d[a].word1 = imm
  kDbase,  // d[a].base = r[b] & 0xFFFF (color for fabric descriptors)
  kDlen,   // d[a].length = r[b] & 0xFFFF
  kScalarOpCount,
  // --- vector operations over descriptors: d[a] = f(d[b], src c) element by element
  kFirstVectorOp = 64,
  kVmov = kFirstVectorOp,  // dst = s0              (pure move: no arithmetic slot)
  kVfadd,                  // dst = s0 + s1
  kVfsub,                  // dst = s0 - s1
  kVfmul,                  // dst = s0 * s1
  kVfmax,                  // dst = max(s0, s1)
  kVfneg,                  // dst = -s0            (sign flip, arithmetic slot)
  kVfmac,                  // dst = fma(s1, r[scalar], s0)   (one rounding)
  kViadd,                  // dst = s0 + s1 (32-bit integer)
  kVectorOpEnd,
};

WAFER_HD inline bool is_vector_op(uint32_t op) {
  return op >= kFirstVectorOp && op < kVectorOpEnd;
}

// Vector-instruction immediate flags.
// Operand fields: a = destination descriptor, b = source 0, c = source 1.
// A source is a descriptor register unless its *_is_reg flag says it names a general register
// (each element then reads the same register value).
namespace vflag {
inline constexpr uint32_t kS0IsReg = 1u << 0;
inline constexpr uint32_t kS1IsReg = 1u << 1;
inline constexpr uint32_t kScalarShift = 2;  // bits 2..5: register holding the fmac scalar
inline constexpr uint32_t kScalarMask = 0xFu;
inline constexpr uint32_t kAsync = 1u << 6;  // run on a microthread; the task continues
inline constexpr uint32_t kDoneShift = 7;    // bits 7..11: task to act on when the op completes
inline constexpr uint32_t kDoneMask = 0x1Fu;
inline constexpr uint32_t kDoneActivate = 1u << 12;  // on completion: activate task
inline constexpr uint32_t kDoneUnblock = 1u << 13;   // on completion: unblock task
}  // namespace vflag

// Descriptor (the SDK's DSD), 2 words.
//   word0: bits 0..15  base word address (memory) or color (fabric)
//          bits 16..17 kind (DescKind)
//          bit  18     skip zeros (fabric output: elements equal to +-0.0 send no wavelet)
//   word1: bits 0..15  length (elements)
//          bits 16..31 stride (signed, words; memory only)
enum DescKind : uint32_t { kDescMem = 0, kDescFabIn = 1, kDescFabOut = 2, kDescInvalid = 3 };
inline constexpr uint32_t kDescSkipZeros = 1u << 18;

WAFER_HD inline uint32_t desc_word0(DescKind kind, uint32_t base_or_color, bool skip_zeros = false) {
  return (base_or_color & 0xFFFFu) | (uint32_t(kind) << 16) | (skip_zeros ? kDescSkipZeros : 0u);
}
WAFER_HD inline uint32_t desc_word1(uint32_t length, int32_t stride) {
  return (length & 0xFFFFu) | (uint32_t(uint16_t(int16_t(stride))) << 16);
}
WAFER_HD inline uint32_t desc_base(uint32_t w0) {
  return w0 & 0xFFFFu;
}
WAFER_HD inline DescKind desc_kind(uint32_t w0) {
  return DescKind((w0 >> 16) & 3u);
}
WAFER_HD inline uint32_t desc_len(uint32_t w1) {
  return w1 & 0xFFFFu;
}
WAFER_HD inline int32_t desc_stride(uint32_t w1) {
  return int32_t(int16_t(uint16_t(w1 >> 16)));
}

// Name of an opcode for reports and the disassembler ("?" when unknown).
const char* op_name(uint32_t op);

}  // namespace wafer
