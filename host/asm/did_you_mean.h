// "Did you mean": the known name nearest a misspelt one, by edit distance (insertions, deletions,
// substitutions, swaps of neighbours), for the assembler's messages about unknown instructions, symbols,
// params, kernels, kernel parameters, tasks and variables.
#pragma once
#include <string>
#include <vector>

namespace wafer::assembler {

size_t edit_distance(const std::string& a, const std::string& b);

// The candidate closest to `word`, or "" when none is a near miss: within one edit for words of up to
// four characters, two for longer ones (further away, a suggestion is more often wrong than helpful).
// A suggestion keeps at least one character of the word. Ties go to the earlier candidate; `word`
// itself is never suggested.
std::string closest_name(const std::string& word, const std::vector<std::string>& candidates);

// " (did you mean 'name'?)" or "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace wafer::assembler
