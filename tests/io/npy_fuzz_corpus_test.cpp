// Replays the .npy fuzz corpus, its regressions and the numpy fixtures through parse_npy and the fuzz
// target's body in every build (the libFuzzer binary itself needs clang: scripts/fuzz_npy.sh).
#include <gtest/gtest.h>

#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "host/io/npy.h"
#include "host/model/error.h"
#include "tests/io/fuzz/npy_fuzz_one_input.h"

namespace wafer {
namespace {

const std::string kIoTests = std::string(WAFER_DATA_DIR) + "/../tests/io";

struct Outcomes {
  size_t accepted = 0;
  size_t refused = 0;
};

// Each file (each .npy file, with only_npy) must parse or be refused with wafer::Error, and pass the fuzz
// target's checks.
Outcomes replay(const std::string& dir, bool only_npy) {
  Outcomes n;
  if (!std::filesystem::exists(dir)) return n;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (!entry.is_regular_file() || file[0] == '.' || (only_npy && entry.path().extension() != ".npy"))
      continue;
    SCOPED_TRACE(entry.path().string());
    std::ifstream f(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << f.rdbuf();
    const std::string s = text.str();
    try {
      parse_npy(s, file);
      ++n.accepted;
    } catch (const Error&) {
      ++n.refused;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a wafer::Error: " << e.what();
    }
    fuzz_npy_one_input(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }
  return n;
}

TEST(NpyFuzzCorpus, ReplaysWithoutFindings) {
  const Outcomes corpus = replay(kIoTests + "/fuzz/corpus", false);
  EXPECT_GE(corpus.accepted, 5u);  // not trivially all refused
  EXPECT_GE(corpus.refused, 5u);
  const Outcomes fixtures = replay(kIoTests + "/fixtures", true);
  EXPECT_GE(fixtures.accepted + fixtures.refused, 10u);
  EXPECT_GE(replay(kIoTests + "/fuzz/regressions", false).refused, 2u);
}

}  // namespace
}  // namespace wafer
