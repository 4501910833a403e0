// Assembly-time expressions: operators, types, builtins, words. Checked through `const` and `li`, the
// way programs use them.
#include "tests/asm/asm_test_support.h"

#include <cstring>

namespace wafer::asmtest {
namespace {

// The immediate `li r1, EXPR` assembles to.
int32_t li_value(const std::string& expr, const std::string& prelude = "") {
  const Assembly a =
      assemble_text(prelude + "grid 1, 1\nkernel k {\n  var buf[8]\n  task t local {\n    li r1, " + expr +
                    "\n  }\n}\nlayout {\n  place k at (0, 0)\n}\n");
  return a.image.kernels.at(0).code.at(0).imm;
}

uint32_t bits_of(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

TEST(Expressions, IntegerArithmeticFollowsC) {
  EXPECT_EQ(li_value("1 + 2 * 3"), 7);
  EXPECT_EQ(li_value("(1 + 2) * 3"), 9);
  EXPECT_EQ(li_value("-7 / 2"), -3);  // truncation toward zero
  EXPECT_EQ(li_value("-7 % 2"), -1);
  EXPECT_EQ(li_value("1 << 4 | 3"), 19);
  EXPECT_EQ(li_value("0xFF & ~0x0F ^ 1"), 0xF1);
  EXPECT_EQ(li_value("5 > 3 && 2 >= 2 || 0"), 1);
  EXPECT_EQ(li_value("!0 + !7"), 1);
  EXPECT_EQ(li_value("3 == 3 ? 10 : 20"), 10);
  EXPECT_EQ(li_value("0 ? 1 : 0 ? 2 : 3"), 3);  // right-associative
  EXPECT_EQ(li_value("0b1011"), 11);
  EXPECT_EQ(li_value("0xFFFFFFFF"), -1);  // words may be written unsigned
  EXPECT_EQ(li_value("-2147483648"), INT32_MIN);
}

TEST(Expressions, FloatsBecomeFp32BitPatterns) {
  EXPECT_EQ(uint32_t(li_value("1.5")), bits_of(1.5f));
  EXPECT_EQ(uint32_t(li_value("0.1")), bits_of(0.1f));  // rounded to nearest fp32
  EXPECT_EQ(uint32_t(li_value("1 / 4.0")), bits_of(0.25f));
  EXPECT_EQ(uint32_t(li_value("-2.5e-3")), bits_of(-2.5e-3f));
  EXPECT_EQ(li_value("bits(1.0) >> 23"), 127);
  EXPECT_EQ(li_value("int(2.9) + int(-2.9)"), 0);
  EXPECT_EQ(uint32_t(li_value("float(3)")), bits_of(3.0f));
  EXPECT_EQ(li_value("1 / 4"), 0);  // integer division stays integer
}

TEST(Expressions, BuiltinsAndSymbols) {
  EXPECT_EQ(li_value("min(4, 2, 9) + max(1, 7)"), 9);
  EXPECT_EQ(li_value("abs(-5)"), 5);
  EXPECT_EQ(li_value("len(buf)"), 8);
  EXPECT_EQ(li_value("buf[3]"), 3);  // a variable is its address; buf[k] = address + k
  EXPECT_EQ(li_value("cs[2]", "color cs[4]\n"), 2);
  EXPECT_EQ(li_value("N * 2", "param N = 21\n"), 42);
  EXPECT_EQ(li_value("len([1, 2, 3]) + [5, 6][1]"), 9);
  EXPECT_EQ(li_value("east | ramp"), 2 | 16);  // ports are masks: bit = 1 << Port
  EXPECT_EQ(li_value("W + H"), 2);
}

TEST(Expressions, DescriptorsEncodeAsIsaSays) {
  const Assembly a = assemble_text(
      "grid 1, 1\ncolor c = 5\nkernel k {\n  var buf[64]\n  task t local {\n"
      "    dset d1, mem(buf + 20, 10, -2)\n    dset d2, fabin(c, 7)\n    dset d3, fabout(c, 9, 1)\n  }\n}\n"
      "layout {\n  place k at (0, 0)\n  route c at (0, 0) rx ramp tx ramp\n}\n");
  const auto& code = a.image.kernels.at(0).code;
  ASSERT_EQ(code.size(), 6u);  // dset = dset0 + dset1
  EXPECT_EQ(code[0].op, kDset0);
  EXPECT_EQ(code[0].a, 1);
  EXPECT_EQ(uint32_t(code[0].imm), desc_word0(kDescMem, 20));
  EXPECT_EQ(uint32_t(code[1].imm), desc_word1(10, -2));
  EXPECT_EQ(uint32_t(code[2].imm), desc_word0(kDescFabIn, 5));
  EXPECT_EQ(uint32_t(code[3].imm), desc_word1(7, 0));
  EXPECT_EQ(uint32_t(code[4].imm), desc_word0(kDescFabOut, 5, true));
}

TEST(Expressions, TypeErrorsAreClear) {
  expect_error(one_task("    li r1, mem(0, 1)"), 5, 12, "expected a number for operand 2 of 'li'");
  expect_error(one_task("    li r1, 1.5 & 1"), 5, 16,
               "operator '&' needs integers, found a float and an integer");
  expect_error(one_task("    li r1, x"), 5, 12,
               "'x' (the PE's column) is defined only in per-PE layout expressions");
  expect_error(one_task("    li r1, foo(1)"), 5, 12, "unknown function 'foo'");
  expect_error(one_task("    li r1, mem(1)"), 5, 12, "'mem' takes 2 to 3 arguments, found 1");
  expect_error(one_task("    li r1, 1 << 64"), 5, 14, "shift by 64 (0..63)");
  expect_error(one_task("    dset d0, mem(70000, 1)"), 5, 18, "mem's base = 70000 is outside 0..65535");
}

}  // namespace
}  // namespace wafer::asmtest
