#include "host/asm/did_you_mean.h"

#include <algorithm>

#include "host/asm/diagnostics.h"

namespace wafer::assembler {

// Optimal string alignment distance: Levenshtein plus the swap of two neighbours as one edit, the
// commonest typo ("mian" for "main").
size_t edit_distance(const std::string& a, const std::string& b) {
  const size_t w = b.size() + 1;
  std::vector<size_t> d((a.size() + 1) * w);
  for (size_t i = 0; i <= a.size(); ++i) d[i * w] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t v = std::min({d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1, d[(i - 1) * w + j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = std::min(v, d[(i - 2) * w + j - 2] + 1);
      d[i * w + j] = v;
    }
  }
  return d[a.size() * w + b.size()];
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
