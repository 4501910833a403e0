// The mnemonics of the text format and how each operand maps onto the fields of an Instr (isa.h).
// One table serves the parser (is this a known instruction?), the kernel assembler (encoding) and the
// disassembler (decoding), so the three cannot drift apart.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace wafer::assembler {

enum class OperandKind {
  kReg,        // r0..r15 or an alias
  kDsr,        // d0..d7 or an alias
  kSource,     // vector source: a descriptor register, or a general register read as a scalar per element
  kImm,        // 32-bit value (int or float bits)
  kLabel,      // code address in the kernel
  kMem,        // [rB + offset]
  kColor,      // 0..23
  kTask,       // task id 0..31
  kLocalTask,  // task id 24..31
  kDesc,       // descriptor value: mem(...), fabin(...), fabout(...)
  kByte,       // raw field 0..255 (the 'raw' escape)
};

enum class Field { kOp, kA, kB, kC, kImm, kMemBImm, kScalar, kDescPair };

struct OperandSpec {
  OperandKind kind;
  Field field;
};

struct InstrForm {
  const char* mnemonic;
  uint8_t op;  // opcode; the 'dset' pseudo-instruction emits dset0 then dset1
  std::vector<OperandSpec> operands;
  std::string syntax;         // for "expected" messages
  uint32_t instructions = 1;  // instructions emitted
  bool is_vector() const;
};

// The form for a mnemonic, or nullptr.
const InstrForm* find_instr(const std::string& mnemonic);
// The canonical form of an opcode (never the pseudo-instruction), or nullptr.
const InstrForm* form_of_op(uint32_t op);
// The known mnemonic closest to a misspelt one ("" if none is close): for "did you mean".
std::string closest_mnemonic(const std::string& word);
const std::vector<InstrForm>& instr_table();

}  // namespace wafer::assembler
