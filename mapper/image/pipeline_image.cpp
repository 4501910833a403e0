#include "mapper/image/pipeline_image.h"

#include <algorithm>

#include "host/kernels/block_split.h"
#include "host/model/error.h"

namespace wafer::mapper {

uint32_t replica_batch(uint32_t batch, uint32_t replicas, uint32_t r) {
  return batch > r ? (batch - r + replicas - 1) / replicas : 0;
}

uint64_t pipeline_image_sram_bytes(const Plan& plan) {
  uint64_t words = 0;
  for (const LayerPlan& l : plan.layers) words += l.cost.pes * l.cost.data_words;
  return 4 * words * plan.replicas;
}

namespace {

// Stream name prefix of replica r's streams, or, with bands, of the streams position j's replicas share.
std::string stream_prefix(const Plan& plan, uint32_t r) {
  if (plan.replicas == 1) return "";
  return plan.bands() > 1 ? "p" + std::to_string(plan.position_of(r)) + "." : "r" + std::to_string(r) + ".";
}

}  // namespace

Image build_pipeline_image(const LayerGraph& g, const Plan& plan, const std::vector<double>& inputs,
                           uint32_t batch) {
  g.validate();
  if (plan.layers.size() != g.layers.size()) throw Error("pipeline image: the plan does not match the graph");
  if (!inputs.empty() && inputs.size() != uint64_t(batch) * g.input_size())
    throw Error("pipeline image: " + std::to_string(inputs.size()) + " input values for a batch of " +
                std::to_string(batch) + " samples of " + std::to_string(g.input_size()));
  Image im;
  im.width = plan.grid_width, im.height = plan.grid_height;
  const uint32_t R = plan.replicas, N = g.input_size(), last = uint32_t(g.layers.size() - 1);
  const uint32_t per_band = plan.replicas_per_band, M = g.output_size();
  const BlockSplit out_rows{M, plan.layers.back().lanes};
  for (uint32_t r = 0; r < R; ++r) {
    const uint32_t samples = inputs.empty() ? 0 : replica_batch(batch, R, r);
    const std::string prefix = R > 1 ? "r" + std::to_string(r) + "." : "";
    for (uint32_t i = 0; i <= last; ++i) {
      const FcLayer& fc = g.layers[i];
      FcLayerSpec spec;
      spec.name = prefix + "fc" + std::to_string(i);
      spec.in = fc.in, spec.out = fc.out, spec.act = fc.act;
      spec.sparse_in = g.sparse_in(i), spec.sparse_out = g.sparse_out(i), spec.threshold = fc.zero_below;
      // The model's float64 values rounded to fp32, the wafer's arithmetic.
      spec.weight = [&fc](uint32_t row, uint32_t c) { return float(fc.weight[uint64_t(row) * fc.in + c]); };
      spec.bias = [&fc](uint32_t row) { return float(fc.bias[row]); };
      add_fc_layer(im, spec, plan.layer_of_replica(i, r), samples);
    }
    // A lower band's x passes straight down through the bands above, on the band's own x color.
    const LayerPlan l0 = plan.layer_of_replica(0, r);
    if (l0.y > 0)
      for (uint32_t c = 0; c < l0.chain; ++c) im.route({l0.pe_x(0, c), 0, 1, l0.y}, l0.x_color, kNorth, port_bit(kSouth));
  }
  // Streams. Every replica has its own input stream per chain position of layer 0, at the north port of that
  // column: the replicas of one position in every band share those ports (the engine serves a port's
  // streams in turn, each band on its own x color). Their outputs share the south ports their paths reach,
  // one output stream per lane and position, each band's outputs on its own exit color.
  for (uint32_t j = 0; j < std::min(R, per_band); ++j) {
    std::vector<EdgePort> ports;
    uint64_t out_samples = 0;
    for (uint32_t r = j; r < R; r += per_band) {
      const uint32_t samples = inputs.empty() ? 0 : replica_batch(batch, R, r);
      // Samples r, r + R, r + 2R, ... go to replica r.
      std::vector<float> x;
      x.reserve(uint64_t(samples) * N);
      for (uint32_t s = r; s < batch && samples; s += R)
        for (uint32_t k = 0; k < N; ++k) x.push_back(float(inputs[uint64_t(s) * N + k]));
      const LayerPlan l0 = plan.layer_of_replica(0, r);
      std::vector<FcStreamWavelets> w = fc_input_wavelets(l0, N, x, samples, g.sparse_in(0));
      for (uint32_t c = 0; c < l0.chain; ++c) {
        InStream s;
        s.name = (R > 1 ? "r" + std::to_string(r) + "." : std::string()) + "x" + std::to_string(c);
        s.x = l0.pe_x(0, c), s.y = 0, s.port = kNorth, s.color = l0.x_color;
        s.payload = std::move(w[c].payload), s.index = std::move(w[c].index);
        im.add_in_stream(std::move(s));
      }
      const std::vector<EdgePort> p = add_fc_output_routes(im, plan.layer_of_replica(last, r), plan.output_route,
                                                           plan.corridor_x(r));
      if (!ports.empty() && p != ports)
        throw Error("pipeline image: replica " + std::to_string(r) + "'s outputs leave through other ports than band 0's");
      ports = p;
      out_samples += samples;
    }
    const std::string prefix = stream_prefix(plan, j);
    for (uint32_t lane = 0; lane < ports.size(); ++lane) {
      OutStream o;
      o.name = prefix + "y" + std::to_string(lane);
      o.x = ports[lane].x, o.y = ports[lane].y, o.port = ports[lane].port;
      o.capacity = std::max<uint64_t>(out_samples, 1) * out_rows.size(lane);  // a stream needs room for one
      im.add_out_stream(std::move(o));
    }
  }
  return im;
}

std::vector<float> collect_outputs(const Engine& engine, const LayerGraph& g, const Plan& plan, uint32_t batch) {
  const uint32_t R = plan.replicas, M = g.output_size();
  const uint32_t last = uint32_t(g.layers.size() - 1);
  std::vector<float> y(uint64_t(batch) * M);
  for (uint32_t r = 0; r < R; ++r) {
    const uint32_t samples = replica_batch(batch, R, r);
    const LayerPlan l = plan.layer_of_replica(last, r);
    const std::vector<float> part =
        fc_collect_outputs(engine, l, M, samples, output_stream_of_lane(plan, r, 0),
                           plan.bands() > 1 ? int32_t(l.output_color()) : -1);
    for (uint32_t k = 0; k < samples; ++k)
      std::copy(part.begin() + uint64_t(k) * M, part.begin() + uint64_t(k + 1) * M,
                y.begin() + uint64_t(r + k * R) * M);
  }
  return y;
}

}  // namespace wafer::mapper
