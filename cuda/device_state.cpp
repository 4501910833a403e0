// Upload and download of the whole machine state (see device_state.h).
#include "cuda/device_state.h"

#include <string_view>

#include "host/model/error.h"

namespace wafer {

namespace {

template <class T>
const T* upload_table(std::vector<DeviceBuffer>& buffers, const std::vector<T>& table, cudaStream_t stream) {
  DeviceBuffer b(table.size() * sizeof(T));
  if (b.get() != nullptr) {
    WAFER_CUDA_CHECK(cudaMemcpyAsync(b.get(), table.data(), b.bytes(), cudaMemcpyHostToDevice, stream));
  }
  const T* p = b.as<const T>();
  buffers.push_back(std::move(b));
  return p;
}

}  // namespace

void DeviceState::release() {
  buffers_.clear();
  arrays_.clear();
  view_ = MachineView{};
}

void* DeviceState::find(const char* name) const {
  for (const auto& a : arrays_) {
    if (a.name == name) return a.data;
  }
  throw Error(std::string("internal: MachineState has no array named ") + name);
}

void DeviceState::upload(const MachineState& s, cudaStream_t stream) {
  release();
  try {
    upload_arrays(s, stream);
  } catch (...) {
    release();  // never leave a half-uploaded state that looks loaded
    throw;
  }
}

void DeviceState::upload_arrays(const MachineState& s, cudaStream_t stream) {
  s.for_each_array([&](const char* name, const void* data, size_t count, size_t elem_size, uint32_t per_pe) {
    DeviceBuffer b(uint64_t(count) * elem_size);
    if (b.get() != nullptr) {
      WAFER_CUDA_CHECK(cudaMemcpyAsync(b.get(), data, b.bytes(), cudaMemcpyHostToDevice, stream));
    }
    arrays_.push_back({name, b.get(), count, uint32_t(elem_size), per_pe});
    buffers_.push_back(std::move(b));
  });

  // The view names arrays explicitly, so a field added to WAFER_PE_FIELDS is picked up here and a renamed
  // edge or stream array fails loudly in find() instead of leaving a null pointer.
  MachineView v{};
  v.width = s.width, v.height = s.height, v.n = s.n, v.sram_words = s.sram_words;
#define WAFER_DEVICE_POINTER(type, name, count) v.name = static_cast<type*>(find(#name));
  WAFER_PE_FIELDS(WAFER_DEVICE_POINTER)
#undef WAFER_DEVICE_POINTER
  v.sram = static_cast<uint32_t*>(find("sram"));
  v.edge_in_pay = static_cast<uint32_t*>(find("edge_in_pay"));
  v.edge_in_meta = static_cast<uint32_t*>(find("edge_in_meta"));
  v.edge_out_pay = static_cast<uint32_t*>(find("edge_out_pay"));
  v.edge_out_meta = static_cast<uint32_t*>(find("edge_out_meta"));
  v.in_pos = static_cast<uint64_t*>(find("in_pos"));
  v.in_sent_last = static_cast<uint32_t*>(find("in_sent_last"));
  v.out_data_pay = static_cast<uint32_t*>(find("out_data_pay"));
  v.out_data_meta = static_cast<uint32_t*>(find("out_data_meta"));
  v.out_received = static_cast<uint64_t*>(find("out_received"));
  v.out_overflow = static_cast<uint32_t*>(find("out_overflow"));

  v.kernels = upload_table(buffers_, s.kernels, stream);
  v.code = upload_table(buffers_, s.code, stream);
  v.edge_out_stream = upload_table(buffers_, s.edge_out_stream, stream);
  v.in_count = uint32_t(s.in_info.size());
  v.out_count = uint32_t(s.out_info.size());
  v.in_info = upload_table(buffers_, s.in_info, stream);
  v.in_data_pay = upload_table(buffers_, s.in_data_pay, stream);
  v.in_data_meta = upload_table(buffers_, s.in_data_meta, stream);
  v.out_info = upload_table(buffers_, s.out_info, stream);
  // The host arrays are pageable: the copies above are synchronous with respect to the host already, but
  // synchronising makes "upload returned" mean "the device holds the state" on every driver.
  WAFER_CUDA_CHECK(cudaStreamSynchronize(stream));
  view_ = v;
}

void DeviceState::download(MachineState& s, cudaStream_t stream, bool with_sram) const {
  size_t i = 0;
  s.for_each_array([&](const char* name, void* data, size_t count, size_t elem_size, uint32_t) {
    const bool skip = !with_sram && std::string_view(name) == "sram" && count == 0;
    if (skip) {
      ++i;
      return;
    }
    if (i >= arrays_.size() || arrays_[i].name != name || arrays_[i].count != count ||
        arrays_[i].elem_size != elem_size) {
      throw Error(std::string("internal: download into a state of another shape (array ") + name + ")");
    }
    if (count > 0) {
      WAFER_CUDA_CHECK(cudaMemcpyAsync(data, arrays_[i].data, uint64_t(count) * elem_size,
                                       cudaMemcpyDeviceToHost, stream));
    }
    ++i;
  });
  WAFER_CUDA_CHECK(cudaStreamSynchronize(stream));
}

}  // namespace wafer
