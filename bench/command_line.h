// The command a benchmark was run with, as its results files record it.
#pragma once
#include <string>

namespace wafer::bench {

inline std::string command_line(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
  return s;
}

}  // namespace wafer::bench
