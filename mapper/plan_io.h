// The plan in words: plan.json (per layer: op, shape of W, PE rectangle and position, PEs, SRAM words per
// PE, colors, predicted cycles) and the table `wafer map` and `wafer infer` print.
#pragma once
#include <string>

#include "mapper/graph.h"
#include "mapper/plan.h"

namespace wafer::mapper {

std::string plan_json(const LayerGraph& graph, const Plan& plan);  // pretty-printed JSON
std::string plan_table(const LayerGraph& graph, const Plan& plan);

// Importing by file name: .onnx through the ONNX importer, .json through the layer-list importer.
LayerGraph import_model(const std::string& path);
bool is_onnx_path(const std::string& path);

}  // namespace wafer::mapper
