// A batch of samples from a .npy array, shaped for the graph: [batch, N] (or [N] for one sample), or
// [batch, d1, d2, ...] with d1 x d2 x ... = N (the input of a Flatten in front of the first layer, read
// flattened in C order), or [N, batch] when the ONNX input is feature-major (Gemm transA=1; 2-D only).
// Errors name the file, the shape given and the shape expected.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "host/io/npy.h"
#include "mapper/graph.h"

namespace wafer::mapper {

struct Batch {
  uint32_t size = 0;           // samples
  std::vector<double> values;  // size x N, sample-major
};

Batch batch_from_npy(const NpyArray& array, const LayerGraph& graph, const std::string& file);

}  // namespace wafer::mapper
