// How the wafer command reports a failure: as text on stderr ("wafer run: error: ..." once, not twice),
// or with --json as one object on stdout, {"error": {...}}, whose fields a tool can read without
// parsing the message: file, line, col, message and notes for errors in a program's source.
#pragma once
#include <exception>
#include <nlohmann/json.hpp>
#include <string>

namespace wafer::cli {

// The error as a JSON object: {"message"}, or for errors in a program's source {"file", "line", "col",
// "message", "notes": [{"file", "line", "col", "message"}, ...]}.
nlohmann::ordered_json json_error(const std::exception& e);

// The text for stderr: the message as is when it already names its place and says "error:" (an
// assembler error, "prog.wasm:3:5: error: ..."), else "wafer CMD: error: message".
std::string error_text(const std::string& command, const std::exception& e);

}  // namespace wafer::cli
