// State hash and counter totals on the device (see state_reduce.h).
#include <thrust/execution_policy.h>
#include <thrust/functional.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/reduce.h>
#include <thrust/system/system_error.h>
#include <thrust/transform_reduce.h>

#include "cuda/cuda_check.h"
#include "cuda/state_reduce.h"
#include "host/model/error.h"
#include "host/model/hash.h"

namespace wafer {

namespace {

// Element i of one array, widened the way MachineState::hash() widens it (4-byte elements zero-extended).
struct HashElement {
  const void* data;
  uint32_t elem_size;
  uint32_t array_id;
  __device__ uint64_t operator()(uint64_t i) const { return hash_array_element(array_id, data, elem_size, i); }
};

}  // namespace

uint64_t device_state_hash(const DeviceState& state, cudaStream_t stream) {
  uint64_t total = 0;
  uint32_t array_id = 0;
  try {
    for (const DeviceArray& a : state.arrays()) {
      const uint32_t id = array_id++;
      if (a.count == 0) continue;
      // Unsigned addition wraps, so the sum is the same in any order: the value does not depend on how
      // thrust splits the reduction.
      total += thrust::transform_reduce(thrust::cuda::par.on(stream), thrust::counting_iterator<uint64_t>(0),
                                        thrust::counting_iterator<uint64_t>(a.count),
                                        HashElement{a.data, a.elem_size, id}, uint64_t(0),
                                        thrust::plus<uint64_t>());
    }
  } catch (const thrust::system_error& e) {
    throw Error(std::string("CUDA error in the state hash: ") + e.what());
  }
  return total;
}

std::vector<uint64_t> device_counter_totals(const MachineView& view, cudaStream_t stream) {
  std::vector<uint64_t> totals(kCounterCount, 0);
  try {
    for (uint32_t c = 0; c < uint32_t(kCounterCount); ++c) {
      const uint64_t* first = view.ctr + uint64_t(c) * view.n;
      totals[c] = thrust::reduce(thrust::cuda::par.on(stream), first, first + view.n, uint64_t(0),
                                 thrust::plus<uint64_t>());
    }
  } catch (const thrust::system_error& e) {
    throw Error(std::string("CUDA error in the counter totals: ") + e.what());
  }
  return totals;
}

}  // namespace wafer
