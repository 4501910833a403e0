#include "tests/mapper/mapper_test_support.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "host/model/split_mix.h"
#include "mapper/image/pipeline_image.h"
#include "mapper/place/staircase.h"

namespace wafer::mapper::testing {

namespace {}  // namespace

LayerGraph random_graph(const std::vector<uint32_t>& sizes, Activation act, uint64_t seed) {
  std::printf("random_graph seed %llu\n", (unsigned long long)seed);
  SplitMix r{seed};
  LayerGraph g;
  g.source = "random";
  for (size_t i = 1; i < sizes.size(); ++i) {
    FcLayer l;
    l.name = "fc" + std::to_string(i - 1);
    l.in = sizes[i - 1], l.out = sizes[i];
    // 1/sqrt(N) rounded to a power of two keeps scaled values fp32-exact.
    const double scale = std::ldexp(1.0, -int(std::ceil(std::log2(std::sqrt(double(l.in))))));
    l.weight.resize(uint64_t(l.in) * l.out);
    for (auto& w : l.weight) w = (2 * r.unit() - 1) * scale;
    l.bias.resize(l.out);
    for (auto& b : l.bias) b = r.unit() - 0.5;
    l.act = i + 1 < sizes.size() ? act : Activation::kNone;
    g.layers.push_back(std::move(l));
  }
  return g;
}

std::vector<double> random_inputs(uint32_t batch, uint32_t n, uint64_t seed) {
  SplitMix r{seed};
  std::vector<double> x(uint64_t(batch) * n);
  for (auto& v : x) v = r.unit();
  return x;
}

std::vector<double> forward64(const LayerGraph& g, const std::vector<double>& input, uint32_t batch) {
  std::vector<double> out;
  for (uint32_t s = 0; s < batch; ++s) {
    std::vector<double> x(input.begin() + uint64_t(s) * g.input_size(),
                          input.begin() + uint64_t(s + 1) * g.input_size());
    for (const auto& l : g.layers) {
      std::vector<double> y(l.out);
      for (uint32_t i = 0; i < l.out; ++i) {
        double acc = l.bias[i];
        for (uint32_t j = 0; j < l.in; ++j) acc += l.weight[uint64_t(i) * l.in + j] * x[j];
        y[i] = l.act == Activation::kRelu ? std::max(acc, 0.0) : acc;
        if (std::fabs(y[i]) < double(l.zero_below)) y[i] = 0;  // induced sparsity
      }
      x = std::move(y);
    }
    out.insert(out.end(), x.begin(), x.end());
  }
  return out;
}

MappedRun map_run_check(const LayerGraph& g, uint32_t width, uint32_t height, uint32_t block,
                        const std::vector<double>& input, uint32_t batch, const std::string& engine_name) {
  MappedRun m;
  m.plan = place_staircase(g, width, height, {.block = block});
  const Image im = build_pipeline_image(g, m.plan, input, batch);
  auto engine = make_engine(engine_name, {.threads = 2});
  engine->load(im);
  m.run = run_pipeline(*engine, g, m.plan, batch);
  m.totals = engine->counter_totals();
  m.wavelets_out = engine->counter_per_pe(kCtrWaveletsOut);
  m.reference = forward64(g, input, batch);
  m.check = compare_with_reference(m.run.outputs, m.reference, output_error_bound(g, m.plan, input, batch),
                                   g.output_size());
  return m;
}

}  // namespace wafer::mapper::testing
