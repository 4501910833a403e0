#include "mapper/observe/plan_regions.h"

namespace wafer::mapper {

RegionMap plan_regions(const Plan& plan) {
  std::vector<std::pair<std::string, Rect>> rects;
  for (uint32_t r = 0; r < plan.replicas; ++r) {
    for (uint32_t l = 0; l < plan.layers.size(); ++l) {
      const LayerPlan lp = plan.layer_of_replica(l, r);
      rects.push_back({"L" + std::to_string(l) + " r" + std::to_string(r) + " " + lp.name, lp.rect()});
    }
  }
  return regions_from_rects(plan.grid_width, plan.grid_height, rects);
}

}  // namespace wafer::mapper
