// Host-owned storage of the whole machine state (every field of WAFER_PE_FIELDS, SRAM, shared tables,
// streams). The CPU engine steps it in place; the CUDA engine builds one to upload and downloads into one
// for comparison. Built from an Image by `load_machine`.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "host/image/image.h"
#include "host/model/state.h"

namespace wafer {

class MachineState {
 public:
  uint32_t width = 0, height = 0, n = 0, sram_words = 0;
#define WAFER_DECLARE_VEC(type, name, count) std::vector<type> name;
  WAFER_PE_FIELDS(WAFER_DECLARE_VEC)
#undef WAFER_DECLARE_VEC
  std::vector<uint32_t> sram;  // word w of PE p at [w * n + p]

  std::vector<KernelInfo> kernels;
  std::vector<std::string> kernel_names;
  std::vector<Instr> code;
  // The image's source names (Image::names, Image::color_names), so that trap and stall reports can speak
  // the program's words on every engine. Not machine state: never hashed, compared or uploaded.
  std::vector<KernelNames> source_names;
  std::vector<ColorName> color_names;

  std::vector<uint32_t> edge_in_pay, edge_in_meta, edge_out_pay, edge_out_meta;
  std::vector<int32_t> edge_out_stream;

  std::vector<InStreamInfo> in_info;
  std::vector<std::string> in_names;
  std::vector<uint32_t> in_data_pay, in_data_meta;
  std::vector<uint64_t> in_pos;
  std::vector<uint32_t> in_sent_last;
  std::vector<OutStreamInfo> out_info;
  std::vector<std::string> out_names;
  std::vector<uint32_t> out_data_pay, out_data_meta;
  std::vector<uint64_t> out_received;
  std::vector<uint32_t> out_overflow;

  MachineView view();

  // Visits every mutable array of the state in a fixed order: f(name, data pointer, element count,
  // element size in bytes, elements per PE or 0 for non-PE arrays). Used by compare, hash and the CUDA
  // engine's upload/download.
  template <class F>
  void for_each_array(F&& f);
  template <class F>
  void for_each_array(F&& f) const {
    const_cast<MachineState*>(this)->for_each_array(f);
  }

  // Order-independent 64-bit hash of every mutable array (see model/hash.h); not trivially zero.
  uint64_t hash() const;
  // "" when equal, else the first difference as "field F, PE (x, y), element k: a != b".
  std::string first_difference(const MachineState& other) const;

  // Bytes the state needs for a grid and SRAM footprint (what an engine must allocate).
  static uint64_t bytes_needed(uint32_t width, uint32_t height, uint32_t sram_words);
};

// Builds the initial state of an image (validates it first). Throws wafer::Error.
MachineState load_machine(const Image& image);

template <class F>
void MachineState::for_each_array(F&& f) {
#define WAFER_VISIT(type, name, count) f(#name, name.data(), name.size(), sizeof(type), uint32_t(count));
  WAFER_PE_FIELDS(WAFER_VISIT)
#undef WAFER_VISIT
  f("sram", sram.data(), sram.size(), sizeof(uint32_t), sram_words);
  f("edge_in_pay", edge_in_pay.data(), edge_in_pay.size(), sizeof(uint32_t), 0u);
  f("edge_in_meta", edge_in_meta.data(), edge_in_meta.size(), sizeof(uint32_t), 0u);
  f("edge_out_pay", edge_out_pay.data(), edge_out_pay.size(), sizeof(uint32_t), 0u);
  f("edge_out_meta", edge_out_meta.data(), edge_out_meta.size(), sizeof(uint32_t), 0u);
  f("in_pos", in_pos.data(), in_pos.size(), sizeof(uint64_t), 0u);
  f("in_sent_last", in_sent_last.data(), in_sent_last.size(), sizeof(uint32_t), 0u);
  f("out_data_pay", out_data_pay.data(), out_data_pay.size(), sizeof(uint32_t), 0u);
  f("out_data_meta", out_data_meta.data(), out_data_meta.size(), sizeof(uint32_t), 0u);
  f("out_received", out_received.data(), out_received.size(), sizeof(uint64_t), 0u);
  f("out_overflow", out_overflow.data(), out_overflow.size(), sizeof(uint32_t), 0u);
}

}  // namespace wafer
