// wafer: emulate a wafer-scale processor. `wafer help` lists the subcommands.
#include <cstdio>
#include <cstring>
#include <string>

#include "host/cli/commands.h"
#include "host/cli/error_report.h"
#include "host/cli/json_text.h"
#include "host/model/error.h"

namespace {

void usage() {
  std::printf(
      "usage: wafer COMMAND [options]   (wafer COMMAND --help for its options)\n"
      "  run FILE    run an image file (.wimg) or a text program on an engine\n"
      "  gemv        build, run and check the GEMV checkerboard example (the default job)\n"
      "  info        grid presets, memory an image needs on a grid, GPU status\n"
      "  asm PROG    assemble a text program into an image file (-o IMAGE)\n"
      "  disasm IMG  print an image file as program text\n"
      "  map MODEL   place an ONNX model (or JSON layer list) on the wafer: image + plan.json\n"
      "  infer MODEL map a model and stream a batch (.npy) through it; --check against float64\n"
      "  bench       the emulator's benchmark suite: PE-cycles per second per workload and engine\n");
}

// --json asks for JSON on stdout, except on `wafer bench`, where it names the file the results go to.
bool wants_json(int argc, char** argv) {
  if (!std::strcmp(argv[1], "bench")) return false;
  for (int k = 2; k < argc; ++k) {
    if (!std::strcmp(argv[k], "--json")) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "help") || !std::strcmp(argv[1], "--help") ||
      !std::strcmp(argv[1], "-h")) {
    usage();
    return argc < 2 ? 2 : 0;
  }
  const std::string cmd = argv[1];
  try {
    if (cmd == "run") return wafer::cli::run_command(argc - 1, argv + 1);
    if (cmd == "gemv") return wafer::cli::gemv_command(argc - 1, argv + 1);
    if (cmd == "info") return wafer::cli::info_command(argc - 1, argv + 1);
    if (cmd == "asm") return wafer::cli::asm_command(argc - 1, argv + 1);
    if (cmd == "map") return wafer::cli::map_command(argc - 1, argv + 1);
    if (cmd == "infer") return wafer::cli::infer_command(argc - 1, argv + 1);
    if (cmd == "bench") return wafer::cli::bench_command(argc - 1, argv + 1);
    if (cmd == "disasm") return wafer::cli::disasm_command(argc - 1, argv + 1);
    std::fprintf(stderr, "wafer: unknown command '%s'\n", cmd.c_str());
    usage();
    return 2;
  } catch (const std::exception& e) {
    // With --json a tool reads the failure from stdout as an object (file, line, col, message, notes for
    // an error in a program's source); the text still goes to stderr for the person at the terminal.
    if (wants_json(argc, argv)) {
      const nlohmann::ordered_json j = {{"error", wafer::cli::json_error(e)}};
      std::printf("%s\n", wafer::json_text(j).c_str());
    }
    std::fprintf(stderr, "%s\n", wafer::cli::error_text(cmd, e).c_str());
    return 1;
  }
}
