// The layout: which PEs run which kernel instance, per-PE initial state, routes and host streams.
// Statements are expanded (for/if/const) in order; per-PE expressions are evaluated with group_rects.
//
// Rules the assembler enforces beyond Image::validate (docs/program-format.md, "Layout"):
//  - a PE is placed at most once;
//  - route conflict: two route statements that give one color different (rx, tx) at the same PE;
//  - a route may not send a color off the grid where no output stream is attached;
//  - an input stream's PE must route its color in from the stream's port.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "host/asm/ast.h"
#include "host/asm/evaluator.h"
#include "host/asm/kernel_assembler.h"
#include "host/image/image.h"

namespace wafer::assembler {

struct LayoutResult {
  Image image;                                             // width, height and everything the layout sets
  std::vector<std::unique_ptr<KernelInstance>> instances;  // instance k is image.kernels[k]
};

LayoutResult assemble_layout(const std::vector<const LayoutStmt*>& layouts,
                             const std::map<std::string, const KernelStmt*>& kernels, const Scope& globals,
                             uint32_t width, uint32_t height);

// Kernel instances one program may create (distinct parameter combinations); beyond it the parameters
// almost certainly vary per PE by mistake: registers or SRAM initialisers are the tool for that.
inline constexpr size_t kMaxInstances = 256;

}  // namespace wafer::assembler
