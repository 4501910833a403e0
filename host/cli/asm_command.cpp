// wafer asm PROGRAM -o IMAGE, and wafer disasm IMAGE: the text program format to the binary image and back.
#include <cstdio>
#include <cxxopts.hpp>
#include <fstream>

#include "host/asm/assembler.h"
#include "host/cli/commands.h"
#include "host/cli/json_text.h"
#include "host/model/error.h"

namespace wafer::cli {

AsmParams parse_params(const std::vector<std::string>& items) {
  AsmParams p;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) throw Error("--param '" + item + "': expected NAME=VALUE");
    p.overrides[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return p;
}

int asm_command(int argc, char** argv) {
  cxxopts::Options opts("wafer asm", "Assemble a text program into an image file");
  opts.add_options()("program", "program text (.wasm)", cxxopts::value<std::string>())(
      "o,output", "image file to write", cxxopts::value<std::string>())(
      "param", "override a program param: NAME=VALUE (repeatable)",
      cxxopts::value<std::vector<std::string>>())(
      "json", "print JSON (an assembly error: {\"error\": {file, line, col, message, notes}})")("h,help",
                                                                                           "show help");
  opts.parse_positional({"program"});
  opts.positional_help("PROGRAM");
  const auto args = opts.parse(argc, argv);
  if (args.count("help") || !args.count("program")) {
    std::printf("%s\n", opts.help().c_str());
    return args.count("help") ? 0 : 2;
  }
  const std::string program = args["program"].as<std::string>();
  const AsmParams params = parse_params(args.count("param") ? args["param"].as<std::vector<std::string>>()
                                                            : std::vector<std::string>{});
  const Image im = assemble_file(program, params);
  std::string out = args.count("output") ? args["output"].as<std::string>() : program;
  if (!args.count("output")) out = out.substr(0, out.rfind('.')) + ".wimg";
  save_image(im, out);
  if (args.count("json")) {
    const nlohmann::ordered_json j = {{"program", program},
                                      {"image", out},
                                      {"width", im.width},
                                      {"height", im.height},
                                      {"kernels", im.kernels.size()},
                                      {"in_streams", im.in_streams.size()},
                                      {"out_streams", im.out_streams.size()},
                                      {"sram_words", im.sram_words()}};
    std::printf("%s\n", json_text(j).c_str());
    return 0;
  }
  std::printf(
      "%s: %ux%u grid, %zu kernel(s), %zu input and %zu output stream(s), %u SRAM words per PE -> %s\n",
      program.c_str(), im.width, im.height, im.kernels.size(), im.in_streams.size(), im.out_streams.size(),
      im.sram_words(), out.c_str());
  return 0;
}

int disasm_command(int argc, char** argv) {
  cxxopts::Options opts("wafer disasm", "Print an image file as program text");
  opts.add_options()("image", "image file", cxxopts::value<std::string>())("h,help", "show help");
  opts.parse_positional({"image"});
  opts.positional_help("IMAGE");
  const auto args = opts.parse(argc, argv);
  if (args.count("help") || !args.count("image")) {
    std::printf("%s\n", opts.help().c_str());
    return args.count("help") ? 0 : 2;
  }
  std::printf("%s", disassemble(load_image(args["image"].as<std::string>())).c_str());
  return 0;
}

}  // namespace wafer::cli
