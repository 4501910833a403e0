// How the wafer command reports a failure: as text on stderr ("wafer run: error: ..." once, not twice),
// or with --json as one object on stdout, {"error": {...}}, whose fields a tool can read without
// parsing the message: file, line, col, message and notes for errors in a program's source.
#pragma once
#include <exception>
#include <string>

#include "host/cli/json.h"

namespace wafer::cli {

// The error as a JSON object: {"message", and for source errors "file", "line", "col", "notes": [...]}.
void json_error(JsonWriter& j, const std::exception& e);

// The text for stderr: the message as is when it already names its place and says "error:" (an
// assembler error, "prog.wasm:3:5: error: ..."), else "wafer CMD: error: message".
std::string error_text(const std::string& command, const std::exception& e);

}  // namespace wafer::cli
