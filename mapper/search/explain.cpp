#include "mapper/search/explain.h"

#include <cstdio>
#include <sstream>

namespace wafer::mapper {

std::string explain_text(const LayerGraph& g, const SearchResult& r, std::optional<uint32_t> layer) {
  std::ostringstream o;
  char line[512];
  o << "network blends weighed (" << r.blends_weighed << " distinct staircases on the target ladder; a few shown):\n";
  std::snprintf(line, sizeof line, "  %8s %8s %9s %6s %11s %9s %12s  %s\n", "target", "interval", "replicas", "bands",
                "region", "PEs", "samples/s", "verdict");
  o << line;
  for (const BlendAlternative& b : r.blends) {
    const std::string region = std::to_string(b.plan.used_width()) + "x" + std::to_string(b.plan.used_height());
    std::snprintf(line, sizeof line, "  %8llu %8llu %9u %6u %11s %9llu %12.4g  %s\n", (unsigned long long)b.target,
                  (unsigned long long)b.plan.interval, b.plan.replicas, b.plan.bands(), region.c_str(),
                  (unsigned long long)b.plan.pes(),
                  b.plan.samples_per_second(), b.verdict.c_str());
    o << line;
  }
  uint32_t from = 0, to = uint32_t(g.layers.size());
  if (layer) from = *layer, to = *layer + 1;
  for (uint32_t i = from; i < to; ++i) {
    const auto alts = layer_alternatives(g, r, i);
    const FcLayer& fc = g.layers[i];
    o << "layer " << i << " ('" << fc.name << "', W " << fc.out << "x" << fc.in << ", " << activation_name(fc.act)
      << "): chain length " << r.plan.layers[i].chain << " (set by "
      << (i == 0 ? std::string("the search's C0") : "layer " + std::to_string(i - 1) + "'s lanes") << ")\n";
    std::snprintf(line, sizeof line, "  %-11s %7s %9s %9s %9s %-10s  %s\n", "shape KxC", "PEs", "interval", "latency",
                  "SRAM/PE", "block", "verdict");
    o << line;
    for (const LayerAlternative& a : alts) {
      const std::string shape = std::to_string(a.lanes) + "x" + std::to_string(a.chain);
      const std::string block = std::to_string(a.cost.m_max) + "x" + std::to_string(a.cost.n_max);
      std::snprintf(line, sizeof line, "  %-11s %7llu %9llu %9llu %9u %-10s  %s\n", shape.c_str(),
                    (unsigned long long)a.cost.pes, (unsigned long long)a.cost.interval,
                    (unsigned long long)a.cost.latency, a.cost.data_words + a.cost.code_words, block.c_str(),
                    a.verdict.c_str());
      o << line;
    }
  }
  return o.str();
}

}  // namespace wafer::mapper
