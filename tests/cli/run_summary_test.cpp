// host/cli/run_summary: output streams printed in their type (an int stream as ints, not as denormal
// floats), the cut at --outputs said, and the JSON fields of a trap; json_text's numbers.
#include <gtest/gtest.h>

#include <cmath>

#include "host/asm/assembler.h"
#include "host/cli/json_text.h"
#include "host/cli/run_summary.h"

namespace wafer::cli {
namespace {

// One PE copies N wavelets from the west to the east; `values` is the instream's payload expression.
Image copy_program(const std::string& values, int n) {
  return assemble(
      "grid 1, 1\ncolor c_in\ncolor c_out\nkernel k {\n  task t local start {\n    dset d0, fabin(c_in, " +
          std::to_string(n) + ")\n    dset d1, fabout(c_out, " + std::to_string(n) +
          ")\n    vmov d1, d0\n    ret\n  }\n}\nlayout {\n  place k at (0, 0)\n  route c_in at (0, 0) rx west tx "
          "ramp\n  route c_out at (0, 0) rx ramp tx east\n  instream i at (0, 0) west color c_in count " +
          std::to_string(n) + " values " + values + "\n  outstream o at (0, 0) east capacity " + std::to_string(n) +
          "\n}\n",
      "copy.wasm");
}

std::string printed_outputs(const std::string& values, int n, uint64_t show, bool json) {
  const Image im = copy_program(values, n);
  auto e = make_engine("cpu", {.threads = 1});
  e->load(im);
  const RunResult r = e->run({.max_cycles = 10000, .until_quiescent = true});
  EXPECT_EQ(r.reason, StopReason::kQuiescent);
  if (json) {
    return json_text({{"outputs", json_outputs(*e, im, show)}});
  }
  testing::internal::CaptureStdout();
  print_outputs(*e, im, show);
  return testing::internal::GetCapturedStdout();
}

TEST(RunSummary, IntegerStreamPrintsAsIntegers) {
  EXPECT_EQ(printed_outputs("i * 3 - 2", 4, 8, false), "output 'o': 4 wavelet(s) -2 1 4 7 [int32]\n");
  EXPECT_EQ(printed_outputs("float(i) / 2", 4, 8, false), "output 'o': 4 wavelet(s) 0 0.5 1 1.5\n");
  EXPECT_EQ(printed_outputs("i * 3 - 2", 4, 8, true),
            "{\"outputs\":[{\"name\":\"o\",\"received\":4,\"expect\":4,\"type\":\"int32\",\"values\":[-2,1,4,7],"
            "\"shown\":4,\"truncated\":false}]}");
}

TEST(RunSummary, CutAtOutputsIsSaid) {
  EXPECT_EQ(printed_outputs("float(i)", 5, 2, false),
            "output 'o': 5 wavelet(s) 0 1 ... (2 of 5 shown; --outputs N shows more)\n");
  EXPECT_NE(printed_outputs("float(i)", 5, 2, true).find("\"values\":[0,1],\"shown\":2,\"truncated\":true"),
            std::string::npos);
}

TEST(JsonText, NumbersAsTheCliPrintsThem) {
  // Key order as written; integral doubles as integers; other doubles shortest; NaN and infinity as null.
  const nlohmann::ordered_json j = {{"z", 1.0},        {"a", 0.5},           {"big", 1e17},
                                    {"neg", -3.0},     {"nz", -0.0},         {"nan", std::nan("")},
                                    {"inf", HUGE_VAL}, {"u", uint64_t(7)}};
  EXPECT_EQ(json_text(j),
            "{\"z\":1,\"a\":0.5,\"big\":1e+17,\"neg\":-3,\"nz\":-0.0,\"nan\":null,\"inf\":null,\"u\":7}");
  // Bytes that are not UTF-8 are replaced, not thrown on.
  EXPECT_EQ(json_text({{"file", std::string("a\xff.wasm")}}), "{\"file\":\"a\xef\xbf\xbd.wasm\"}");
}

TEST(RunSummary, PayloadTypeBoundary) {
  // Zero and normal floats read as float32; a denormal (an integer below 2^23) or a NaN as int32.
  EXPECT_EQ(payload_type({{0x00000000u, 0}, {0x3F800000u, 0}}), PayloadType::kFloat32);
  EXPECT_EQ(payload_type({{0x3F800000u, 0}, {0x00000001u, 0}}), PayloadType::kInt32);
  EXPECT_EQ(payload_type({{0xFFFFFFFFu, 0}}), PayloadType::kInt32);
  EXPECT_EQ(payload_type({{0x7F800000u, 0}}), PayloadType::kFloat32);  // +inf: an overflowed float
}

}  // namespace
}  // namespace wafer::cli
