#include "host/cli/error_report.h"

#include "host/model/error.h"

namespace wafer::cli {

namespace {

void json_point(JsonWriter& j, const SourcePoint& p) {
  j.field("file", p.file);
  j.field("line", p.line).field("col", p.col);
  j.field("message", p.message);
}

}  // namespace

void json_error(JsonWriter& j, const std::exception& e) {
  j.begin_object();
  if (const auto* located = dynamic_cast<const SourceError*>(&e)) {
    json_point(j, located->error());
    j.key("notes").begin_array();
    for (const auto& n : located->notes()) {
      j.begin_object();
      json_point(j, n);
      j.end_object();
    }
    j.end_array();
  } else {
    j.field("message", std::string(e.what()));
  }
  j.end_object();
}

std::string error_text(const std::string& command, const std::exception& e) {
  const std::string what = e.what();
  if (dynamic_cast<const SourceError*>(&e)) return what;
  const std::string first_line = what.substr(0, what.find('\n'));
  if (first_line.find(": error: ") != std::string::npos) return what;
  return "wafer " + command + ": error: " + what;
}

}  // namespace wafer::cli
