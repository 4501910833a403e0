#include "host/asm/diagnostics.h"

#include <cstdio>

#include "host/model/constants.h"
#include "host/model/error.h"

namespace wafer::assembler {

std::string SourceLoc::str() const {
  return (file ? *file : std::string("<input>")) + ":" + std::to_string(line) + ":" + std::to_string(col);
}

void fail(const SourceLoc& at, const std::string& message) {
  throw Error(at.str() + ": error: " + message);
}

void rethrow_with_note(const std::exception& error, const SourceLoc& at, const std::string& note) {
  throw Error(std::string(error.what()) + "\n" + at.str() + ": note: " + note);
}

std::string no_such_color(int64_t color) {
  return "color " + std::to_string(color) + " does not exist: the machine has " + std::to_string(kColors) +
         " colors (0.." + std::to_string(kColors - 1) + ")";
}

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7F) {
      out += char(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  return out + "'";
}

}  // namespace wafer::assembler
