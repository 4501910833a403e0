// Every example program, run on every built engine, ends in a bit-identical machine state (STYLE.md 4).
// With only the CPU engine built the test runs the CPU engine twice, with 1 and 2 threads.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "host/model/error.h"
#include "tests/asm/examples/example_support.h"

namespace wafer::examples {
namespace {

TEST(ExamplesAcrossEngines, FinalStateIsBitIdentical) {
  std::vector<std::pair<std::string, EngineOptions>> engines = {{"cpu", {.threads = 1}},
                                                                {"cpu", {.threads = 2}}};
  if (cuda_engine_built()) engines.push_back({"cuda", {}});
  size_t programs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(WAFER_DATA_DIR) + "/programs")) {
    if (entry.path().extension() != ".wasm") continue;
    ++programs;
    const Assembly program = assemble_example(entry.path().filename().string());
    std::optional<MachineState> reference;
    uint64_t reference_cycles = 0;
    for (const auto& [name, options] : engines) {
      SCOPED_TRACE(entry.path().filename().string() + " on " + name + " with " +
                   std::to_string(options.threads) + " threads");
      std::unique_ptr<Engine> engine;
      try {
        engine = make_engine(name, options);
        engine->load(program.image);
      } catch (const Error& e) {
        // A CUDA engine that is built but has no device here: the CPU comparison still stands.
        std::printf("skipping engine %s: %s\n", name.c_str(), e.what());
        continue;
      }
      const RunResult r = engine->run({.max_cycles = 1000000, .until_quiescent = true});
      ASSERT_EQ(r.reason, StopReason::kQuiescent) << r.describe();
      MachineState state = engine->snapshot();
      if (!reference) {
        reference = std::move(state);
        reference_cycles = engine->cycle();
        EXPECT_NE(reference->hash(), 0u);
        continue;
      }
      EXPECT_EQ(engine->cycle(), reference_cycles);
      EXPECT_EQ(reference->first_difference(state), "");
    }
  }
  EXPECT_GE(programs, 7u);
}

}  // namespace
}  // namespace wafer::examples
