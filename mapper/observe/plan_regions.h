// The regions of a mapped model for per-region counters and heatmaps: one per layer and replica, named
// "L<layer> r<replica> <layer name>"; what lies outside them (output paths, unused wafer) is "(other)".
#pragma once
#include "host/engine/counter_report.h"
#include "mapper/plan.h"

namespace wafer::mapper {

RegionMap plan_regions(const Plan& plan);

}  // namespace wafer::mapper
