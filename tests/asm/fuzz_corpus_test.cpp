// Replays the fuzz corpus, the crash regressions and the example programs through the fuzz target's body
// in every build (the libFuzzer binary itself needs clang: scripts/fuzz_asm.sh).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/asm/fuzz/fuzz_one_input.h"

namespace wafer {
namespace {

size_t replay(const std::string& dir) {
  size_t n = 0;
  if (!std::filesystem::exists(dir)) return 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().filename().string()[0] == '.') continue;
    std::ifstream f(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << f.rdbuf();
    const std::string s = text.str();
    SCOPED_TRACE(entry.path().string());
    fuzz_assembler_one_input(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    ++n;
  }
  return n;
}

TEST(FuzzCorpus, ReplaysWithoutFindings) {
  EXPECT_GE(replay(std::string(WAFER_ASM_FUZZ_DIR) + "/corpus"), 3u);
  replay(std::string(WAFER_ASM_FUZZ_DIR) + "/regressions");
  EXPECT_GE(replay(std::string(WAFER_DATA_DIR) + "/programs"), 7u);
}

}  // namespace
}  // namespace wafer
