// Source positions and the assembler's error format: "file:line:col: error: message", optionally followed
// by "file:line:col: note: ..." lines that say where a related item was defined or instantiated.
// Every failure is a wafer::Error (the project's one exception type); the first error stops assembly.
#pragma once
#include <cstdint>
#include <string>

#include "host/model/error.h"

namespace wafer::assembler {

struct SourceLoc {
  const std::string* file = nullptr;  // owned by the assembler run; outlives every token and AST node
  uint32_t line = 0;                  // 1-based
  uint32_t col = 0;                   // 1-based, in bytes
  std::string str() const;            // "file:line:col"
};

// Throws wafer::SourceError (host/model/error.h): what() is "file:line:col: error: message", and the
// parts stay apart for `--json`.
[[noreturn]] void fail(const SourceLoc& at, const std::string& message);
// An error about the file as a whole ("file: error: message"): no line to point at.
[[noreturn]] void fail_in_file(const std::string& file, const std::string& message);
SourcePoint point(const SourceLoc& at, const std::string& message);

// Rethrows the error in flight with a note appended; use inside a catch (const Error&) block.
[[noreturn]] void rethrow_with_note(const std::exception& error, const SourceLoc& at,
                                    const std::string& note);

// "color 24 does not exist: the machine has 24 colors (0..23)".
std::string no_such_color(int64_t color);

// 'text' quoted for a message, with control characters escaped.
std::string quoted(const std::string& text);

}  // namespace wafer::assembler
