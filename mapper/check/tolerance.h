// How far the wafer's fp32 result may be from the float64 reference, derived from the fp32 accumulation
// bound (Higham, Accuracy and Stability, 3.1) and carried through the layers:
//   layer input error e (per element; e = u|x| for the input rounded to fp32),
//   e'_i = gamma(k) (|b_i| + sum_j |w_ij| (|x_j| + e_j)) (1 + u)    the fma/add chain, k = N + C + 1
//        + u (|b_i| + sum_j |w_ij| (|x_j| + e_j))                    W and b rounded to fp32
//        + sum_j |w_ij| e_j                                          the input's own error, carried
// with x the float64 reference activations and gamma(k) = k u / (1 - k u), u = 2^-24. ReLU does not
// increase an error (it is 1-Lipschitz). docs/mapper.md derives it.
#pragma once
#include <cstdint>
#include <vector>

#include "mapper/graph.h"
#include "mapper/plan.h"

namespace wafer::mapper {

// Per output element (batch x M) bound for the graph evaluated with the plan's chain lengths.
std::vector<double> output_error_bound(const LayerGraph& graph, const Plan& plan, const std::vector<double>& input,
                                       uint32_t batch);

struct CheckResult {
  uint64_t outside = 0;             // elements whose error exceeds their bound
  double worst_error = 0;           // largest |wafer - reference|
  double worst_bound = 0;           // the bound at that element
  double worst_ratio = 0;           // largest error / bound
  uint64_t worst_sample = 0, worst_index = 0;
  bool pass() const { return outside == 0; }
};
CheckResult compare_with_reference(const std::vector<float>& got, const std::vector<double>& reference,
                                   const std::vector<double>& bound, uint32_t outputs_per_sample);

}  // namespace wafer::mapper
