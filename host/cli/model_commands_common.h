// What `wafer map` and `wafer infer` share: the engine choice and the plan's options (--block for the
// uniform rule; otherwise the search, with --replicas and --shape forcing parts of it).
#pragma once
#include <cstdint>
#include <cxxopts.hpp>
#include <optional>
#include <string>

#include "host/cli/grid_spec.h"
#include "host/engine/engine.h"
#include "mapper/graph.h"
#include "mapper/place/staircase.h"
#include "mapper/plan.h"
#include "mapper/plan_io.h"
#include "mapper/search/search.h"

namespace wafer::cli {

// "auto": the CUDA engine where it is built and a GPU is present, else the CPU engine.
inline std::string pick_engine(const std::string& requested) {
  if (requested != "auto") return requested;
  return cuda_engine_built() && gpu_status().present ? "cuda" : "cpu";
}

void add_plan_options(cxxopts::Options& opts);

struct PlanChoice {
  mapper::Plan plan;
  std::optional<mapper::SearchResult> search;  // absent under --block
};
// max_replicas: a cap on the replicas the search may choose (0: none); --replicas overrides it.
PlanChoice choose_plan(const mapper::LayerGraph& g, const GridSize& grid, const cxxopts::ParseResult& args,
                       uint32_t max_replicas = 0);

// The blend in words, and for a forced choice what the search would have done instead.
std::string describe_choice(const PlanChoice& c);

// Refuses, before the image is built, a plan whose image would not fit the host's available memory
// (building one takes about its SRAM contents, mapper::pipeline_image_sram_bytes; 1.5x is asked for),
// and with and_cpu_state the CPU engine's machine state beside it, rather than be killed halfway or refused
// only after the build; says what to do instead.
void check_image_fits_memory(const std::string& model, const mapper::Plan& plan, bool and_cpu_state = false);

}  // namespace wafer::cli
