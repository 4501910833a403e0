// The text program format -> Image, and back (docs/program-format.md).
//
//   Assembly a = assemble_program_file("data/programs/gemv.wasm", {{{"M", "32"}}});
//   engine->load(a.image);
//   write_symbol_f32(*engine, a, x, y, "A", tile);   // host/asm/host_symbols.h
//
// Contract: assembly either returns an image that passes Image::validate() or throws wafer::Error whose
// message starts with "FILE:LINE:COL: error: " and says what was expected; it never crashes or hangs on
// any input (fuzzed: tests/asm/fuzz/). disassemble() writes text that assembles back to an image with the
// same initial machine state.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "host/image/image.h"

namespace wafer {

struct AsmParams {
  // Overrides of the program's `param` values, NAME -> value text read as an expression ("32", "0.5",
  // "2*M" with M an earlier param). Naming a param the program does not declare is an error.
  std::map<std::string, std::string> overrides;
};

// A kernel variable the program exports to the host (`export NAME` in the kernel).
struct AsmSymbol {
  std::string name;
  uint32_t addr = 0;   // first SRAM word
  uint32_t words = 0;  // length in words
};

struct Assembly {
  Image image;
  std::vector<std::vector<AsmSymbol>> exported;             // per image kernel (same index)
  std::vector<std::pair<std::string, std::string>> params;  // every param's final value, as text
  std::vector<std::pair<std::string, uint32_t>> colors;     // color names (an array: its first color)

  // The exported variable `name` of the kernel that runs at PE(x, y). Throws wafer::Error naming the PE and
  // the kernel when the PE runs none or the kernel exports no such variable.
  const AsmSymbol& symbol(uint32_t x, uint32_t y, const std::string& name) const;
  // Index into image.in_streams / image.out_streams (engine output(k)); throws when there is none.
  uint32_t in_stream(const std::string& name) const;
  uint32_t out_stream(const std::string& name) const;
  // A param's final value as text; throws when there is none.
  const std::string& param(const std::string& name) const;
};

// The image with its symbols (what host-side checks need).
Assembly assemble_program(const std::string& text, const std::string& file_name,
                          const AsmParams& params = {});
Assembly assemble_program_file(const std::string& path, const AsmParams& params = {});
// Just the image (what `wafer asm` and `wafer run` need).
Image assemble(const std::string& text, const std::string& file_name, const AsmParams& params = {});
Image assemble_file(const std::string& path, const AsmParams& params = {});

// Text for any valid image (kernels, placements, routes, initialisers, streams). Names are synthetic
// (k0, t24, L5); kernel names survive in comments, and so do the image's source names where it has them
// (exported symbols, task and color names, each instruction's pc and source line).
std::string disassemble(const Image& image);

// True when the file is program text rather than a binary image (which starts with "WAFERIMG"); lets
// `wafer run` accept either.
bool is_program_text(const std::string& path);

}  // namespace wafer
