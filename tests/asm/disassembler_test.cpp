// The disassembler: text that assembles back to the same initial machine state, for every example
// program, the builder-API GEMV image, and encodings no mnemonic spells.
#include "tests/asm/asm_test_support.h"

#include <filesystem>

#include "host/image/kernel_builder.h"
#include "host/kernels/gemv.h"

namespace wafer::asmtest {
namespace {

void expect_round_trip(const Image& image, const std::string& what) {
  const std::string text = disassemble(image);
  Image back;
  try {
    back = assemble(text, "disassembly");
  } catch (const Error& e) {
    FAIL() << what << ": the disassembly does not assemble: " << e.what() << "\n" << text;
  }
  const MachineState a = load_machine(image), b = load_machine(back);
  EXPECT_EQ(a.first_difference(b), "") << what << "\n" << text;
  EXPECT_EQ(a.hash(), b.hash()) << what;
  // From the third generation on the text is a fixed point: the first may rename kernels (whose names
  // need not be identifiers), and each text's comments give the source lines of the text it came from,
  // so the second still carries the first's line numbers.
  const std::string text2 = disassemble(back);
  const std::string text3 = disassemble(assemble(text2, "disassembly"));
  EXPECT_EQ(disassemble(assemble(text3, "disassembly")), text3) << what;
}

TEST(Disassembler, EveryExampleProgramRoundTrips) {
  size_t programs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(WAFER_DATA_DIR) + "/programs")) {
    if (entry.path().extension() != ".wasm") continue;
    ++programs;
    expect_round_trip(assemble_file(entry.path().string()), entry.path().filename().string());
  }
  EXPECT_GE(programs, 7u);
}

TEST(Disassembler, BuilderImagesRoundTrip) {
  expect_round_trip(build_gemv_image(random_gemv(17, 23, 3), GemvLayout{3, 5}), "gemv 17x23 on 3x5");
  // Overlapping placements and routes (later wins in an image) are resolved per PE.
  Image im;
  im.width = 3;
  im.height = 2;
  KernelBuilder k("k(odd name) \"quoted\"");
  k.task(24);
  k.ret();
  im.add_kernel(k.build(4));
  im.place({0, 0, 3, 2}, 0, 1u << 24);
  im.place({1, 1, 1, 1}, 0);
  im.route({0, 0, 3, 2}, 5, kRamp, port_bit(kRamp));
  im.route({1, 0, 1, 1}, 5, kWest, port_bit(kEast));
  im.route({2, 1, 1, 1}, 5, kNoPort, 0);  // clears
  im.sram({0, 0, 2, 1}, 1, {1, 2, 3});
  im.sram({0, 0, 1, 1}, 2, {9});
  im.dsrs.push_back({{0, 0, 3, 2}, 7, desc_word0(kDescFabIn, 5), desc_word1(3, 0)});
  expect_round_trip(im, "overlapping placements and routes");
}

TEST(Disassembler, OddEncodingsComeOutRaw) {
  Image im;
  im.width = im.height = 1;
  Kernel k;
  k.name = "odd";
  k.code = {Instr{kAdd, 1, 2, 3, 77},         // an immediate add does not use: raw keeps it
            Instr{kVmov, 1, 2, 5, 0},         // vmov with a second source field set
            Instr{kVfadd, 1, 2, 3, 1 << 20},  // unknown flag bits
            Instr{kRet, 0, 0, 0, 0}};
  k.entry[24] = 0;
  im.add_kernel(k);
  im.place({0, 0, 1, 1}, 0);
  const std::string text = disassemble(im);
  EXPECT_NE(text.find("raw 8, 1, 2, 3, 77"), std::string::npos) << text;
  EXPECT_NE(text.find("raw 64, 1, 2, 5, 0"), std::string::npos) << text;
  expect_round_trip(im, "raw encodings");
}

TEST(Disassembler, ReadableOutput) {
  const std::string text =
      disassemble(assemble_file(std::string(WAFER_DATA_DIR) + "/programs/stream_bandwidth.wasm"));
  for (const char* expected :
       {"grid 1, 1", "kernel scale {", "task t24 local 24 {", "vfmul d1, d0, r2",
        "place scale at (0, 0) { start t24 }", "route 0 at (0, 0) rx west tx ramp",
        "route 1 at (0, 0) rx ramp tx east", "outstream out_y at (0, 0) east capacity 1024",
        "instream in_x at (0, 0) west color 0 count 1024 values ["}) {
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected << "\n" << text;
  }
}

}  // namespace
}  // namespace wafer::asmtest
