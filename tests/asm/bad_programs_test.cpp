// The bad programs of issue 4, each with one clear error naming file, line and column, and the
// neighbouring mistakes users make.
#include "tests/asm/asm_test_support.h"

namespace wafer::asmtest {
namespace {

// ---------------------------------------------------------------- the five of the issue
TEST(BadProgram, UnknownInstruction) {
  expect_error(one_task("    vfmull d0, d1, d2"), 5, 5,
               "unknown instruction 'vfmull' (did you mean 'vfmul'?)");
  expect_error(one_task("    frobnicate r1"), 5, 5,
               "unknown instruction 'frobnicate'; expected an instruction such as");
}

TEST(BadProgram, UndefinedSymbol) {
  expect_error(one_task("    li r1, nosuch"), 5, 12, "undefined symbol 'nosuch'");
  expect_error(one_task("    jmp nowhere"), 5, 9, "undefined symbol 'nowhere'");
  expect_error("grid 2, 2\nlayout {\n  place ghost at (0, 0)\n}\n", 3, 9, "undefined kernel 'ghost'");
  expect_error("grid W2, 2\n", 1, 6, "undefined symbol 'W2'");
}

TEST(BadProgram, RouteConflict) {
  // Two statements give color c at PE(1,0) different routes; the note points at the first one.
  const std::string text =
      "grid 3, 1\n"
      "color c\n"
      "layout {\n"
      "  route c at (0..1, 0) rx west tx east\n"
      "  route c at (1..2, 0) rx ramp tx west\n"
      "}\n";
  expect_error(text, 5, 3,
               "route conflict: color 0 at PE(1,0) is routed rx ramp tx west here but rx west tx east");
  try {
    assemble_text(text);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("test.wasm:4:3: note: the earlier route statement is here"),
              std::string::npos)
        << e.what();
  }
  // Identical routes from two statements agree: no conflict.
  EXPECT_NO_THROW(
      assemble_text("grid 3, 1\ncolor c\nlayout {\n  route c at (1..2, 0) rx west tx ramp\n  route c at (1, "
                    "0) rx west tx ramp\n}\n"));
}

TEST(BadProgram, MoreColorsThanExist) {
  expect_error("grid 1, 1\ncolor many[25]\n", 2, 12, "the color array's size = 25 is outside 1..24");
  expect_error("grid 1, 1\ncolor c = 24\n", 2, 11,
               "color 24 does not exist: the machine has 24 colors (0..23)");
  std::string auto_colors = "grid 1, 1\n";
  for (int k = 0; k < 25; ++k) auto_colors += "color c" + std::to_string(k) + "\n";
  expect_error(auto_colors, 26, 7,
               "no free color for 'c24': the program needs 25 colors (24 declared before this one, 1 here, 0 after "
               "it) but the machine has 24 (0..23)");
  expect_error(one_task("    send 24, r0, r1"), 5, 10,
               "color 24 does not exist: the machine has 24 colors (0..23)");
  expect_error(one_task("    dset d0, fabin(30, 4)"), 5, 20, "color 30 does not exist");
  expect_error("grid 1, 1\nlayout {\n  route 24 at (0, 0) rx west tx ramp\n}\n", 3, 9,
               "color 24 does not exist");
}

TEST(BadProgram, LargerThanSram) {
  // 12288 words = 48 KiB: 6144 instructions of 2 words fill it, the 6145th does not fit.
  std::string body = "    for k in 1..6145 {\n      nop\n    }";
  expect_error(one_task(body, "var v[0]"), 6, 7,
               "kernel 'k' does not fit in a PE's SRAM: 6145 instructions (12290 words, 2 per instruction) + "
               "0 data words = 12290 > 12288 words (48 KiB)");
  // Data and code together: 12200 data words leave room for 44 instructions.
  std::string body2 = "    for k in 1..45 {\n      nop\n    }";
  expect_error(one_task(body2, "var v[12200]"), 6, 7,
               "45 instructions (90 words, 2 per instruction) + 12200 data words = 12290 > 12288");
  expect_error(one_task("    ret", "var v[12289]"), 3, 9, "the length of 'v' = 12289 is outside 0..12288");
  expect_error(one_task("    ret", "var v[12000]\n  var w[300]"), 4, 7,
               "variable 'w' (300 words at word 12000) does not fit");
  EXPECT_NO_THROW(assemble_text(one_task("    for k in 1..43 {\n      nop\n    }\n    ret", "var v[12200]")));
}

// ---------------------------------------------------------------- syntax
TEST(BadProgram, SyntaxErrorsSayWhatWasExpected) {
  expect_error(one_task("    add r1, r2 r3"), 5, 16,
               "expected the end of the instruction 'add' (syntax: add rA, rB, rC), found 'r3'");
  expect_error("grid 4 4\n", 1, 8, "expected ',' between the grid's width and height, found number 4");
  expect_error("grid 1, 1\nkernel k {\n  task t local {\n    ret\n", 5, 1,
               "expected '}' to close the task body, found end of file");
  expect_error("grid 1, 1\nlayout {\n  place k at (0 0)\n}\n", 3, 17,
               "expected ',' between the rectangle's x and y ranges");
  expect_error("grid 1, 1\nlayout {\n  route 0 at (0, 0) tx east\n}\n", 3, 21,
               "expected 'rx' (the port the color arrives on), found 'tx'");
  expect_error("grid 1, 1 $\n", 1, 11, "unexpected character '$'");
  expect_error("grid 1, 1\nparam N = (1 + 2\n", 3, 1, "expected ')' to close the parenthesis");
  expect_error("grid 1, 1\nroute 0 at (0, 0) rx west tx ramp\n", 2, 1,
               "expected a top-level statement (param, const, color, grid, kernel, layout, assert), found 'route'");
  expect_error("grid 1, 1\nparam x = 3\n", 2, 7, "expected a parameter name, found 'x', which is reserved");
  expect_error("grid 1, 1\nconst N = 0x\n", 2, 11, "expected digits after '0x'");
  expect_error("grid 1, 1\nconst N = 99999999999999999999\n", 2, 11, "does not fit in 64 bits");
}

TEST(BadProgram, DeepNestingIsAnErrorNotACrash) {
  expect_error("grid 1, 1\nconst N = " + std::string(300, '(') + "1" + std::string(300, ')') + "\n", 2, 211,
               "nesting deeper than 200 levels");
  std::string chain = "1";
  for (int k = 0; k < 1000; ++k) chain += "+1";
  expect_error("grid 1, 1\nconst N = " + chain + "\n", 2, 11, "expression nested deeper than 400 levels");
}

// ---------------------------------------------------------------- operands
TEST(BadProgram, OperandsOfTheWrongKind) {
  expect_error(one_task("    add r1, r2"), 5, 5, "'add' takes 3 operands, found 2 (syntax: add rA, rB, rC)");
  expect_error(one_task("    add r1, r2, 5"), 5, 17,
               "expected a register (r0..r15 or an alias) for operand 3 of 'add'");
  expect_error(one_task("    add r1, r2, r16"), 5, 17, "found 'r16'");
  expect_error(one_task("    vmov r1, d0"), 5, 10,
               "expected a descriptor register (d0..d7 or an alias) for operand 1 of 'vmov'");
  expect_error(one_task("    ld r1, r2"), 5, 12,
               "expected a memory reference [rB + OFFSET] for operand 2 of 'ld'");
  expect_error(one_task("    ld r1, [buf + 1]"), 5, 13, "expected a base register (r0..r15 or an alias)");
  expect_error(one_task("    dset d0, 5"), 5, 14,
               "expected a descriptor (mem(...), fabin(...) or fabout(...))");
  expect_error(one_task("    dset d0, mem(buf, 17)"), 5, 14,
               "descriptor mem(0, 17, 1) reaches word 16, outside the kernel's 16 data words");
  expect_error(one_task("    li r1, 1 << 40"), 5, 12, "does not fit in a 32-bit word");
  expect_error(one_task("    li r1, buf[16]"), 5, 16, "index 16 is outside 'buf'[0..15]");
  expect_error(one_task("    li r1, 7 / 0"), 5, 14, "division by zero");
  expect_error(one_task("    li r1, r2"), 5, 12, "'r2' is a register; it cannot be used as a value here");
}

TEST(BadProgram, TasksAndCompletionActions) {
  expect_error(one_task("    activate 3"), 5, 14, "task 3 is not a local task (24..31)");
  expect_error(one_task("    activate 27"), 5, 14, "task 27 is not declared in kernel 'k'");
  expect_error(one_task("    vmov d0, d1 then activate main"), 5, 22, "'then' needs 'async'");
  expect_error(one_task("    async add r1, r2, r3"), 5, 11, "'async' applies only to vector operations");
  expect_error("grid 1, 1\nkernel k {\n  task a local 24 { ret }\n  task b local 24 { ret }\n}\n", 4, 8,
               "task 'b' takes task id 24, already bound to task 'a'");
  expect_error("grid 1, 1\nkernel k {\n  task a data 2 start { ret }\n}\n", 3, 8,
               "only local tasks can 'start'");
  expect_error("grid 1, 1\nkernel k {\n  task a local { ret }\n  task b local {}\n}\n", 4, 8,
               "task 'b' has no instructions");
  expect_error("grid 1, 1\nkernel k {\n  task a local {\n  x1: ret\n  x1: ret\n  }\n}\n", 5, 3,
               "'x1' is already defined");
}

TEST(BadProgram, LayoutMistakes) {
  const std::string k = "grid 3, 2\ncolor c\nkernel k {\n  task t local { ret }\n}\n";
  expect_error(k + "layout {\n  place k at (0..1, 0)\n  place k at (1..2, *)\n}\n", 8, 3,
               "PE(1,0) is placed twice (a PE runs one kernel)");
  expect_error(k + "layout {\n  place k at (0..3, 0)\n}\n", 7, 18,
               "x range 0..3 is outside the grid's x = 0..2");
  expect_error(k + "layout {\n  route c at (2, 0) rx west tx east\n}\n", 7, 32,
               "the route sends color 0 east off the grid at PE(2,0), where no outstream is attached");
  expect_error(k + "layout {\n  route c at (1, 0) rx west tx west\n}\n", 7, 32,
               "tx includes the rx port west");
  expect_error(k + "layout {\n  route c at (1, 0) rx west | east tx ramp\n}\n", 7, 24,
               "rx must be exactly one port");
  expect_error(k + "layout {\n  instream s at (0, 0) west color c count 4\n}\n", 7, 3,
               "input stream 's' enters PE(0,0) from west on color 0, but the color has no route there");
  expect_error(k + "layout {\n  instream s at (1, 0) west color c count 4\n}\n", 7, 24,
               "port west of PE(1,0) leads to a neighbour, not off the grid");
  expect_error(
      k + "layout {\n  outstream a at (0, 0) west capacity 1\n  outstream a at (0, 1) west capacity 1\n}\n",
      8, 13, "stream 'a' is already defined");
  expect_error(k + "layout {\n  place k(z = 1) at (0, 0)\n}\n", 7, 11,
               "kernel 'k' has no parameter 'z' (it takes none)");
  expect_error("grid 2, 1\nkernel k(a) {\n  task t local { ret }\n}\nlayout {\n  place k at (*, *)\n}\n", 6,
               9, "kernel 'k' needs parameter 'a'");
  expect_error(k + "layout {\n  place k at (0, 0) {\n    reg acc = 1\n  }\n}\n", 8, 9, "found 'acc'");
  expect_error(
      "grid 300, 1\nkernel k(a) {\n  task t local { ret }\n}\nlayout {\n  place k(a = x) at (*, *)\n}\n", 6,
      3, "the kernel parameters take more than 256 distinct combinations");
}

TEST(BadProgram, ErrorsInsideAKernelInstanceNameTheInstance) {
  const std::string text =
      "grid 2, 1\n"
      "kernel k(c) {\n"
      "  task t local {\n"
      "    send c, r0, r1\n"
      "  }\n"
      "}\n"
      "layout {\n"
      "  place k(c = 20 + 4 * x) at (*, *)\n"
      "}\n";
  expect_error(text, 4, 10, "color 24 does not exist");
  try {
    assemble_text(text);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("test.wasm:8:3: note: in kernel 'k' placed here with c = 24"),
              std::string::npos)
        << e.what();
  }
}

TEST(BadProgram, ParameterOverrides) {
  const std::string text = "param N = 4\ngrid N, 1\n";
  EXPECT_EQ(assemble_text(text, {{{"N", "2 * 3"}}}).image.width, 6u);
  try {
    assemble_text(text, {{{"Z", "1"}}});
    ADD_FAILURE() << "an override of an undeclared param was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(
        e.what(),
        "test.wasm: error: parameter override 'Z': the program declares no param of that name (params: N)");
  }
  try {
    assemble_text(text, {{{"N", "3 +"}}});
    ADD_FAILURE() << "a malformed override was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("parameter override N:1:4: error: expected ", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace wafer::asmtest
