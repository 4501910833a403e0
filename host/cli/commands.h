// The wafer command's subcommands; each parses its own options (cxxopts) and returns the exit code.
#pragma once
#include <string>
#include <vector>

#include "host/asm/assembler.h"

namespace wafer::cli {

int run_command(int argc, char** argv);
int info_command(int argc, char** argv);
int gemv_command(int argc, char** argv);
int asm_command(int argc, char** argv);
int disasm_command(int argc, char** argv);
int map_command(int argc, char** argv);
int infer_command(int argc, char** argv);
int bench_command(int argc, char** argv);

// NAME=VALUE items of --param into assembler overrides (throws on a malformed item).
AsmParams parse_params(const std::vector<std::string>& items);

}  // namespace wafer::cli
