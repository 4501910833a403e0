#include "host/asm/value.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "host/model/isa.h"

namespace wafer::assembler {

Value Value::of_int(int64_t v) {
  Value x;
  x.type = Type::kInt;
  x.i = v;
  return x;
}
Value Value::of_float(double v) {
  Value x;
  x.type = Type::kFloat;
  x.f = v;
  return x;
}
Value Value::of_desc(uint32_t word0, uint32_t word1) {
  Value x;
  x.type = Type::kDesc;
  x.w0 = word0;
  x.w1 = word1;
  return x;
}

const char* type_name(Value::Type t) {
  switch (t) {
    case Value::Type::kInt:
      return "an integer";
    case Value::Type::kFloat:
      return "a float";
    case Value::Type::kDesc:
      return "a descriptor";
    case Value::Type::kList:
      return "a list";
  }
  return "?";
}

std::string Value::str() const {
  switch (type) {
    case Type::kInt:
      return std::to_string(i);
    case Type::kFloat: {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.9g", f);
      std::string s = buf;
      if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // keep it a float when read back
      return s;
    }
    case Type::kDesc: {
      const uint32_t base = desc_base(w0), len = desc_len(w1);
      switch (desc_kind(w0)) {
        case kDescMem:
          return "mem(" + std::to_string(base) + ", " + std::to_string(len) + ", " +
                 std::to_string(desc_stride(w1)) + ")";
        case kDescFabIn:
          return "fabin(" + std::to_string(base) + ", " + std::to_string(len) + ")";
        case kDescFabOut:
          return "fabout(" + std::to_string(base) + ", " + std::to_string(len) +
                 ((w0 & kDescSkipZeros) ? ", 1)" : ")");
        default:
          return "desc(" + std::to_string(w0) + ", " + std::to_string(w1) + ")";
      }
    }
    case Type::kList: {
      std::string s = "[";
      for (size_t k = 0; k < list.size(); ++k) s += (k ? ", " : "") + list[k].str();
      return s + "]";
    }
  }
  return "?";
}

bool Value::operator==(const Value& o) const {
  if (type != o.type) return false;
  switch (type) {
    case Type::kInt:
      return i == o.i;
    case Type::kFloat:
      return std::memcmp(&f, &o.f, sizeof f) == 0;  // bitwise: NaN equals itself here
    case Type::kDesc:
      return w0 == o.w0 && w1 == o.w1;
    case Type::kList:
      return list == o.list;
  }
  return false;
}

uint32_t fp32_bits(double v) {
  const float f = float(v);
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

uint32_t word_of(const Value& v, const SourceLoc& at, std::string_view what_view) {
  auto what = [&] { return std::string(what_view); };
  switch (v.type) {
    case Value::Type::kInt:
      if (v.i < INT64_C(-2147483648) || v.i > INT64_C(0xFFFFFFFF)) {
        fail(at, what() + " = " + std::to_string(v.i) + " does not fit in a 32-bit word");
      }
      return uint32_t(v.i);
    case Value::Type::kFloat:
      return fp32_bits(v.f);
    default:
      fail(at, "expected a number for " + what() + ", found " + type_name(v.type) + " " + v.str());
  }
}

void append_words(const Value& v, std::vector<uint32_t>& out, const SourceLoc& at, std::string_view what) {
  switch (v.type) {
    case Value::Type::kDesc:
      out.push_back(v.w0);
      out.push_back(v.w1);
      return;
    case Value::Type::kList:
      for (const auto& item : v.list) append_words(item, out, at, what);
      return;
    default:
      out.push_back(word_of(v, at, what));
  }
}

uint64_t word_count(const Value& v) {
  switch (v.type) {
    case Value::Type::kDesc:
      return 2;
    case Value::Type::kList: {
      uint64_t n = 0;
      for (const auto& item : v.list) n += word_count(item);
      return n;
    }
    default:
      return 1;
  }
}

int64_t int_of(const Value& v, const SourceLoc& at, std::string_view what) {
  if (v.type != Value::Type::kInt) {
    fail(at, "expected an integer for " + std::string(what) + ", found " + type_name(v.type) + " " + v.str() +
                 (v.type == Value::Type::kFloat ? " (use int(...) to truncate)" : ""));
  }
  return v.i;
}

int64_t int_in(const Value& v, int64_t lo, int64_t hi, const SourceLoc& at, std::string_view what) {
  const int64_t n = int_of(v, at, what);
  if (n < lo || n > hi) {
    fail(at, std::string(what) + " = " + std::to_string(n) + " is outside " + std::to_string(lo) + ".." +
                 std::to_string(hi));
  }
  return n;
}

bool truthy(const Value& v, const SourceLoc& at, std::string_view what) {
  if (v.type == Value::Type::kInt) return v.i != 0;
  if (v.type == Value::Type::kFloat) return v.f != 0.0;
  fail(at, "expected a number for " + std::string(what) + ", found " + type_name(v.type));
}

}  // namespace wafer::assembler
