// Parsing a grid given as a preset name (wse2, wse3) or as WIDTHxHEIGHT.
#pragma once
#include <cstdint>
#include <string>

#include "host/model/constants.h"
#include "host/model/error.h"

namespace wafer {

struct GridSize {
  uint32_t width = 0, height = 0;
};

inline GridSize parse_grid(const std::string& spec) {
  for (const auto& p : kPresets) {
    if (spec == p.name) return {p.width, p.height};
  }
  const auto x = spec.find('x');
  try {
    if (x != std::string::npos) {
      size_t used_w = 0, used_h = 0;
      const unsigned long w = std::stoul(spec.substr(0, x), &used_w);
      const unsigned long h = std::stoul(spec.substr(x + 1), &used_h);
      if (used_w == x && used_h == spec.size() - x - 1 && w > 0 && h > 0 && w <= 65535 && h <= 65535) {
        return {uint32_t(w), uint32_t(h)};
      }
    }
  } catch (const std::exception&) {
  }
  throw Error("grid '" + spec + "': expected a preset (wse2, wse3) or WIDTHxHEIGHT such as 64x64");
}

}  // namespace wafer
