// Run-time reports in the program's own words: a trap names its task, symbol and source line (file:line
// of the instruction that trapped), a stall names colors and tasks; without names, numbers as before.
#include "tests/asm/asm_test_support.h"

#include "host/engine/engine.h"

namespace wafer::asmtest {
namespace {

RunResult run_text(const std::string& text) {
  const Assembly a = assemble_text(text);
  auto engine = make_engine("cpu", {.threads = 1});
  engine->load(a.image);
  return engine->run({.max_cycles = 10000, .until_quiescent = true, .watchdog_cycles = 200});
}

// The ld on line 9 reads word 70 of a PE whose data is words 0..3 ('out').
const char* kTrapsOnLine9 =
    "grid 1, 1\n"                       // 1
    "kernel k {\n"                      // 2
    "  var out[4]\n"                      // 3
    "  export out\n"                      // 4
    "  task compute local start {\n"    // 5
    "    li r2, 70\n"                   // 6
    "    nop\n"                         // 7
    "\n"                                // 8
    "    ld r3, [r2 + 0]\n"             // 9
    "    ret\n"                         // 10
    "  }\n"
    "}\n"
    "layout {\n"
    "  place k at (0, 0)\n"
    "}\n";

TEST(Reports, TrapNamesTaskSymbolAndSourceLine) {
  const RunResult r = run_text(kTrapsOnLine9);
  ASSERT_EQ(r.reason, StopReason::kTrap) << r.describe();
  EXPECT_EQ(r.trap->file, "test.wasm");
  EXPECT_EQ(r.trap->line, 9u);
  EXPECT_EQ(r.trap->pc, 2u);
  EXPECT_EQ(r.trap->task, "compute");
  EXPECT_EQ(r.trap->task_id, 24u);
  const std::string d = r.trap->describe();
  EXPECT_NE(d.find("word address 70 (0x46) is outside the PE's data memory [0, 4) (the nearest exported "
                   "symbol below it, 'out', is words 0..3) in task 'compute' at test.wasm:9 [kernel 'k', pc 2]"),
            std::string::npos)
      << d;
}

TEST(Reports, TrapWithoutNamesKeepsNumbers) {
  Assembly a = assemble_text(kTrapsOnLine9);
  a.image.names.clear();
  a.image.color_names.clear();
  auto engine = make_engine("cpu", {.threads = 1});
  engine->load(a.image);
  const RunResult r = engine->run({.max_cycles = 1000, .until_quiescent = true});
  ASSERT_EQ(r.reason, StopReason::kTrap);
  EXPECT_EQ(r.trap->line, 0u);
  EXPECT_EQ(r.trap->task, "");
  EXPECT_NE(r.trap->describe().find("[0, 4) [kernel 'k', pc 2]"), std::string::npos) << r.trap->describe();
}

TEST(Reports, StallNamesColorsTasksAndLines) {
  const RunResult r = run_text(
      "grid 1, 1\n"
      "color c_in\n"
      "kernel k {\n"
      "  task main local start {\n"
      "    recv r2, r3, c_in\n"  // line 5: nothing ever arrives
      "    ret\n"
      "  }\n"
      "}\n"
      "layout {\n"
      "  place k at (0, 0)\n"
      "  route c_in at (0, 0) rx west tx ramp\n"
      "}\n");
  ASSERT_EQ(r.reason, StopReason::kStall) << r.describe();
  ASSERT_EQ(r.stall->pes.size(), 1u);
  const PeWait& w = r.stall->pes[0];
  EXPECT_EQ(w.task, "main");
  EXPECT_EQ(w.line, 5u);
  EXPECT_EQ(w.pc, 0u);
  EXPECT_NE(r.stall->describe().find(
                "PE(0,0): task 'main' (24) at pc 0 (recv, test.wasm:5) waits for a wavelet on color 'c_in' (0)"),
            std::string::npos)
      << r.stall->describe();
}

}  // namespace
}  // namespace wafer::asmtest
