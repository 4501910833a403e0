// The image file: round trip, and clear errors on damaged or foreign files.
#include "tests/host/test_util.h"

#include <filesystem>
#include <fstream>

#include "host/kernels/gemv.h"
#include "tests/support/error_and_temp.h"

namespace wafer {
namespace {

using test::error_of;
using test::temp_path;

TEST(ImageFile, RoundTripGivesIdenticalStateAndRun) {
  const GemvProblem g = random_gemv(23, 19, 5);
  const Image im = build_gemv_image(g, {3, 4});
  const std::string path = temp_path("gemv.wimg");
  save_image(im, path);
  const Image back = load_image(path);
  auto a = test::cpu(), b = test::cpu();
  a->load(im), b->load(back);
  EXPECT_EQ(a->snapshot().first_difference(b->snapshot()), "");
  a->run({.until_quiescent = true}), b->run({.until_quiescent = true});
  EXPECT_EQ(a->state_hash(), b->state_hash());
  std::filesystem::remove(path);
}

TEST(ImageFile, DamagedFilesGiveClearErrors) {
  const std::string path = temp_path("bad.wimg");
  save_image(build_gemv_image(random_gemv(4, 4, 1), {2, 2}), path);
  std::string bytes;
  {
    std::ifstream f(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  auto write = [&](const std::string& content) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << content;
  };
  write(bytes.substr(0, bytes.size() - 3));
  EXPECT_NE(error_of([&] { load_image(path); }).find("truncated image"), std::string::npos);
  // Cut in the middle, a count can promise more items than the rest of the file holds.
  write(bytes.substr(0, bytes.size() / 2));
  const std::string half = error_of([&] { load_image(path); });
  EXPECT_TRUE(half.find("truncated image") != std::string::npos ||
              half.find("more than the file can hold") != std::string::npos)
      << half;
  write("PNG\x89 not an image at all");
  EXPECT_NE(error_of([&] { load_image(path); }).find("not a wafer image"), std::string::npos);
  std::string v4 = bytes;
  v4[8] = 4;
  write(v4);
  EXPECT_NE(error_of([&] { load_image(path); }).find("image version 4 is not supported"), std::string::npos);
  EXPECT_NE(error_of([&] { load_image(temp_path("does_not_exist")); }).find("cannot open"),
            std::string::npos);
  std::filesystem::remove(path);
}

TEST(ImageFile, VersionOneFilesStillLoad) {
  // A version 1 file is version 2 without output streams' `expect` and without the two names counts.
  Image im;
  im.width = 3, im.height = 2;
  im.route({0, 0, 3, 2}, 1, kWest, port_bit(kEast));
  const std::string path = temp_path("v1.wimg");
  save_image(im, path);
  std::string bytes;
  {
    std::ifstream f(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  bytes.erase(bytes.size() - 4 - 16, 16);
  bytes[8] = 1;
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << bytes;
  }
  const Image back = load_image(path);
  EXPECT_EQ(back.routes.size(), 1u);
  EXPECT_TRUE(back.names.empty());
  std::filesystem::remove(path);
}

TEST(ImageFile, ValidationNamesTheOffendingItem) {
  Image im;
  im.width = 4, im.height = 4;
  im.route({2, 2, 4, 1}, 3, kWest, port_bit(kEast));
  EXPECT_NE(error_of([&] {
              im.validate();
            }).find("route 0 (color 3): rectangle x=2 y=2 w=4 h=1 is empty or outside the 4x4 grid"),
            std::string::npos);
  im.routes = {{{0, 0, 1, 1}, 24, kWest, port_bit(kEast)}};
  EXPECT_NE(error_of([&] { im.validate(); }).find("color 24 does not exist"), std::string::npos);
  im.routes = {{{0, 0, 1, 1}, 2, kWest, port_bit(kWest)}};
  EXPECT_NE(error_of([&] { im.validate(); }).find("sends back out of its rx port W"), std::string::npos);
  im.routes.clear();
  Kernel big;
  big.name = "big";
  big.code.resize(100, Instr{kNop, 0, 0, 0, 0});
  big.data_words = kSramWords - 150;
  im.add_kernel(big);
  EXPECT_NE(
      error_of([&] {
        im.validate();
      }).find("kernel 'big' does not fit in SRAM: 100 instructions (200 words) + 12138 data words > 12288"),
      std::string::npos);
  im.kernels[0].data_words = 0;
  im.kernels[0].code[5] = Instr{200, 0, 0, 0, 0};
  EXPECT_NE(error_of([&] { im.validate(); }).find("kernel 'big' pc 5 (?): unknown opcode 200"),
            std::string::npos);
  im.kernels[0].code[5] = Instr{kJmp, 0, 0, 0, 100};
  EXPECT_NE(error_of([&] { im.validate(); }).find("branch target 100 outside"), std::string::npos);
  im.kernels[0].code[5] = Instr{kNop, 0, 0, 0, 0};
  InStream s;
  s.name = "mid", s.x = 1, s.y = 1, s.port = kWest;
  im.add_in_stream(s);
  EXPECT_NE(error_of([&] {
              im.validate();
            }).find("input stream 'mid': port W of PE(1,1) is not an off-grid edge port"),
            std::string::npos);
}

}  // namespace
}  // namespace wafer
