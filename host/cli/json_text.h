// The CLI's and the benchmarks' machine-readable output: nlohmann::ordered_json values (keys stay in the
// order they are written, which tools and tests see) printed compactly by json_text.
#pragma once
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace wafer {

namespace json_detail {

inline void integral_doubles_to_integers(nlohmann::ordered_json& v) {
  if (v.is_structured()) {
    for (auto& item : v) integral_doubles_to_integers(item);
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 1e17 && !(d == 0 && std::signbit(d)))
      v = static_cast<int64_t>(d);
  }
}

}  // namespace json_detail

// Compact JSON text of `j` (one line, no spaces):
// - a double with an integer value (below 1e17 in magnitude, not -0) prints as an integer, "1" rather than
//   nlohmann's "1.0", as this output always has: a float output stream's 0 and 1, a fraction of 0 or 1, a
//   measured interval of 112 cycles; other doubles print in the shortest form that reads back as the same
//   double (-0 as "-0.0");
// - NaN and infinity print as null (nlohmann's own rule: JSON has neither);
// - bytes that are not UTF-8 (a file name, say) become U+FFFD instead of throwing.
inline std::string json_text(nlohmann::ordered_json j) {
  json_detail::integral_doubles_to_integers(j);
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace wafer
