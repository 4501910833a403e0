#include "host/cli/error_report.h"

#include "host/model/error.h"

namespace wafer::cli {

namespace {

nlohmann::ordered_json json_point(const SourcePoint& p) {
  return {{"file", p.file}, {"line", p.line}, {"col", p.col}, {"message", p.message}};
}

}  // namespace

nlohmann::ordered_json json_error(const std::exception& e) {
  if (const auto* located = dynamic_cast<const SourceError*>(&e)) {
    nlohmann::ordered_json j = json_point(located->error());
    auto& notes = j["notes"] = nlohmann::ordered_json::array();
    for (const auto& n : located->notes()) notes.push_back(json_point(n));
    return j;
  }
  return {{"message", std::string(e.what())}};
}

std::string error_text(const std::string& command, const std::exception& e) {
  const std::string what = e.what();
  if (dynamic_cast<const SourceError*>(&e)) return what;
  const std::string first_line = what.substr(0, what.find('\n'));
  if (first_line.find(": error: ") != std::string::npos) return what;
  return "wafer " + command + ": error: " + what;
}

}  // namespace wafer::cli
