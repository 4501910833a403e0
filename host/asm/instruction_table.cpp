#include "host/asm/instruction_table.h"

#include <algorithm>

#include "host/asm/did_you_mean.h"
#include "host/model/isa.h"

namespace wafer::assembler {

namespace {
using K = OperandKind;
using F = Field;

std::vector<InstrForm> make_table() {
  const OperandSpec ra{K::kReg, F::kA}, rb{K::kReg, F::kB}, rc{K::kReg, F::kC}, imm{K::kImm, F::kImm},
      label{K::kLabel, F::kImm}, mem{K::kMem, F::kMemBImm}, da{K::kDsr, F::kA}, s0{K::kSource, F::kB},
      s1{K::kSource, F::kC};
  std::vector<InstrForm> t = {
      {"nop", kNop, {}, "nop"},
      {"ret", kRet, {}, "ret"},
      {"jmp", kJmp, {label}, "jmp LABEL"},
      {"beqz", kBeqz, {ra, label}, "beqz rA, LABEL"},
      {"bnez", kBnez, {ra, label}, "bnez rA, LABEL"},
      {"blt", kBlt, {ra, rb, label}, "blt rA, rB, LABEL"},
      {"li", kLi, {ra, imm}, "li rA, VALUE"},
      {"mov", kMov, {ra, rb}, "mov rA, rB"},
      {"addi", kAddi, {ra, rb, imm}, "addi rA, rB, VALUE"},
      {"ld", kLd, {ra, mem}, "ld rA, [rB + OFFSET]"},
      {"st", kSt, {mem, ra}, "st [rB + OFFSET], rA"},
      {"activate", kActivate, {{K::kLocalTask, F::kImm}}, "activate TASK"},
      {"block", kBlock, {{K::kTask, F::kImm}}, "block TASK"},
      {"unblock", kUnblock, {{K::kTask, F::kImm}}, "unblock TASK"},
      {"send", kSend, {{K::kColor, F::kImm}, ra, rb}, "send COLOR, rPAYLOAD, rINDEX"},
      {"recv", kRecv, {ra, rb, {K::kColor, F::kImm}}, "recv rPAYLOAD, rINDEX, COLOR"},
      {"dld", kDld, {da, mem}, "dld dA, [rB + OFFSET]"},
      {"dset0", kDset0, {da, imm}, "dset0 dA, WORD"},
      {"dset1", kDset1, {da, imm}, "dset1 dA, WORD"},
      {"dset",
       kDset0,
       {da, {K::kDesc, F::kDescPair}},
       "dset dA, mem(BASE, LENGTH[, STRIDE]) | fabin(COLOR, LENGTH) | fabout(COLOR, LENGTH[, SKIP_ZEROS])",
       2},
      {"dbase", kDbase, {da, rb}, "dbase dA, rB"},
      {"dlen", kDlen, {da, rb}, "dlen dA, rB"},
      {"vmov", kVmov, {da, s0}, "vmov dDST, SRC"},
      {"vfneg", kVfneg, {da, s0}, "vfneg dDST, SRC"},
      {"vfadd", kVfadd, {da, s0, s1}, "vfadd dDST, SRC0, SRC1"},
      {"vfsub", kVfsub, {da, s0, s1}, "vfsub dDST, SRC0, SRC1"},
      {"vfmul", kVfmul, {da, s0, s1}, "vfmul dDST, SRC0, SRC1"},
      {"vfmax", kVfmax, {da, s0, s1}, "vfmax dDST, SRC0, SRC1"},
      {"viadd", kViadd, {da, s0, s1}, "viadd dDST, SRC0, SRC1"},
      {"vfmac", kVfmac, {da, s0, s1, {K::kReg, F::kScalar}}, "vfmac dDST, SRC0, SRC1, rSCALAR"},
      // The escape for encodings no mnemonic spells (the disassembler's fallback); Image::validate still
      // checks it.
      {"raw",
       0,
       {{K::kByte, F::kOp}, {K::kByte, F::kA}, {K::kByte, F::kB}, {K::kByte, F::kC}, imm},
       "raw OP, A, B, C, IMM"},
  };
  // Three-register scalar operations share one shape.
  const std::pair<const char*, uint8_t> three[] = {
      {"add", kAdd},   {"sub", kSub},   {"mul", kMul}, {"and", kAnd},   {"or", kOr},
      {"xor", kXor},   {"shl", kShl},   {"shr", kShr}, {"fadd", kFadd}, {"fsub", kFsub},
      {"fmul", kFmul}, {"fmax", kFmax}, {"fma", kFma}};
  for (const auto& [name, op] : three) t.push_back({name, op, {ra, rb, rc}, std::string(name) + " rA, rB, rC"});
  return t;
}

}  // namespace

bool InstrForm::is_vector() const {
  return is_vector_op(op) && std::string(mnemonic) != "raw";
}

const std::vector<InstrForm>& instr_table() {
  static const std::vector<InstrForm> table = make_table();
  return table;
}

const InstrForm* find_instr(const std::string& mnemonic) {
  for (const auto& f : instr_table()) {
    if (mnemonic == f.mnemonic) return &f;
  }
  return nullptr;
}

const InstrForm* form_of_op(uint32_t op) {
  for (const auto& f : instr_table()) {
    const std::string m = f.mnemonic;
    if (f.op == op && m != "dset" && m != "raw") return &f;
  }
  return nullptr;
}

std::string closest_mnemonic(const std::string& word) {
  std::vector<std::string> mnemonics;
  for (const auto& f : instr_table()) mnemonics.push_back(f.mnemonic);
  return closest_name(word, mnemonics);
}

}  // namespace wafer::assembler
