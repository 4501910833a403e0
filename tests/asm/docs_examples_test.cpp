// The complete programs in docs/program-format.md (code blocks that start with `param` or `grid`) assemble
// and run to quiescence, so the tutorial cannot drift from the assembler.
#include "tests/asm/asm_test_support.h"

#include <fstream>
#include <sstream>

#include "host/engine/engine.h"

namespace wafer::asmtest {
namespace {

TEST(DocsExamples, TutorialProgramsAssembleAndRun) {
  std::ifstream f(std::string(WAFER_DATA_DIR) + "/../docs/program-format.md");
  ASSERT_TRUE(f) << "docs/program-format.md not found";
  std::stringstream all;
  all << f.rdbuf();
  std::vector<std::string> blocks;
  std::string line, current;
  bool in_block = false;
  while (std::getline(all, line)) {
    if (line.rfind("```", 0) == 0) {
      if (in_block) blocks.push_back(current);
      in_block = !in_block;
      current.clear();
    } else if (in_block) {
      current += line + "\n";
    }
  }
  size_t programs = 0;
  for (const auto& block : blocks) {
    if (block.rfind("param", 0) != 0 && block.rfind("grid", 0) != 0) continue;
    ++programs;
    SCOPED_TRACE(block);
    const Assembly a = assemble_program(block, "program-format.md");
    auto engine = make_engine("cpu", {.threads = 1});
    engine->load(a.image);
    EXPECT_EQ(engine->run({.max_cycles = 100000, .until_quiescent = true}).reason, StopReason::kQuiescent);
  }
  EXPECT_GE(programs, 2u);
}

}  // namespace
}  // namespace wafer::asmtest
