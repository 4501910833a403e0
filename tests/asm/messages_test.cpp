// The messages of issue 9 that a new user hit, each pinned: undefined names in operands, "did you mean",
// a jump to a task, the colors a program needs; and the program's own checks: assert, outstream expect,
// an outstream no route can feed. Errors also keep their parts apart (SourceError) for --json.
#include "tests/asm/asm_test_support.h"

namespace wafer::asmtest {
namespace {

// ---------------------------------------------------------------- names
TEST(Messages, UndefinedNameInAnOperandIsNamed) {
  // A vector source that is neither register nor alias: the message names what was written.
  expect_error(one_task("    dset d0, mem(buf, 4)\n    vmov d0, bogus"), 6, 14,
               "expected a descriptor register (d0..d7) or a general register (r0..r15) for operand 2 of 'vmov' "
               "(syntax: vmov dDST, SRC), found undefined name 'bogus'");
  expect_error(one_task("    li r1, nosuch"), 5, 12, "undefined symbol 'nosuch'");
  expect_error(one_task("    mov r1, nosuch"), 5, 13, "found 'nosuch'");
}

TEST(Messages, DidYouMeanSymbolsInstructionsAndParams) {
  expect_error(one_task("    li r1, bufx"), 5, 12, "undefined symbol 'bufx' (did you mean 'buf'?)");
  expect_error("param rows = 4\ngrid rowz, 1\n", 2, 6, "undefined symbol 'rowz' (did you mean 'rows'?)");
  expect_error(one_task("    vfmull d0, d1, d2"), 5, 5, "(did you mean 'vfmul'?)");
  // Nothing near: no suggestion (and a one-letter name is not "corrected" to another letter).
  expect_error(one_task("    li r1, zzzzzz"), 5, 12, "undefined symbol 'zzzzzz'");
  try {
    assemble_text("param rows = 4\ngrid rows, 1\n", {{{"rowz", "2"}}});
    ADD_FAILURE() << "an unknown override was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("(params: rows); did you mean 'rows'?"), std::string::npos) << e.what();
  }
  try {
    assemble_text("param N = 4\ngrid N, 1\n", {{{"Z", "2"}}});
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find("did you mean"), std::string::npos) << e.what();
  }
}

TEST(Messages, DidYouMeanInLayouts) {
  const std::string kernel = "grid 1, 1\nkernel gemv(wide = 0) {\n  var acc[4]\n  task main local { ret }\n}\n";
  expect_error(kernel + "layout {\n  place gemm at (0, 0)\n}\n", 7, 9, "undefined kernel 'gemm' (did you mean 'gemv'?)");
  expect_error(kernel + "layout {\n  place gemv(wid = 1) at (0, 0)\n}\n", 7, 14,
               "kernel 'gemv' has no parameter 'wid' (parameters: wide; did you mean 'wide'?)");
  expect_error(kernel + "layout {\n  place gemv at (0, 0) { start mian }\n}\n", 7, 32,
               "'mian' is not a task of kernel 'gemv(wide=0)' (did you mean 'main'?)");
  expect_error(kernel + "layout {\n  place gemv at (0, 0) { init acd = 1 }\n}\n", 7, 31,
               "'acd' is not a variable of kernel 'gemv(wide=0)' (did you mean 'acc'?)");
}

TEST(Messages, JumpToATaskSaysSo) {
  const std::string two_tasks =
      "grid 1, 1\nkernel k {\n  task main local start {\n    jmp other\n  }\n  task other local {\n    ret\n  }\n}\n"
      "layout {\n  place k at (0, 0)\n}\n";
  expect_error(two_tasks, 4, 9,
               "'other' is a task, not a label: 'jmp' goes to a label in the kernel's code; to run the task use "
               "'activate other'");
  expect_error(one_task("    beqz r1, buf"), 5, 14, "'buf' is a variable (a data address), not a label");
  expect_error(one_task("  here:\n    activate here\n    ret"), 6, 14, "'here' is a label, not a task");
}

// ---------------------------------------------------------------- colors
TEST(Messages, ColorExhaustionCountsTheProgramsColors) {
  std::string text = "grid 1, 1\ncolor a[20]\ncolor b[3]\ncolor c[2]\ncolor d\ncolor e[4]\n";
  expect_error(text, 4, 7,
               "no free color for 'c[2]': the program needs 30 colors (23 declared before this one, 2 here, 5 "
               "after it) but the machine has 24 (0..23)");
  // Enough colors in number but not in a row: the free ones are listed.
  expect_error("grid 1, 1\ncolor a = 0\ncolor b = 2\ncolor c[22]\n", 4, 7,
               "no 22 consecutive free colors for 'c[22]'");
}

// ---------------------------------------------------------------- assert
TEST(Messages, AssertFailsWhereItStandsWithTheValues) {
  expect_error("param M = 30\nparam P = 4\nassert M % P == 0, \"M must be a multiple of P\"\ngrid 1, 1\n", 3, 1,
               "assertion failed: M must be a multiple of P (M % P == 0 is false; M = 30, P = 4)");
  // A non-comparison condition shows its value.
  expect_error("const K = 0\nassert K, \"K must be non-zero\"\ngrid 1, 1\n", 2, 1,
               "assertion failed: K must be non-zero (K = 0)");
  // In a kernel (per instance: the note names the placement), in a task body, in a layout.
  expect_error("grid 2, 1\nkernel k(wide) {\n  assert wide <= 1, \"wide is a flag\"\n  task t local { ret }\n}\n"
               "layout {\n  place k(wide = x + 1) at (*, 0)\n}\n",
               3, 3, "assertion failed: wide is a flag (wide <= 1 is false; wide = 2)");
  expect_error(one_task("    assert len(buf) == 8, \"buf holds 8 words\"\n    ret"), 5, 5,
               "assertion failed: buf holds 8 words (len(buf) == 8 is false; buf = 0)");
  expect_error("grid 3, 1\nlayout {\n  assert W % 2 == 0, \"an even width\"\n}\n", 3, 3,
               "assertion failed: an even width (W % 2 == 0 is false; W = 3)");
  EXPECT_NO_THROW(assemble_text("param N = 4\nassert N % 2 == 0, \"even\"\ngrid 1, 1\n"));
}

TEST(Messages, AssertSyntax) {
  expect_error("assert 1 == 1\ngrid 1, 1\n", 1, 14, "expected ',' after the asserted condition");
  expect_error("assert 1 == 1, oops\ngrid 1, 1\n", 1, 16, "expected the assertion's message as a string");
  expect_error("assert 1 == 0, \"no end\ngrid 1, 1\n", 1, 16, "the string has no closing '\"' on its line");
  expect_error("assert 1 == 0, \"a \\q\"\ngrid 1, 1\n", 1, 19, "unknown escape '\\q' in a string");
  expect_error("param assert = 1\n", 1, 7, "which is reserved");
}

// ---------------------------------------------------------------- output streams
const std::string kOneStream(const std::string& outstream, const std::string& route = "rx ramp tx east") {
  return "grid 1, 1\ncolor c\nkernel k {\n  task t local start { ret }\n}\nlayout {\n  place k at (0, 0)\n"
         "  route c at (0, 0) " +
         route + "\n  " + outstream + "\n}\n";
}

TEST(Messages, OutStreamExpect) {
  const Assembly by_capacity = assemble_text(kOneStream("outstream o at (0, 0) east capacity 8"));
  EXPECT_EQ(by_capacity.image.out_streams[0].expect, 8u);
  const Assembly fewer = assemble_text(kOneStream("outstream o at (0, 0) east capacity 8 expect 5"));
  EXPECT_EQ(fewer.image.out_streams[0].capacity, 8u);
  EXPECT_EQ(fewer.image.out_streams[0].expect, 5u);
  EXPECT_EQ(assemble_text(kOneStream("outstream o at (0, 0) east capacity 8 expect 0")).image.out_streams[0].expect,
            0u);
  expect_error(kOneStream("outstream o at (0, 0) east capacity 8 expect 9"), 9, 48,
               "the expect of output stream 'o' (at most its capacity) = 9 is outside 0..8");
  // The disassembly keeps it.
  EXPECT_NE(disassemble(fewer.image).find("capacity 8 expect 5"), std::string::npos);
  EXPECT_EQ(assemble(disassemble(fewer.image), "disassembly").out_streams[0].expect, 5u);
}

TEST(Messages, OutStreamThatNoRouteFeedsIsRefused) {
  // The route sends c into the core, never east: nothing can reach the stream.
  expect_error(kOneStream("outstream o at (0, 0) east capacity 8", "rx west tx ramp"), 9, 3,
               "output stream 'o' leaves PE(0,0) east, but no route at PE(0,0) sends any color east, so nothing "
               "can ever reach the stream; add e.g.: route COLOR at (0, 0) rx ramp tx east");
  EXPECT_NO_THROW(assemble_text(kOneStream("outstream o at (0, 0) east capacity 8")));
}

// ---------------------------------------------------------------- the error's parts
TEST(Messages, ErrorsKeepTheirPartsForJson) {
  const std::string text =
      "grid 3, 1\ncolor c\nlayout {\n  route c at (0..1, 0) rx west tx east\n  route c at (1..2, 0) rx ramp tx west\n}\n";
  try {
    assemble_text(text);
    FAIL() << "no error";
  } catch (const SourceError& e) {
    EXPECT_EQ(e.error().file, "test.wasm");
    EXPECT_EQ(e.error().line, 5u);
    EXPECT_EQ(e.error().col, 3u);
    EXPECT_EQ(e.error().message.rfind("route conflict: color 0 at PE(1,0)", 0), 0u) << e.error().message;
    ASSERT_EQ(e.notes().size(), 1u);
    EXPECT_EQ(e.notes()[0].line, 4u);
    EXPECT_EQ(e.notes()[0].message, "the earlier route statement is here");
    // what() is the familiar text, unchanged.
    EXPECT_EQ(std::string(e.what()), "test.wasm:5:3: error: " + e.error().message +
                                         "\ntest.wasm:4:3: note: the earlier route statement is here");
  }
}

TEST(Messages, MissingFileSaysWhy) {
  try {
    assemble_program_file("/nonexistent/dir/prog.wasm");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "/nonexistent/dir/prog.wasm: error: cannot open the program file (No such file or directory)");
  }
}

}  // namespace
}  // namespace wafer::asmtest
