// What `wafer map` and `wafer infer` share: importing and placing a model from the command line.
#pragma once
#include <cstdint>
#include <string>

#include "host/cli/grid_spec.h"
#include "host/engine/engine.h"
#include "mapper/graph.h"
#include "mapper/place/staircase.h"
#include "mapper/plan.h"
#include "mapper/plan_io.h"

namespace wafer::cli {

// "auto": the CUDA engine where it is built and a GPU is present, else the CPU engine.
inline std::string pick_engine(const std::string& requested) {
  if (requested != "auto") return requested;
  return cuda_engine_built() && gpu_status().present ? "cuda" : "cpu";
}

}  // namespace wafer::cli
