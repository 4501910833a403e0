#include "host/asm/did_you_mean.h"

#include <algorithm>

#include "host/asm/diagnostics.h"

namespace wafer::assembler {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string closest_name(const std::string& word, const std::vector<std::string>& candidates) {
  if (word.size() > 64) return "";  // the distance is quadratic: no suggestions for absurd names
  std::string best;
  size_t best_d = word.size() <= 4 ? 2 : 3;
  for (const auto& c : candidates) {
    if (c == word || c.size() > 64) continue;
    const size_t d = edit_distance(word, c);
    // A suggestion must keep something of the word: 'Z' -> 'N' replaces all of it.
    if (d < best_d && d < word.size()) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string near = closest_name(word, candidates);
  return near.empty() ? "" : " (did you mean " + quoted(near) + "?)";
}

}  // namespace wafer::assembler
