// One kernel instance: a kernel's text with its parameters bound -> the machine code, data layout and
// symbols of an image Kernel. Two passes: the first expands if/for, lays out variables and fixes the
// address of every label and task; the second encodes the instructions, so jumps may go forward.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "host/asm/ast.h"
#include "host/asm/evaluator.h"
#include "host/image/image.h"

namespace wafer::assembler {

struct VarInfo {
  std::string name;
  uint32_t addr = 0, words = 0;
  bool exported = false;
  SourceLoc at;
};

struct KernelInstance {
  Kernel kernel;              // kernel.name: "gemv" or "gemv(first=1, color=3)"
  std::vector<VarInfo> vars;  // in address order
  std::vector<std::pair<uint32_t, std::vector<uint32_t>>>
      initial_data;              // (address, words) from var initialisers
  std::vector<TaskName> tasks;     // every named task, in declaration order
  std::string file;                // the source file of the kernel's text
  std::vector<uint32_t> line_of_pc;  // source line of each instruction (a dset's two share one)
  uint32_t start_mask = 0;       // tasks activated at load ('start')
  uint32_t block_mask = 0;       // tasks blocked at load ('blocked')
  std::unique_ptr<Scope> scope;  // the kernel's names (aliases, variables, tasks) for place blocks
  std::vector<std::unique_ptr<Scope>> owned_scopes;  // parameter and loop scopes the names hang off
  const VarInfo* var(const std::string& name) const;
};

// Throws wafer::Error at the first problem (with a note naming the instance when it has parameters).
std::unique_ptr<KernelInstance> assemble_kernel(const KernelStmt& kernel,
                                                const std::vector<std::pair<std::string, Value>>& args,
                                                const Scope& globals);

// Upper bound on expanded for-loop iterations per kernel or layout, so that no input can make the
// assembler run for hours.
inline constexpr uint64_t kMaxExpansion = 1u << 20;

}  // namespace wafer::assembler
