// The source names the assembler puts in the image (symbols, tasks, colors, the line table): they match
// the assembly, survive the image file, and a table that does not fit its kernels is refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "host/model/error.h"
#include "tests/asm/examples/example_support.h"
#include "tests/support/error_and_temp.h"

namespace wafer {
namespace {

using test::error_of;
using test::temp_path;

TEST(ImageNames, SourceNamesRoundTrip) {
  Assembly a = examples::assemble_example("gemv.wasm");
  ASSERT_EQ(a.image.names.size(), a.image.kernels.size());
  const std::string path = temp_path("names.wimg");
  save_image(a.image, path);
  const Image back = load_image(path);
  ASSERT_EQ(back.names.size(), a.image.names.size());
  for (size_t k = 0; k < back.names.size(); ++k) {
    const KernelNames &x = back.names[k], &y = a.image.names[k];
    EXPECT_EQ(x.file, y.file);
    EXPECT_EQ(x.line_of_pc, y.line_of_pc);
    ASSERT_EQ(x.symbols.size(), y.symbols.size());
    for (size_t i = 0; i < x.symbols.size(); ++i) {
      EXPECT_EQ(x.symbols[i].name, y.symbols[i].name);
      EXPECT_EQ(x.symbols[i].addr, y.symbols[i].addr);
      EXPECT_EQ(x.symbols[i].words, y.symbols[i].words);
    }
    ASSERT_EQ(x.tasks.size(), y.tasks.size());
    for (size_t i = 0; i < x.tasks.size(); ++i) EXPECT_EQ(x.tasks[i].name, y.tasks[i].name);
  }
  ASSERT_EQ(back.color_names.size(), a.image.color_names.size());
  ASSERT_EQ(back.out_streams.size(), a.image.out_streams.size());
  for (size_t i = 0; i < back.out_streams.size(); ++i)
    EXPECT_EQ(back.out_streams[i].expect, a.image.out_streams[i].capacity);  // no `expect`: the capacity
  std::filesystem::remove(path);
}

TEST(ImageNames, NamesAgreeWithTheAssembly) {
  const Assembly a = examples::assemble_example("gemv.wasm");
  const uint32_t k = a.image.placements.front().kernel;
  const auto& pl = a.image.placements.front().rect;
  for (const auto& s : a.exported[k]) {
    const SymbolName* n = a.image.symbol(k, s.name);
    ASSERT_NE(n, nullptr) << s.name;
    EXPECT_EQ(n->addr, a.symbol(pl.x, pl.y, s.name).addr);
  }
  EXPECT_EQ(a.image.symbol(k, "no_such_symbol"), nullptr);
  // Every instruction has a line of the program, and the first is inside the file.
  const auto& lines = a.image.names[k].line_of_pc;
  ASSERT_EQ(lines.size(), a.image.kernels[k].code.size());
  for (uint32_t line : lines) EXPECT_GT(line, 0u);
  EXPECT_NE(a.image.source_line(k, 0).find("gemv.wasm:"), std::string::npos);
  EXPECT_EQ(a.image.source_line(k, uint32_t(lines.size())), "");
}

TEST(ImageNames, BadNamesAreRefused) {
  Image im = examples::assemble_example("gemv.wasm").image;
  im.names[0].line_of_pc.pop_back();
  EXPECT_NE(error_of([&] { im.validate(); }).find("line table has"), std::string::npos);
  im = examples::assemble_example("gemv.wasm").image;
  im.names[0].symbols.push_back({"big", 0, 1u << 20});
  EXPECT_NE(error_of([&] { im.validate(); }).find("symbol 'big'"), std::string::npos);
  im.names.pop_back();
  EXPECT_NE(error_of([&] { im.validate(); }).find("kernel entries for"), std::string::npos);
}

}  // namespace
}  // namespace wafer
