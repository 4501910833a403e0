#include "mapper/image/pipeline_image.h"

#include "host/model/error.h"

namespace wafer::mapper {

Image build_pipeline_image(const LayerGraph& g, const Plan& plan, const std::vector<double>& inputs,
                           uint32_t batch) {
  g.validate();
  if (plan.layers.size() != g.layers.size()) throw Error("pipeline image: the plan does not match the graph");
  if (!inputs.empty() && inputs.size() != uint64_t(batch) * g.input_size())
    throw Error("pipeline image: " + std::to_string(inputs.size()) + " input values for a batch of " +
                std::to_string(batch) + " samples of " + std::to_string(g.input_size()));
  Image im;
  im.width = plan.grid_width, im.height = plan.grid_height;
  const uint32_t samples = inputs.empty() ? 0 : batch;
  for (size_t i = 0; i < g.layers.size(); ++i) {
    const FcLayer& fc = g.layers[i];
    FcLayerSpec spec;
    spec.name = "fc" + std::to_string(i);
    spec.in = fc.in, spec.out = fc.out, spec.act = fc.act;
    // The model's float64 values rounded to fp32, the wafer's arithmetic.
    spec.weight = [&fc](uint32_t r, uint32_t c) { return float(fc.weight[uint64_t(r) * fc.in + c]); };
    spec.bias = [&fc](uint32_t r) { return float(fc.bias[r]); };
    add_fc_layer(im, spec, plan.layers[i], samples);
  }
  std::vector<float> x(inputs.begin(), inputs.end());
  add_fc_input_streams(im, plan.layers.front(), g.input_size(), x, samples);
  add_fc_output_streams(im, plan.layers.back(), g.output_size(), samples);
  return im;
}

std::vector<float> collect_outputs(const Engine& engine, const LayerGraph& g, const Plan& plan, uint32_t batch) {
  return fc_collect_outputs(engine, plan.layers.back(), g.output_size(), batch, output_stream_of_lane(0));
}

}  // namespace wafer::mapper
