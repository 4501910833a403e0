// The loadable artifact: a grid, kernels, which PEs run them with which parameters, routes, initial
// memory and host streams. Built with the C++ API below (or by the assembler), saved to and loaded from
// the versioned binary format of docs/image-format.md.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "host/model/constants.h"
#include "host/model/isa.h"

namespace wafer {

struct Rect {
  uint32_t x = 0, y = 0, w = 1, h = 1;
  bool contains(uint32_t px, uint32_t py) const { return px >= x && px - x < w && py >= y && py - y < h; }
  static Rect pe(uint32_t px, uint32_t py) { return {px, py, 1, 1}; }
};

struct Kernel {
  std::string name;
  std::vector<Instr> code;
  uint32_t entry[kTasks];   // entry pc per task id, kUnbound when the task has no handler
  uint32_t data_words = 0;  // SRAM words [0, data_words) the kernel's data may use
  Kernel() {
    for (auto& e : entry) e = kUnbound;
  }
};

struct Placement {  // PEs in rect run kernel; tasks start activated / blocked per the masks
  Rect rect;
  uint32_t kernel = 0;
  uint32_t activate_mask = 0;
  uint32_t block_mask = 0;
};

struct RouteSet {  // color's route at every PE in rect
  Rect rect;
  uint32_t color = 0;
  uint32_t rx = kNoPort;  // Port the color arrives on
  uint32_t tx_mask = 0;   // bit per Port it leaves on
};

struct SramInit {  // the same words at addr of every PE in rect
  Rect rect;
  uint32_t addr = 0;
  std::vector<uint32_t> words;
};

struct RegInit {
  Rect rect;
  uint32_t reg = 0;
  uint32_t value = 0;
};

struct DsrInit {
  Rect rect;
  uint32_t dsr = 0;
  uint32_t word0 = 0, word1 = 0;
};

struct InStream {  // host -> fabric through an edge PE's off-grid port, one wavelet per cycle
  std::string name;
  uint32_t x = 0, y = 0, port = kWest, color = 0;
  std::vector<uint32_t> payload;
  std::vector<uint16_t> index;  // empty = 0, 1, 2, ...
  // Per-wavelet colors (empty: every wavelet on `color`). A port multiplexes colors: the mapper feeds
  // several bands of replicas through one north-edge port, each band on its own color (docs/mapper.md).
  // The wavelets still go one per cycle, in order: one whose color's queue is full holds up the rest.
  std::vector<uint8_t> colors;
  uint32_t color_of(size_t i) const { return colors.empty() ? color : colors[i]; }
};

struct OutStream {  // fabric -> host: every wavelet the edge PE sends through the port
  std::string name;
  uint32_t x = 0, y = 0, port = kWest;
  uint64_t capacity = 0;  // wavelets kept; more is an error (kTrapStreamOverflow)
  // Wavelets the program expects by the end of a run (0: no expectation). A host that ends a run with
  // fewer treats it as a failure (`wafer run` exits non-zero); the assembler sets it from `expect N`,
  // else from the capacity.
  uint64_t expect = 0;
};

// Source names, kept so that the host can address a program by its own names (symbols, tasks, colors)
// and reports can speak them (file:line of a pc). Optional: an image built in C++ may carry none.
struct SymbolName {  // a variable the kernel exports to the host
  std::string name;
  uint32_t addr = 0, words = 0;  // SRAM words [addr, addr + words) of every PE running the kernel
};
struct TaskName {  // a named task (data task: id = its color; local task: id 24..31)
  std::string name;
  uint32_t id = 0;
};
struct KernelNames {
  std::vector<SymbolName> symbols;
  std::vector<TaskName> tasks;
  std::string file;                  // the source file the kernel's text came from ("" = unknown)
  std::vector<uint32_t> line_of_pc;  // 1-based source line of each instruction (empty = unknown)
};
struct ColorName {  // color NAME[count] = first
  std::string name;
  uint32_t color = 0, count = 1;
};

struct Image {
  uint32_t width = 0, height = 0;
  std::vector<Kernel> kernels;
  std::vector<Placement> placements;  // later entries override earlier ones
  std::vector<RouteSet> routes;       // later entries override earlier ones
  std::vector<SramInit> srams;
  std::vector<RegInit> regs;
  std::vector<DsrInit> dsrs;
  std::vector<InStream> in_streams;
  std::vector<OutStream> out_streams;
  std::vector<KernelNames> names;  // empty, or one per kernel (same index)
  std::vector<ColorName> color_names;

  uint32_t pe_count() const { return width * height; }
  // Words of SRAM per PE the emulation allocates: the highest word any kernel or initialiser uses.
  uint32_t sram_words() const;
  // Throws wafer::Error naming the offending item when the image is malformed (see docs/image-format.md).
  void validate() const;

  // Builder conveniences.
  uint32_t add_kernel(Kernel k);
  void place(Rect r, uint32_t kernel, uint32_t activate_mask = 0, uint32_t block_mask = 0);
  void route(Rect r, uint32_t color, uint32_t rx, uint32_t tx_mask);
  void sram(Rect r, uint32_t addr, std::vector<uint32_t> words);
  void reg(Rect r, uint32_t reg, uint32_t value);
  uint32_t add_in_stream(InStream s);
  uint32_t add_out_stream(OutStream s);

  // Name lookups (names must be present): nullptr when the kernel has no such symbol or task.
  const SymbolName* symbol(uint32_t kernel, const std::string& name) const;
  const TaskName* task(uint32_t kernel, const std::string& name) const;
  // "file:line" of kernel's instruction pc, or "" when the image has no line table for it.
  std::string source_line(uint32_t kernel, uint32_t pc) const;
  // The name of color c ("c_in" or "c_row[3]"), or "" when it has none.
  std::string color_name(uint32_t c) const;
};

inline constexpr uint32_t port_bit(uint32_t port) {
  return 1u << port;
}

// Versioned binary image file (docs/image-format.md).
// Version 2 adds output streams' `expect` and the source names; version 1 files still load.
inline constexpr uint32_t kImageVersion = 3;
void save_image(const Image& image, const std::string& path);
std::string image_bytes(const Image& image);  // the file's bytes, in memory
Image load_image(const std::string& path);  // throws wafer::Error with the file and the offending field

const char* port_name(uint32_t port);

}  // namespace wafer
