// The wafer command's subcommands; each parses its own options (cxxopts) and returns the exit code.
#pragma once

namespace wafer::cli {

int run_command(int argc, char** argv);
int info_command(int argc, char** argv);
int gemv_command(int argc, char** argv);

}  // namespace wafer::cli
