// The mapped-model workload: a model through the mapper (import, search, pipeline image) as `wafer infer`
// maps it, fed seeded inputs. Kept apart from workloads.cpp so that only what needs the mapper links it.
#include "bench/workloads.h"
#include "host/model/split_mix.h"
#include "mapper/image/pipeline_image.h"
#include "mapper/plan_io.h"
#include "mapper/search/search.h"

namespace wafer::bench {

Workload mapped_model(const std::string& model_path, uint32_t grid_width, uint32_t grid_height,
                      uint32_t samples, uint64_t max_cycles) {
  const mapper::LayerGraph g = mapper::import_model(model_path);
  const mapper::SearchResult s = mapper::search_plan(g, grid_width, grid_height);
  const uint32_t n = g.layers.front().in;
  std::vector<double> inputs(uint64_t(samples) * n);
  SplitMix rng{7};
  for (double& x : inputs) x = rng.unit();  // [0, 1): the range of the digits' scaled pixels
  const std::string file = model_path.substr(model_path.find_last_of('/') + 1);
  Workload w{"mapped_" + file.substr(0, file.find('.')),
             mapper::build_pipeline_image(g, s.plan, inputs, samples), max_cycles,
             file + " as the search maps it (" + std::to_string(s.plan.replicas) + " replicas), " +
                 std::to_string(samples) + " samples, one run() per sample"};
  w.output_step = 1;
  w.samples = samples;
  return w;
}

}  // namespace wafer::bench
