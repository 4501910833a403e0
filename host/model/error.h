// The project's one exception type: every user-facing failure carries a message naming the offending
// file, line, PE, cycle or value.
#pragma once
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace wafer {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

// A place in a source file: what an error or a note points at (line/col 0: the file as a whole).
struct SourcePoint {
  std::string file;
  uint32_t line = 0, col = 0;
  std::string message;
};

// An Error about a place in a source file, with the parts kept apart so that `--json` can give them as
// fields. what() is the familiar text: "file:line:col: error: message" and one
// "file:line:col: note: ..." line per note, exactly as a plain Error would carry it.
class SourceError : public Error {
 public:
  SourceError(SourcePoint error, std::vector<SourcePoint> notes)
      : Error(text_of(error, notes)), error_(std::move(error)), notes_(std::move(notes)) {}
  const SourcePoint& error() const { return error_; }
  const std::vector<SourcePoint>& notes() const { return notes_; }
  // The same error with one more note.
  SourceError with_note(SourcePoint note) const {
    std::vector<SourcePoint> notes = notes_;
    notes.push_back(std::move(note));
    return SourceError(error_, std::move(notes));
  }

  static std::string where(const SourcePoint& p) {
    std::string s = p.file;
    if (p.line) s += ":" + std::to_string(p.line);
    if (p.line && p.col) s += ":" + std::to_string(p.col);
    return s;
  }

 private:
  static std::string text_of(const SourcePoint& error, const std::vector<SourcePoint>& notes) {
    std::string s = where(error) + ": error: " + error.message;
    for (const auto& n : notes) s += "\n" + where(n) + ": note: " + n.message;
    return s;
  }
  SourcePoint error_;
  std::vector<SourcePoint> notes_;
};

// "PATH: cannot open (No such file or directory)": why a file could not be opened, from errno; call it
// right after the failed open.
inline std::string errno_text() {
  const int err = errno;
  return err ? std::strerror(err) : "unknown reason";
}
inline std::string cannot_open(const std::string& path, const std::string& what = "") {
  return path + ": cannot open" + (what.empty() ? "" : " " + what) + " (" + errno_text() + ")";
}

}  // namespace wafer
