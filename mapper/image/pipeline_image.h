// Plan + layer graph (+ an optional batch of inputs) -> an ordinary Image: the FC kernels per layer and
// chain role, each PE's block of W (fp32), registers, descriptors, routes, and the host streams (one
// input stream per chain position of layer 0 on the north edge, one output stream per lane of the last
// layer on the edge its outputs are routed to; with bands of replicas, those of one position share them).
#pragma once
#include <cstdint>
#include <vector>

#include "host/engine/engine.h"
#include "host/image/image.h"
#include "mapper/graph.h"
#include "mapper/plan.h"

namespace wafer::mapper {

// inputs: batch x N (sample-major) values, rounded to fp32 for the wafer; empty = an image with empty
// input streams (what `wafer map` writes without --input). The image is made for its batch: the streams
// hold it and the ReLU epilogues count it.
Image build_pipeline_image(const LayerGraph& graph, const Plan& plan, const std::vector<double>& inputs,
                           uint32_t batch);

// An upper bound on the SRAM contents the image holds, in bytes (every PE's largest block, bias and
// accumulators, all replicas): what dominates its size in memory and on disk. `wafer map` and `wafer infer`
// refuse beforehand when 1.5 times this exceeds the host's available memory.
uint64_t pipeline_image_sram_bytes(const Plan& plan);

// Reads the batch x M outputs back from the output streams of a finished run; throws naming the lane and
// sample when something is missing or out of order.
std::vector<float> collect_outputs(const Engine& engine, const LayerGraph& graph, const Plan& plan,
                                   uint32_t batch);

// Samples replica r of R gets from a batch (sample s goes to replica s mod R).
uint32_t replica_batch(uint32_t batch, uint32_t replicas, uint32_t r);

// Index of the output stream that carries lane l of replica r's last layer. Streams are added position by
// position in a band, in lane order; with bands, the replicas at one position share theirs (each band's
// outputs on its own color, Plan::band_colors).
inline uint32_t output_stream_of_lane(const Plan& plan, uint32_t replica, uint32_t lane) {
  return plan.position_of(replica) * plan.layers.back().lanes + lane;
}

}  // namespace wafer::mapper
