// Checks on a generated image, independent of how it was made: no PE placed twice, no PE with two routes
// for one color, every color < 24, no PE over its SRAM (its kernel's code + data words, and every
// initialised word inside them). Returns the problems found (empty: all hold), each naming the PE.
#pragma once
#include <string>
#include <vector>

#include "host/image/image.h"

namespace wafer::mapper {

struct InvariantReport {
  std::vector<std::string> problems;  // at most a few dozen, then a count
  uint64_t placed_pes = 0, routed_pe_colors = 0;
  uint32_t max_sram_words = 0;  // the largest code + data footprint of any placed PE
  uint32_t colors_used = 0;
  bool ok() const { return problems.empty(); }
};

InvariantReport check_image_invariants(const Image& image);

}  // namespace wafer::mapper
