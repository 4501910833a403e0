// Helpers for the assembler tests: assemble a snippet, expect one clear error at a position.
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "host/asm/assembler.h"
#include "host/engine/machine_state.h"
#include "host/model/error.h"

namespace wafer::asmtest {

inline Assembly assemble_text(const std::string& text, const AsmParams& params = {}) {
  return assemble_program(text, "test.wasm", params);
}

// Assembly must fail with exactly one error, at line:col, whose message contains `needle`.
inline void expect_error(const std::string& text, int line, int col, const std::string& needle,
                         const AsmParams& params = {}) {
  try {
    assemble_text(text, params);
    ADD_FAILURE() << "assembled without error; expected: " << needle;
  } catch (const Error& e) {
    const std::string msg = e.what();
    const std::string where = "test.wasm:" + std::to_string(line) + ":" + std::to_string(col) + ": error: ";
    EXPECT_EQ(msg.rfind(where, 0), 0u) << "expected the error at " << where << "\n got: " << msg;
    EXPECT_NE(msg.find(needle), std::string::npos) << "expected '" << needle << "' in: " << msg;
    // One error: the message may carry notes, but only one "error:".
    EXPECT_EQ(msg.find("error:", msg.find("error:") + 1), std::string::npos) << msg;
  }
}

// A one-PE program around a task body, for instruction-level tests. The body starts on line 5, the
// variable declarations are on line 3.
inline std::string one_task(const std::string& body, const std::string& vars = "var buf[16]") {
  return "grid 1, 1\nkernel k {\n  " + vars + "\n  task main local start {\n" + body +
         "\n  }\n}\nlayout {\n  place k at (0, 0)\n}\n";
}

}  // namespace wafer::asmtest
