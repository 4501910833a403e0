// `wafer run`'s data path (docs/host-api.md, "From the shell"): --input, --write, --launch, --read and
// --outputs all, applied through the host runtime. Arrays are .npy files (host/io/npy.h).
//
//   --write SYMBOL@RECT[:ORDER]=FILE.npy   before the run: the file's values, flat in C order, over RECT in
//                                  ORDER (row or col; default --order)
//   --read  SYMBOL@RECT[:ORDER]=FILE.npy   after the run: shape (h, w, n) row-major, (n, w, h) column-major, so that
//                                  the file's C-order values are the SDK's flat array in that order
//   --launch TASK[@RECT]           before the run, after the writes: a local task by name
//   --input STREAM=FILE.npy        an input stream's values (replaces the program's), before load
// RECT is X,Y,WxH (0,0,4x4) or X,Y (one PE). --dtype f32 (default) moves float32: a float64 file is rounded
// to nearest; --dtype u32 moves 32-bit words as integers, read from and written as float64 (exact).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "host/runtime/runtime.h"

namespace wafer::cli {

enum class DataType { kF32, kU32 };
DataType parse_dtype(const std::string& text);  // "f32" | "u32"; throws naming the choices

struct CopySpec {  // SYMBOL@RECT[:ORDER]=FILE
  std::string symbol;
  Rect rect;
  std::optional<Order> order;  // none: --order's
  std::string file;
};
CopySpec parse_copy_spec(const std::string& text, const char* option);

struct LaunchSpec {  // TASK[@RECT]
  std::string task;
  std::optional<Rect> rect;
};
LaunchSpec parse_launch_spec(const std::string& text);

// --input, --write, --launch, --read and --trace as they appear on the command line, taken out of argv
// before cxxopts sees it: cxxopts would split their values at the commas of a RECT, and would lose the
// relative order of writes and launches. Also --dump-at CYCLE FILE, whose two values cxxopts cannot take.
struct DataOption {
  std::string name;  // "input", "write", "launch", "read", "trace"; "dump-at" (CYCLE FILE: two values)
  std::string value;
  std::string value2 = {};  // dump-at's FILE
};
std::vector<DataOption> take_data_options(std::vector<char*>& argv);

// NAME=FILE (for --input)
std::pair<std::string, std::string> parse_named_file(const std::string& text, const char* option);

void set_input_from_npy(Program& program, const std::string& spec, DataType dtype);
// `order` applies where the spec names none.
void write_from_npy(Runtime& rt, const CopySpec& spec, Order order, DataType dtype);
// Returns what it wrote, in words: "FILE (SYMBOL, N word(s) per PE on RECT, ORDER)".
std::string read_to_npy(const Runtime& rt, const CopySpec& spec, Order order, DataType dtype);
// Every output stream into DIR/NAME.npy (NAME with [ ] made _, "y[0]" -> "y_0.npy"); returns the paths.
std::vector<std::string> write_outputs_npy(const Runtime& rt, const std::string& dir, DataType dtype);

}  // namespace wafer::cli
