// `wafer map --explain [LAYER]` in words: the network blends the search weighed (target interval,
// replicas, region, PEs, predicted samples per second, verdict) and, for a layer (or every layer), the
// lane counts weighed at its chain length (shape, PEs, interval, latency, SRAM per PE, verdict), in the
// spirit of the seeds' 3x3 / 3x6 / 6x6 / 6x12 / 12x12 table.
#pragma once
#include <optional>
#include <string>

#include "mapper/search/search.h"

namespace wafer::mapper {

std::string explain_text(const LayerGraph& graph, const SearchResult& result, std::optional<uint32_t> layer);

}  // namespace wafer::mapper
