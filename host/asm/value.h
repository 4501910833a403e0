// Values of assembly-time expressions: 64-bit integers, floats (double), descriptors (two words) and lists.
// Integer arithmetic wraps at 64 bits; mixing an int and a float gives a float. Where a value becomes a
// 32-bit machine word (an immediate, an SRAM word, a register), a float becomes its fp32 bit pattern and an
// int must lie in [-2^31, 2^32).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "host/asm/diagnostics.h"

namespace wafer::assembler {

struct Value {
  enum class Type { kInt, kFloat, kDesc, kList };
  Type type = Type::kInt;
  int64_t i = 0;
  double f = 0;
  uint32_t w0 = 0, w1 = 0;  // descriptor words (isa.h)
  std::vector<Value> list;

  static Value of_int(int64_t v);
  static Value of_float(double v);
  static Value of_desc(uint32_t word0, uint32_t word1);
  bool is_number() const { return type == Type::kInt || type == Type::kFloat; }
  double as_double() const { return type == Type::kFloat ? f : double(i); }
  std::string str() const;  // for messages and kernel instance names
  bool operator==(const Value& o) const;
};

const char* type_name(Value::Type t);

// The value as one machine word; 'what' names it in the error. ('what' is a view, so that the hot per-PE
// paths build no message unless they fail.)
uint32_t word_of(const Value& v, const SourceLoc& at, std::string_view what);
// Appends the value's words: 1 for a number, 2 for a descriptor, the items' words for a list.
void append_words(const Value& v, std::vector<uint32_t>& out, const SourceLoc& at, std::string_view what);
uint64_t word_count(const Value& v);
// An integer (floats are refused: say int(...) to truncate).
int64_t int_of(const Value& v, const SourceLoc& at, std::string_view what);
// An integer in [lo, hi]; the message says the range.
int64_t int_in(const Value& v, int64_t lo, int64_t hi, const SourceLoc& at, std::string_view what);
bool truthy(const Value& v, const SourceLoc& at, std::string_view what);

// fp32 bit pattern of a double (rounded to nearest).
uint32_t fp32_bits(double v);

}  // namespace wafer::assembler
