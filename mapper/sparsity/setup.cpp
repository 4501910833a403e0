#include "mapper/sparsity/setup.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "host/model/error.h"
#include "mapper/sparsity/activations.h"
#include "mapper/sparsity/density.h"

namespace wafer::mapper {

SparsitySetup setup_sparsity(LayerGraph& g, const std::vector<double>& input, uint32_t batch,
                             const SparsityOptions& o) {
  SparsitySetup s;
  s.options = o;
  if (o.fraction_given && o.threshold_given)
    throw Error("--induce-sparsity and --sparsity-threshold exclude each other");
  if ((o.fraction_given || o.threshold_given) && o.dense_kernel)
    throw Error("induced sparsity needs the sparse kernel (drop --dense-kernel)");
  if (o.fraction_given && !(o.fraction >= 0 && o.fraction < 1))
    throw Error("--induce-sparsity " + std::to_string(o.fraction) + ": the fraction must be in [0, 1)");
  if (o.threshold_given && !(o.threshold >= 0))
    throw Error("--sparsity-threshold " + std::to_string(o.threshold) + ": the threshold must be >= 0");
  g.dense_kernel = o.dense_kernel;
  if (o.threshold_given) set_sparsity_threshold(g, o.threshold);
  if (o.fraction_given) s.calibration = calibrate_induced_sparsity(g, o.fraction, input, batch);
  // The cost model plans with the batch's densities (the dense kernel's cost does not depend on them).
  if (!o.dense_kernel && batch > 0) measure_densities(g, input, batch);
  return s;
}

std::string describe_sparsity(const LayerGraph& g, const SparsitySetup& s) {
  std::ostringstream o;
  if (g.dense_kernel) return "kernel: dense (every x travels)\n";
  o << "kernel: sparse (zeros are not sent; a sample ends with the sentinel)";
  if (s.options.threshold_given) o << "; induced sparsity: hidden |a| < " << s.options.threshold << " zeroed";
  if (s.options.fraction_given) {
    o << "; induced sparsity " << s.options.fraction << " (thresholds calibrated on the batch:";
    for (size_t l = 0; l + 1 < g.layers.size(); ++l)
      o << " " << l << ": T=" << s.calibration.threshold[l] << " zeroes " << 100 * s.calibration.fraction[l] << "%";
    o << ")";
  }
  o << "\ninput density per layer planned with (measured on the batch, float64):";
  const auto d = mean_input_density(g);
  for (size_t l = 0; l < d.size(); ++l) o << (l ? ", " : " ") << l << ": " << d[l];
  o << "\n";
  return o.str();
}

std::string describe_measured_sparsity(const LayerGraph& g, const ReplayDetail& detail) {
  std::ostringstream o;
  o << "hidden layers on the wafer (fp32 replay): output density";
  bool any_induced = false;
  for (size_t l = 0; l + 1 < g.layers.size(); ++l) {
    o << (l ? ", " : " ") << l << ": " << nonzero_fraction(detail.outputs[l]);
    any_induced |= g.layers[l].zero_below > 0;
  }
  if (any_induced) {
    o << "\ninduced sparsity zeroed, of the activations non-zero after the activation:";
    for (size_t l = 0; l + 1 < g.layers.size(); ++l) {
      uint64_t kept = 0;
      for (float v : detail.outputs[l]) kept += v != 0.0f;
      const uint64_t a = detail.active[l];
      o << (l ? ", " : " ") << l << ": " << (a ? 100.0 * double(a - kept) / double(a) : 0.0) << "%";
    }
  }
  o << "\n";
  return o.str();
}

CoupledPlan couple_plan(const LayerGraph& g, Plan& plan, const std::vector<double>& input, uint32_t batch) {
  CoupledPlan c;
  c.expected = plan.interval;
  if (g.dense_kernel || batch == 0 || input.size() != uint64_t(batch) * g.input_size()) return c;
  // Replica 0's samples only: every replica runs the same pipeline, and the run times replica 0.
  const uint32_t R = std::max(plan.replicas, 1u), N = g.input_size();
  const uint32_t timed = (batch + R - 1) / R;
  std::vector<double> mine;
  mine.reserve(uint64_t(timed) * N);
  for (uint64_t s = 0; s < batch; s += R) mine.insert(mine.end(), input.begin() + s * N, input.begin() + (s + 1) * N);
  Plan one = plan;
  one.replicas = 1;
  c.prediction = predict_coupled(g, one, wafer_activations(g, one, mine, timed), timed);
  if (c.prediction.modelled && c.prediction.interval > 0) {
    // Bands of replicas: the shared edge ports still bound each pipeline (cost/io.h).
    plan.interval = std::max<uint64_t>(uint64_t(std::llround(c.prediction.interval)), plan.io_interval);
    c.applied = true;
  }
  return c;
}

std::string describe_coupled(const CoupledPlan& c) {
  std::ostringstream o;
  if (c.applied) {
    o << "predicted interval from the coupling model over replica 0's " << c.prediction.timed
      << " samples (each sample's own zeros through the pipeline): " << c.prediction.interval
      << " cycles/sample; the expected-work model alone: " << c.expected << "\n";
  } else if (c.prediction.modelled) {
    o << "coupling model not applied: replica 0 gets " << c.prediction.timed
      << " sample(s), fewer than the 4 its steady state needs; predicted interval from the expected-work model\n";
  }
  return o.str();
}

}  // namespace wafer::mapper
