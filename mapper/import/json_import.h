// The quick-experiment model format: a JSON list of fully connected layers, weights inline or drawn from
// a seed (so a 34-layer or 4096-wide model is a 1 KB file). docs/mapper-import.md has examples.
//
//   {
//     "input": 64,                         the first layer's input width N (a positive integer)
//     "layers": [                          at least one, in order
//       {"name": "fc1",                    optional; default "fc<position from 1>"
//        "out": 128,                       output width M; optional with inline weights (then checked)
//        "activation": "relu",             "relu" or "none" (the default)
//        "weights": "random", "seed": 1,   or "weights": [[...], ...]: M rows of N numbers
//        "bias": [...]},                   optional: M numbers, "random" (needs "seed") or "zero" (default)
//       ...],
//     "comment": "..."                     optional, here and in any layer; ignored
//   }
//
// "random" draws from SplitMix64 seeded with "seed": first the M x N weights row by row, then (when
// "bias" is "random") the M bias entries, each float32(u * float32(1 / sqrt(N))) with u uniform in
// [-1, 1) on a 2^-23 grid (as host/kernels/gemv.cpp draws): PyTorch's nn.Linear range, every value
// exactly a float32, so the wafer's fp32 weights equal the float64 reference's. Same seed, same numbers
// on every machine.
#pragma once
#include <string>

#include "mapper/graph.h"

namespace wafer::mapper {

// Reads the JSON layer list at `path` into a validated LayerGraph (input_name "input", output_name
// "output"). Errors (wafer::Error) name the file, the layer (layers[i] and its name) and the offending key
// and value; JSON syntax errors keep nlohmann's line, column and byte position. An unknown key is an
// error (a misspelt "weigths" must not silently become zeros). Deterministic.
LayerGraph import_json_layers(const std::string& path);

}  // namespace wafer::mapper
