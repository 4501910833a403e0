#include "mapper/image/pipeline_image.h"

#include <algorithm>

#include "host/model/error.h"

namespace wafer::mapper {

uint32_t replica_batch(uint32_t batch, uint32_t replicas, uint32_t r) {
  return batch > r ? (batch - r + replicas - 1) / replicas : 0;
}

Image build_pipeline_image(const LayerGraph& g, const Plan& plan, const std::vector<double>& inputs,
                           uint32_t batch) {
  g.validate();
  if (plan.layers.size() != g.layers.size()) throw Error("pipeline image: the plan does not match the graph");
  if (!inputs.empty() && inputs.size() != uint64_t(batch) * g.input_size())
    throw Error("pipeline image: " + std::to_string(inputs.size()) + " input values for a batch of " +
                std::to_string(batch) + " samples of " + std::to_string(g.input_size()));
  Image im;
  im.width = plan.grid_width, im.height = plan.grid_height;
  const uint32_t R = plan.replicas, N = g.input_size();
  for (uint32_t r = 0; r < R; ++r) {
    const uint32_t samples = inputs.empty() ? 0 : replica_batch(batch, R, r);
    const std::string prefix = R > 1 ? "r" + std::to_string(r) + "." : "";
    for (size_t i = 0; i < g.layers.size(); ++i) {
      const FcLayer& fc = g.layers[i];
      FcLayerSpec spec;
      spec.name = prefix + "fc" + std::to_string(i);
      spec.in = fc.in, spec.out = fc.out, spec.act = fc.act;
      spec.sparse_in = g.sparse_in(i), spec.sparse_out = g.sparse_out(i), spec.threshold = fc.zero_below;
      // The model's float64 values rounded to fp32, the wafer's arithmetic.
      spec.weight = [&fc](uint32_t row, uint32_t c) { return float(fc.weight[uint64_t(row) * fc.in + c]); };
      spec.bias = [&fc](uint32_t row) { return float(fc.bias[row]); };
      add_fc_layer(im, spec, plan.layer_of_replica(uint32_t(i), r), samples);
    }
    // Samples r, r + R, r + 2R, ... go to replica r.
    std::vector<float> x;
    x.reserve(uint64_t(samples) * N);
    for (uint32_t s = r; s < batch && samples; s += R)
      for (uint32_t j = 0; j < N; ++j) x.push_back(float(inputs[uint64_t(s) * N + j]));
    add_fc_input_streams(im, plan.layer_of_replica(0, r), N, x, samples, prefix, g.sparse_in(0));
    add_fc_output_streams(im, plan.layer_of_replica(uint32_t(g.layers.size() - 1), r), g.output_size(), samples,
                          plan.outputs_turn_south, prefix);
  }
  return im;
}

std::vector<float> collect_outputs(const Engine& engine, const LayerGraph& g, const Plan& plan, uint32_t batch) {
  const uint32_t R = plan.replicas, M = g.output_size(), lanes = plan.layers.back().lanes;
  std::vector<float> y(uint64_t(batch) * M);
  for (uint32_t r = 0; r < R; ++r) {
    const uint32_t samples = replica_batch(batch, R, r);
    const std::vector<float> part = fc_collect_outputs(
        engine, plan.layer_of_replica(uint32_t(g.layers.size() - 1), r), M, samples, r * lanes);
    for (uint32_t k = 0; k < samples; ++k)
      std::copy(part.begin() + uint64_t(k) * M, part.begin() + uint64_t(k + 1) * M,
                y.begin() + uint64_t(r + k * R) * M);
  }
  return y;
}

}  // namespace wafer::mapper
