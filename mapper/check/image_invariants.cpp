#include "mapper/check/image_invariants.h"

#include <algorithm>

#include "host/model/constants.h"

namespace wafer::mapper {

namespace {

constexpr size_t kMaxProblems = 32;

void note(InvariantReport& r, uint64_t& dropped, std::string s) {
  if (r.problems.size() < kMaxProblems)
    r.problems.push_back(std::move(s));
  else
    ++dropped;
}

std::string pe(uint32_t x, uint32_t y) {
  return "PE(" + std::to_string(x) + "," + std::to_string(y) + ")";
}

}  // namespace

InvariantReport check_image_invariants(const Image& im) {
  InvariantReport r;
  uint64_t dropped = 0;
  const uint64_t n = uint64_t(im.width) * im.height;
  std::vector<uint32_t> kernel_of(n, kNoKernel);
  for (const Placement& p : im.placements)
    for (uint32_t y = p.rect.y; y < p.rect.y + p.rect.h && y < im.height; ++y)
      for (uint32_t x = p.rect.x; x < p.rect.x + p.rect.w && x < im.width; ++x) {
        uint32_t& k = kernel_of[uint64_t(y) * im.width + x];
        if (k != kNoKernel)
          note(r, dropped, pe(x, y) + " is placed twice (kernels '" + im.kernels[k].name + "' and '" +
                               im.kernels[p.kernel].name + "')");
        k = p.kernel;
        ++r.placed_pes;
      }
  // One route per PE and color: a bit per (PE, color).
  std::vector<uint32_t> routed(n, 0);
  uint32_t colors = 0;
  for (const RouteSet& rs : im.routes) {
    if (rs.color >= uint32_t(kColors)) {
      note(r, dropped, "a route uses color " + std::to_string(rs.color) + " (colors are 0..23)");
      continue;
    }
    colors |= 1u << rs.color;
    for (uint32_t y = rs.rect.y; y < rs.rect.y + rs.rect.h && y < im.height; ++y)
      for (uint32_t x = rs.rect.x; x < rs.rect.x + rs.rect.w && x < im.width; ++x) {
        uint32_t& bits = routed[uint64_t(y) * im.width + x];
        if (bits & (1u << rs.color)) note(r, dropped, pe(x, y) + " has two routes for color " + std::to_string(rs.color));
        bits |= 1u << rs.color;
        ++r.routed_pe_colors;
      }
  }
  r.colors_used = uint32_t(__builtin_popcount(colors));
  // SRAM: a kernel's code and data must fit, and initialised words must lie inside the kernel's data.
  for (const Kernel& k : im.kernels) {
    const uint64_t words = uint64_t(k.code.size()) * kInstrWords + k.data_words;
    r.max_sram_words = std::max<uint32_t>(r.max_sram_words, uint32_t(std::min<uint64_t>(words, UINT32_MAX)));
    if (words > kSramWords)
      note(r, dropped, "kernel '" + k.name + "' needs " + std::to_string(words) + " SRAM words (code " +
                           std::to_string(k.code.size() * kInstrWords) + " + data " + std::to_string(k.data_words) +
                           "), over " + std::to_string(kSramWords));
  }
  for (const SramInit& s : im.srams) {
    const uint64_t end = uint64_t(s.addr) + s.words.size();
    for (uint32_t y = s.rect.y; y < s.rect.y + s.rect.h && y < im.height; ++y)
      for (uint32_t x = s.rect.x; x < s.rect.x + s.rect.w && x < im.width; ++x) {
        const uint32_t k = kernel_of[uint64_t(y) * im.width + x];
        if (k == kNoKernel)
          note(r, dropped, pe(x, y) + " has SRAM contents but runs no kernel");
        else if (end > im.kernels[k].data_words)
          note(r, dropped, pe(x, y) + " has SRAM words up to " + std::to_string(end) + " beyond kernel '" +
                               im.kernels[k].name + "''s " + std::to_string(im.kernels[k].data_words) + " data words");
      }
  }
  if (dropped) r.problems.push_back("... and " + std::to_string(dropped) + " more");
  return r;
}

}  // namespace wafer::mapper
