#include "host/asm/diagnostics.h"

#include <cstdio>

#include "host/model/constants.h"
#include "host/model/error.h"

namespace wafer::assembler {

std::string SourceLoc::str() const {
  return (file ? *file : std::string("<input>")) + ":" + std::to_string(line) + ":" + std::to_string(col);
}

SourcePoint point(const SourceLoc& at, const std::string& message) {
  return {at.file ? *at.file : std::string("<input>"), at.line, at.col, message};
}

void fail(const SourceLoc& at, const std::string& message) {
  throw SourceError(point(at, message), {});
}

void fail_in_file(const std::string& file, const std::string& message) {
  throw SourceError({file, 0, 0, message}, {});
}

void rethrow_with_note(const std::exception& error, const SourceLoc& at, const std::string& note) {
  if (const auto* located = dynamic_cast<const SourceError*>(&error)) throw located->with_note(point(at, note));
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
