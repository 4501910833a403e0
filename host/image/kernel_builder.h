// Writing kernels from C++: one method per instruction, labels resolved at build(). Used by the kernel
// library (host/kernels/) and the tests; the text assembler (host/asm/) is the other way in.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "host/image/image.h"

namespace wafer {

// A vector-op source: a descriptor register or a general register (every element reads its value).
struct VSrc {
  bool is_reg = false;
  uint8_t id = 0;
  static VSrc d(uint8_t n) { return {false, n}; }
  static VSrc r(uint8_t n) { return {true, n}; }
};

struct VecOpts {
  bool async = false;
  uint8_t scalar_reg = 0;     // vfmac's scalar register
  int done_task = -1;         // async only: task to act on at completion
  bool done_unblock = false;  // false: activate done_task; true: unblock it
};

class KernelBuilder {
 public:
  explicit KernelBuilder(std::string name) { kernel_.name = std::move(name); }

  uint32_t pc() const { return uint32_t(kernel_.code.size()); }
  KernelBuilder& task(uint32_t id);  // binds task `id` to the next instruction
  KernelBuilder& label(const std::string& name);

  void emit(uint8_t op, uint8_t a = 0, uint8_t b = 0, uint8_t c = 0, int32_t imm = 0);
  // Scalar instructions.
  void nop() { emit(kNop); }
  void ret() { emit(kRet); }
  void li(uint8_t ra, int32_t imm) { emit(kLi, ra, 0, 0, imm); }
  void mov(uint8_t ra, uint8_t rb) { emit(kMov, ra, rb); }
  void add(uint8_t ra, uint8_t rb, uint8_t rc) { emit(kAdd, ra, rb, rc); }
  void addi(uint8_t ra, uint8_t rb, int32_t imm) { emit(kAddi, ra, rb, 0, imm); }
  void sub(uint8_t ra, uint8_t rb, uint8_t rc) { emit(kSub, ra, rb, rc); }
  void mul(uint8_t ra, uint8_t rb, uint8_t rc) { emit(kMul, ra, rb, rc); }
  void fadd(uint8_t ra, uint8_t rb, uint8_t rc) { emit(kFadd, ra, rb, rc); }
  void fmul(uint8_t ra, uint8_t rb, uint8_t rc) { emit(kFmul, ra, rb, rc); }
  void fma(uint8_t ra, uint8_t rb, uint8_t rc) { emit(kFma, ra, rb, rc); }
  void ld(uint8_t ra, uint8_t rb, int32_t imm) { emit(kLd, ra, rb, 0, imm); }
  void st(uint8_t ra, uint8_t rb, int32_t imm) { emit(kSt, ra, rb, 0, imm); }
  void jmp(const std::string& target) { branch(kJmp, 0, 0, target); }
  void beqz(uint8_t ra, const std::string& target) { branch(kBeqz, ra, 0, target); }
  void bnez(uint8_t ra, const std::string& target) { branch(kBnez, ra, 0, target); }
  void blt(uint8_t ra, uint8_t rb, const std::string& target) { branch(kBlt, ra, rb, target); }
  void activate(uint32_t task) { emit(kActivate, 0, 0, 0, int32_t(task)); }
  void block(uint32_t task) { emit(kBlock, 0, 0, 0, int32_t(task)); }
  void unblock(uint32_t task) { emit(kUnblock, 0, 0, 0, int32_t(task)); }
  void send(uint32_t color, uint8_t r_payload, uint8_t r_index) {
    emit(kSend, r_payload, r_index, 0, int32_t(color));
  }
  void recv(uint32_t color, uint8_t r_payload, uint8_t r_index) {
    emit(kRecv, r_payload, r_index, 0, int32_t(color));
  }
  // Descriptors.
  void dmem(uint8_t d, uint32_t base, uint32_t length, int32_t stride = 1);
  void dfabin(uint8_t d, uint32_t color, uint32_t length);
  void dfabout(uint8_t d, uint32_t color, uint32_t length, bool skip_zeros = false);
  void dbase(uint8_t d, uint8_t rb) { emit(kDbase, d, rb); }
  void dlen(uint8_t d, uint8_t rb) { emit(kDlen, d, rb); }
  void dld(uint8_t d, uint8_t rb, int32_t imm) { emit(kDld, d, rb, 0, imm); }
  // Vector operation: dst descriptor, two sources (s1 ignored by vmov and vfneg).
  void vec(uint8_t op, uint8_t dst, VSrc s0, VSrc s1 = VSrc::d(0), VecOpts opts = {});

  // Resolves labels; throws wafer::Error on an undefined label.
  Kernel build(uint32_t data_words);

 private:
  void branch(uint8_t op, uint8_t ra, uint8_t rb, const std::string& target);
  Kernel kernel_;
  std::map<std::string, uint32_t> labels_;
  std::vector<std::pair<uint32_t, std::string>> fixups_;
};

}  // namespace wafer
