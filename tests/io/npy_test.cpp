// host/io/npy: round trips, hand-made headers of every accepted shape, every refusal with its message, and
// files written by numpy itself (tests/io/fixtures, made by make_fixtures.py; see the README there).
#include "host/io/npy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string_view>

#include "host/model/error.h"

namespace wafer {
namespace {

const std::string kFixtures = std::string(WAFER_DATA_DIR) + "/../tests/io/fixtures/";

// A .npy file with the given header text (no padding added) and data bytes.
std::string npy_file(std::string_view header, std::string_view data, int major = 1) {
  std::string out("\x93NUMPY", 6);
  out += char(major);
  out += char(0);
  const size_t length_bytes = major == 1 ? 2 : 4;
  for (size_t b = 0; b < length_bytes; ++b) out += char((header.size() >> (8 * b)) & 0xff);
  out += header;
  out += data;
  return out;
}

template <typename Float>
std::string raw(const std::vector<Float>& values, bool big_endian) {
  std::string out;
  for (const Float v : values) {
    char b[sizeof(Float)];
    std::memcpy(b, &v, sizeof(Float));
    if (big_endian == (std::endian::native == std::endian::little)) std::reverse(b, b + sizeof(Float));
    out.append(b, sizeof(Float));
  }
  return out;
}

std::string dict(std::string_view descr, std::string_view shape, std::string_view fortran = "False") {
  return "{'descr': '" + std::string(descr) + "', 'fortran_order': " + std::string(fortran) +
         ", 'shape': " + std::string(shape) + ", }\n";
}

std::string refusal(const std::string& bytes) {
  try {
    parse_npy(bytes, "t.npy");
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted";
  return "";
}

// Every piece must appear in the message, and the message must start with the file name.
void expect_message(const std::string& msg, std::initializer_list<std::string_view> pieces) {
  EXPECT_EQ(msg.rfind("t.npy: ", 0), 0u) << msg;
  for (const std::string_view p : pieces)
    EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' in: " << msg;
}

std::vector<uint64_t> bits(const std::vector<double>& v) {
  std::vector<uint64_t> out;
  for (const double d : v) out.push_back(std::bit_cast<uint64_t>(d));
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  EXPECT_TRUE(f) << path;
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// ---------------------------------------------------------------------------------------------------------
// Round trips and the written layout

TEST(NpyRoundTrip, Float64TwoDIsBitExact) {
  const std::vector<double> data = {1.0 / 3, -0.0,
                                    1e-310,  std::numeric_limits<double>::max(),
                                    -1e300,  std::numeric_limits<double>::infinity()};
  const NpyArray a = parse_npy(format_npy({2, 3}, data, false), "t.npy");
  EXPECT_EQ(a.shape, (std::vector<uint64_t>{2, 3}));
  EXPECT_FALSE(a.was_float32);
  EXPECT_EQ(bits(a.data), bits(data));
}

TEST(NpyRoundTrip, Float32OneDIsExactForFloats) {
  const std::vector<double> data = {1.5, -2.25, double(0.1f),
                                    double(std::numeric_limits<float>::denorm_min()),
                                    double(std::numeric_limits<float>::max())};
  const NpyArray a = parse_npy(format_npy({5}, data, true), "t.npy");
  EXPECT_EQ(a.shape, (std::vector<uint64_t>{5}));
  EXPECT_TRUE(a.was_float32);
  EXPECT_EQ(bits(a.data), bits(data));
}

TEST(NpyRoundTrip, Float32RoundsToNearest) {
  const NpyArray a = parse_npy(format_npy({1, 2}, {0.1, 1.0 + 0x1p-30}, true), "t.npy");
  EXPECT_EQ(a.data, (std::vector<double>{double(0.1f), 1.0}));
}

TEST(NpyRoundTrip, NanPayloadSurvivesFloat64) {
  const double nan = std::bit_cast<double>(uint64_t{0x7ff8000000000123});
  const NpyArray a = parse_npy(format_npy({1}, {nan}, false), "t.npy");
  EXPECT_EQ(std::bit_cast<uint64_t>(a.data[0]), uint64_t{0x7ff8000000000123});
}

// Every rank from 1 to 8 (the most we read and write), C order kept: the values are their own flat index.
TEST(NpyRoundTrip, EveryRankUpToEight) {
  const std::vector<uint64_t> dims = {3, 1, 2, 5, 1, 2, 1, 3};
  for (size_t rank = 1; rank <= 8; ++rank) {
    const std::vector<uint64_t> shape(dims.begin(), dims.begin() + rank);
    uint64_t count = 1;
    for (const uint64_t d : shape) count *= d;
    std::vector<double> data(count);
    for (uint64_t i = 0; i < count; ++i) data[i] = double(i) - 0.5;
    for (const bool as_float32 : {false, true}) {
      SCOPED_TRACE("rank " + std::to_string(rank) + (as_float32 ? " float32" : " float64"));
      const NpyArray a = parse_npy(format_npy(shape, data, as_float32), "t.npy");
      EXPECT_EQ(a.shape, shape);
      EXPECT_EQ(a.was_float32, as_float32);
      EXPECT_EQ(bits(a.data), bits(data));
    }
  }
}

TEST(NpyRoundTrip, EmptyShapes) {
  for (const auto& shape :
       {std::vector<uint64_t>{0}, std::vector<uint64_t>{0, 3}, std::vector<uint64_t>{4, 0},
        std::vector<uint64_t>{2, 0, 5}, std::vector<uint64_t>{0, 1, 8, 8}}) {
    const NpyArray a = parse_npy(format_npy(shape, {}, false), "t.npy");
    EXPECT_EQ(a.shape, shape);
    EXPECT_TRUE(a.data.empty());
  }
}

TEST(NpyRoundTrip, WriteAndReadAFile) {
  const std::string path = (std::filesystem::temp_directory_path() / "wafer_npy_test_roundtrip.npy").string();
  write_npy(path, {3, 2}, {1, 2, 3, 4, 5, 6}, true);
  const NpyArray a = read_npy(path);
  std::filesystem::remove(path);
  EXPECT_EQ(a.shape, (std::vector<uint64_t>{3, 2}));
  EXPECT_EQ(a.data, (std::vector<double>{1, 2, 3, 4, 5, 6}));
  EXPECT_TRUE(a.was_float32);
}

TEST(NpyLayout, VersionOneHeaderAlignedTo64AndEndedByNewline) {
  for (const auto& shape : {std::vector<uint64_t>{7}, std::vector<uint64_t>{2, 3},
                            std::vector<uint64_t>{1, 12345}, std::vector<uint64_t>{123456789012, 0}}) {
    uint64_t count = shape[0] * (shape.size() > 1 ? shape[1] : 1);
    const std::string f = format_npy(shape, std::vector<double>(count, 0.5), false);
    ASSERT_EQ(f.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
    const size_t header_length = size_t(uint8_t(f[8])) | size_t(uint8_t(f[9])) << 8;
    const size_t data_start = 10 + header_length;
    EXPECT_EQ(data_start % 64, 0u);
    EXPECT_EQ(f[data_start - 1], '\n');
    EXPECT_EQ(f.size() - data_start, count * 8);
    EXPECT_EQ(f.substr(10, 50), "{'descr': '<f8', 'fortran_order': False, 'shape': ");
  }
  const std::string f4 = format_npy({2, 3}, std::vector<double>(6, 0), true);
  // numpy's exact header: the dict, 21 - len("2") spare spaces for growing the first axis, then padding.
  const std::string dict_text = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  EXPECT_EQ(f4.substr(8, 2), std::string("\x76\x00", 2));  // 118: the data starts at byte 128
  EXPECT_EQ(f4.substr(10, 118), dict_text + std::string(118 - 1 - dict_text.size(), ' ') + "\n");
  // Every dimension is written, as Python's repr of the tuple.
  const std::string f8 = format_npy({1, 2, 1, 3, 1, 1, 1, 1}, std::vector<double>(6, 0), false);
  EXPECT_EQ(f8.substr(10, 77),
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 1, 3, 1, 1, 1, 1), }");
}

// ---------------------------------------------------------------------------------------------------------
// Reading hand-made files

TEST(NpyRead, BigEndianFloat32AndFloat64) {
  const NpyArray a =
      parse_npy(npy_file(dict(">f4", "(3,)"), raw<float>({1.0f, -0.5f, 3e-3f}, true)), "t.npy");
  EXPECT_EQ(a.data, (std::vector<double>{1.0, -0.5, double(3e-3f)}));
  EXPECT_TRUE(a.was_float32);
  const NpyArray b = parse_npy(npy_file(dict(">f8", "(1, 2)"), raw<double>({0.1, -7.0}, true)), "t.npy");
  EXPECT_EQ(b.data, (std::vector<double>{0.1, -7.0}));
  EXPECT_EQ(b.shape, (std::vector<uint64_t>{1, 2}));
}

TEST(NpyRead, NativeOrder) {
  const NpyArray a = parse_npy(npy_file(dict("=f8", "(2,)"), raw<double>({2.5, 4.0}, false)), "t.npy");
  EXPECT_EQ(a.data, (std::vector<double>{2.5, 4.0}));
  const NpyArray b = parse_npy(npy_file(dict("=f4", "(1,)"), raw<float>({2.5f}, false)), "t.npy");
  EXPECT_EQ(b.data, (std::vector<double>{2.5}));
}

TEST(NpyRead, VersionTwoAndThreeHeaders) {
  for (const int major : {2, 3}) {
    const NpyArray a =
        parse_npy(npy_file(dict("<f8", "(2, 2)"), raw<double>({1, 2, 3, 4}, false), major), "t.npy");
    EXPECT_EQ(a.shape, (std::vector<uint64_t>{2, 2}));
    EXPECT_EQ(a.data, (std::vector<double>{1, 2, 3, 4}));
  }
}

TEST(NpyRead, DictWrittenAnyWay) {
  const std::string two = raw<double>({1, 2}, false);
  for (const std::string header : {
           "{'shape': (2,), 'fortran_order': False, 'descr': '<f8'}",  // order, no trailing comma
           "  {  'descr'  :  '<f8' ,\n\t'fortran_order':False,'shape':( 2 , ) , }  \n",  // spaces anywhere
           "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2,)}",            // double quotes
           "{'descr': '<f8', 'fortran_order': False, 'shape': (2L,), }",                 // Python 2's long
           "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2,), }",               // a trailing comma
       }) {
    const NpyArray a = parse_npy(npy_file(header, two), "t.npy");
    EXPECT_EQ(a.data, (std::vector<double>{1, 2})) << header;
  }
}

TEST(NpyRead, ThreeToEightDimensions) {
  const NpyArray a =
      parse_npy(npy_file(dict("<f4", "(2, 3, 4)"), raw<float>(std::vector<float>(24, 1.5f), false)), "t.npy");
  EXPECT_EQ(a.shape, (std::vector<uint64_t>{2, 3, 4}));
  EXPECT_EQ(a.data, std::vector<double>(24, 1.5));
  // PyTorch's image batch [B, C, H, W], as a Flatten in front of an MLP takes it.
  const NpyArray b =
      parse_npy(npy_file(dict(">f8", "(2, 1, 1, 2)"), raw<double>({1, -2, 0.5, 3}, true)), "t.npy");
  EXPECT_EQ(b.shape, (std::vector<uint64_t>{2, 1, 1, 2}));
  EXPECT_EQ(b.data, (std::vector<double>{1, -2, 0.5, 3}));
  const NpyArray c =
      parse_npy(npy_file(dict("<f8", "(1, 1, 1, 1, 1, 1, 1, 2)"), raw<double>({7, 8}, false)), "t.npy");
  EXPECT_EQ(c.shape, (std::vector<uint64_t>{1, 1, 1, 1, 1, 1, 1, 2}));
  EXPECT_EQ(c.data, (std::vector<double>{7, 8}));
}

TEST(NpyRead, HeaderMayEndExactlyAtEndOfFile) {
  const NpyArray a = parse_npy(npy_file(dict("<f4", "(0,)"), ""), "t.npy");
  EXPECT_EQ(a.shape, (std::vector<uint64_t>{0}));
  EXPECT_TRUE(a.data.empty());
}

// ---------------------------------------------------------------------------------------------------------
// Refusals

TEST(NpyRefuse, OtherDtypesNamingTheAcceptedOnes) {
  for (const std::string descr : {"<i8", "<f2", "|O", "|f4", "<c16", ">i4", "float32", "<f16", "f8", ""}) {
    const std::string msg = refusal(npy_file(dict(descr, "(1,)"), "12345678"));
    expect_message(msg, {"'" + descr + "'", "not supported", "'<f4', '>f4', '=f4', '<f8', '>f8', '=f8'"});
  }
}

TEST(NpyRefuse, StructuredDtype) {
  const std::string msg =
      refusal(npy_file("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", "1234"));
  expect_message(msg, {"structured dtype", "byte 20", "'<f4', '>f4'"});
}

TEST(NpyRefuse, FortranOrder) {
  const std::string msg = refusal(npy_file(dict("<f8", "(2, 2)", "True"), raw<double>({1, 2, 3, 4}, false)));
  expect_message(msg, {"Fortran order", "np.ascontiguousarray"});
}

TEST(NpyRefuse, ZeroAndMoreThanEightDimensions) {
  EXPECT_EQ(refusal(npy_file(dict("<f8", "()"), raw<double>({1}, false))),
            "t.npy: shape () has 0 dimensions; arrays of 1 to 8 dimensions are supported");
  // 8 is read (NpyRead.ThreeToEightDimensions); 9 is not, whatever the data.
  EXPECT_EQ(refusal(npy_file(dict("<f8", "(1, 1, 1, 1, 1, 1, 1, 1, 2)"), raw<double>({1, 2}, false))),
            "t.npy: shape (1, 1, 1, 1, 1, 1, 1, 1, ...) has 9 dimensions; arrays of 1 to 8 dimensions are "
            "supported");
  // A long shape is cut after 8 dimensions in the message.
  expect_message(refusal(npy_file(dict("<f4", "(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)"), "1234")),
                 {"shape (1, 2, 3, 4, 5, 6, 7, 8, ...) has 12 dimensions"});
  std::string dims33 = "(";
  for (int i = 0; i < 33; ++i) dims33 += "1, ";
  expect_message(refusal(npy_file(dict("<f4", dims33 + ")"), "1234")), {"at most 32 dimensions"});
}

TEST(NpyRefuse, DataSectionOneByteShortOrLong) {
  const std::string data = raw<double>({1, 2, 3, 4, 5, 6}, false);
  expect_message(refusal(npy_file(dict("<f8", "(2, 3)"), data.substr(1))),
                 {"data section is 47 bytes", "shape (2, 3) of dtype '<f8' needs 48 bytes"});
  expect_message(refusal(npy_file(dict("<f8", "(2, 3)"), data + "x")),
                 {"data section is 49 bytes", "needs 48 bytes"});
  expect_message(refusal(npy_file(dict("<f4", "(3,)"), "")), {"data section is 0 bytes", "needs 12 bytes"});
}

TEST(NpyRefuse, ShapeOverflow) {
  // 2^32 * 2^32 elements, and 2^61 elements of 8 bytes: both overflow 64 bits before any allocation.
  expect_message(refusal(npy_file(dict("<f4", "(4294967296, 4294967296)"), "")),
                 {"shape (4294967296, 4294967296)", "overflows 64 bits"});
  // The same across more dimensions (2^16 each), and, as numpy refuses it, with a 0 before or after.
  expect_message(refusal(npy_file(dict("<f4", "(65536, 65536, 65536, 65536)"), "")),
                 {"shape (65536, 65536, 65536, 65536) of dtype '<f4'", "overflows 64 bits"});
  expect_message(refusal(npy_file(dict("<f4", "(4294967296, 4294967296, 0)"), "")), {"overflows 64 bits"});
  expect_message(refusal(npy_file(dict("<f4", "(0, 4294967296, 4294967296)"), "")), {"overflows 64 bits"});
  // Empty, and the non-zero dimensions' product fits: read.
  EXPECT_EQ(parse_npy(npy_file(dict("<f4", "(0, 4294967295, 4294967295)"), ""), "t.npy").shape,
            (std::vector<uint64_t>{0, 4294967295, 4294967295}));
  // 2^16 * 2^16 * 2^16 * 2^13 elements of 4 bytes: 2^63 bytes, refused by the data size instead.
  expect_message(refusal(npy_file(dict("<f4", "(65536, 65536, 65536, 8192)"), "")),
                 {"data section is 0 bytes", "needs 9223372036854775808 bytes"});
  expect_message(refusal(npy_file(dict("<f8", "(2305843009213693952,)"), "")),
                 {"shape (2305843009213693952,)", "overflows 64 bits"});
  // 2^61 - 1 elements of 8 bytes does not overflow: it is refused by the data size instead.
  expect_message(refusal(npy_file(dict("<f8", "(2305843009213693951,)"), "")),
                 {"data section is 0 bytes", "needs 18446744073709551608 bytes"});
  expect_message(refusal(npy_file(dict("<f8", "(18446744073709551616,)"), "")),
                 {"shape dimension '18446744073709551616' at byte 61", "does not fit in 64 bits"});
  expect_message(refusal(npy_file(dict("<f8", "(18446744073709551615,)"), "")), {"overflows 64 bits"});
}

TEST(NpyRefuse, NegativeDimension) {
  expect_message(refusal(npy_file(dict("<f8", "(-1, 3)"), "")),
                 {"shape dimension '-1' at byte 61 is negative"});
}

TEST(NpyRefuse, MalformedHeadersSayWhatWasExpectedWhere) {
  struct Case {
    std::string header;
    std::string expected;
  };
  // Byte offsets count from the start of the file; the header starts at byte 10.
  const Case cases[] = {
      {"", "at byte 10: expected the header dict to start with '{', found the end of the header"},
      {"[1, 2]", "at byte 10: expected the header dict to start with '{', found '[1, 2]'"},
      {"{descr: '<f8'}", "at byte 11: expected a quoted key ('descr', 'fortran_order' or 'shape') or '}'"},
      {"{'descr' '<f8'}", "at byte 19: expected ':' after the key 'descr', found '\\'<f8\\'}'"},
      {"{'descr': <f8}", "at byte 20: expected a quoted dtype such as '<f4' for 'descr'"},
      {"{'descr': '<f8", "at byte 20: expected a closing quote for the string"},
      {"{'descr': '<f8\n'}", "at byte 20: expected a closing quote for the string"},
      {"{'descr': '<f8' 'shape': (1,)}", "at byte 26: expected ',' or '}' after the value of 'descr'"},
      {"{'fortran_order': false}", "at byte 28: expected True or False for 'fortran_order', found 'false}'"},
      {"{'fortran_order': Truer}", "expected True or False for 'fortran_order', found 'Truer}'"},
      {"{'fortran_order': 0}", "expected True or False for 'fortran_order', found '0}'"},
      {"{'shape': [2, 3]}",
       "at byte 20: expected a tuple such as (3,) or (2, 3) for 'shape', found '[2, 3]}'"},
      {"{'shape': (3)}", "at byte 22: expected ',' after the only dimension, as in (3,)"},
      {"{'shape': (3 4)}", "at byte 23: expected ',' or ')' after a dimension in the shape tuple"},
      {"{'shape': (,)}",
       "at byte 21: expected a dimension (a non-negative integer) or ')' in the shape tuple"},
      {"{'shape': (2, 3.0)}", "at byte 25: expected ',' or ')' after a dimension"},
      {"{'shape': (2,",
       "at byte 23: expected a dimension (a non-negative integer) or ')' in the shape tuple, "
       "found the end of the header"},
      {"{'descr': '<f8', 'descr': '<f8'}", "at byte 27: the key 'descr' appears twice"},
      {"{'descr': '<f8', 'extra': 1}",
       "at byte 27: unexpected key 'extra' (the keys are 'descr', "
       "'fortran_order' and 'shape')"},
      {"{'fortran_order': True, 'fortran_order': True}", "at byte 34: the key 'fortran_order' appears twice"},
      {"{'shape': (), 'shape': ()}", "at byte 24: the key 'shape' appears twice"},
      {"{'descr': '<f8'} x",
       "at byte 27: expected only spaces and a newline after the closing '}', found 'x'"},
      {"{'descr': '<f8', 'fortran_order': False}", "the dict has no 'shape' key"},
      {"{'shape': (1,), 'fortran_order': False}", "the dict has no 'descr' key"},
      {"{'shape': (1,), 'descr': '<f8'}", "the dict has no 'fortran_order' key"},
      {"{}", "the dict has no 'descr' key"},
      {"{'\xff\x01': 1}", "unexpected key '\\xff\\x01'"},
  };
  for (const Case& c : cases) {
    const std::string msg = refusal(npy_file(c.header, ""));
    expect_message(msg, {"malformed .npy header", c.expected});
  }
  // A NUL inside the header is just another byte, quoted in the message.
  expect_message(refusal(npy_file(std::string("{'descr': '<f8'}\0", 17), "")),
                 {"after the closing '}', found '\\x00'"});
}

TEST(NpyRefuse, LongHostileValuesAreQuotedShortly) {
  const std::string msg = refusal(npy_file(dict(std::string(5000, 'x'), "(1,)"), ""));
  expect_message(msg, {"dtype 'xxxxxxxx", "'...", "not supported"});
  EXPECT_LT(msg.size(), 200u) << msg;
}

TEST(NpyRefuse, HeaderLengthBeyondTheFile) {
  std::string f = npy_file(dict("<f8", "(1,)"), "");
  f[8] = char(f[8] + 1);  // one byte more than there is
  expect_message(refusal(f),
                 {"header length 59 runs past the end of the file", "58 bytes follow the 10-byte"});
  std::string v2 = npy_file(dict("<f8", "(1,)"), "", 2);
  v2[8] = v2[9] = v2[10] = v2[11] = char(0xff);
  expect_message(refusal(v2), {"header length 4294967295 runs past the end", "12-byte preamble"});
}

TEST(NpyRefuse, NotNpyFiles) {
  expect_message(refusal(""), {"truncated .npy file: 0 bytes"});
  expect_message(refusal(std::string("\x93NUMPY\x01", 7)), {"truncated .npy file: 7 bytes"});
  expect_message(refusal(std::string("\x93NUMPY\x01\x00\x05", 9)), {"truncated", "preamble alone is 10"});
  expect_message(refusal(std::string("\x93NUMPY\x02\x00\x05\x00\x00", 11)),
                 {"truncated", "preamble alone is 12"});
  expect_message(refusal("\x89PNG\r\n\x1a\n"), {"not a .npy file", "'\\x89PNG\\r\\n'", "'\\x93NUMPY'"});
  expect_message(refusal("PK\x03\x04"), {"not a .npy file", "'PK\\x03\\x04'"});
  std::string v4 = npy_file(dict("<f8", "(1,)"), "12345678");
  v4[6] = 4;
  expect_message(refusal(v4), {"format version 4.0 is not supported (1.0, 2.0 and 3.0 are)"});
  v4[6] = 1;
  v4[7] = 1;
  expect_message(refusal(v4), {"format version 1.1 is not supported"});
}

TEST(NpyRefuse, ReadMissingFileNamesIt) {
  try {
    read_npy("/nonexistent/dir/x.npy");
    FAIL() << "read a missing file";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/dir/x.npy: cannot open .npy file");
  }
}

TEST(NpyWrite, RefusesBadShapesAndUnwritablePaths) {
  const auto message = [](auto&& call) -> std::string {
    try {
      call();
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(message([] { write_npy("/nonexistent/dir/x.npy", {1}, {1.0}, false); }),
            "/nonexistent/dir/x.npy: cannot open for writing");
  EXPECT_EQ(
      message([] {
        write_npy("/tmp/x.npy", {1, 1, 1, 1, 1, 1, 1, 1, 2}, std::vector<double>(2), false);
      }),
      "/tmp/x.npy: shape (1, 1, 1, 1, 1, 1, 1, 1, ...) has 9 dimensions; arrays of 1 to 8 dimensions are "
      "supported");
  EXPECT_EQ(message([] { format_npy({}, {1.0}, false); }),
            "format_npy: shape () has 0 dimensions; arrays of 1 to 8 dimensions are supported");
  EXPECT_EQ(message([] {
              format_npy({2, 2, 2}, std::vector<double>(7), false);
            }),
            "format_npy: shape (2, 2, 2) holds 8 values but 7 were given");
  EXPECT_EQ(
      message([] {
        format_npy({uint64_t{1} << 16, uint64_t{1} << 16, uint64_t{1} << 16, uint64_t{1} << 16}, {}, true);
      }),
      "format_npy: shape (65536, 65536, 65536, 65536) has an element count that overflows 64 bits");
  EXPECT_EQ(message([] {
              format_npy({2, 3}, {1.0}, true);
            }),
            "format_npy: shape (2, 3) holds 6 values but 1 were given");
  EXPECT_EQ(message([] {
              format_npy({uint64_t{1} << 32, uint64_t{1} << 32}, {}, true);
            }),
            "format_npy: shape (4294967296, 4294967296) has an element count that overflows 64 bits");
}

// ---------------------------------------------------------------------------------------------------------
// Files written by numpy 1.24 (tests/io/fixtures/make_fixtures.py), and ours as numpy read them

std::vector<double> floats(std::initializer_list<float> v) {
  return std::vector<double>(v.begin(), v.end());
}

// 0, 1/8, 2/8, ...: np.arange(n) / 8, exact in float32.
std::vector<double> eighths(int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(i / 8.0);
  return v;
}

TEST(NpyNumpyFixtures, ReadsWhatNumpyWrites) {
  struct Fixture {
    const char* file;
    std::vector<uint64_t> shape;
    std::vector<double> data;
    bool was_float32;
  };
  const double inf = std::numeric_limits<double>::infinity();
  const Fixture fixtures[] = {
      {"numpy_f4_1d.npy", {5}, floats({1.5f, -2.25f, 3.0e-5f, 65504.0f, 0.1f}), true},
      {"numpy_f8_2d.npy", {2, 3}, {0 / 7.0, 1 / 7.0, 2 / 7.0, 3 / 7.0, 4 / 7.0, 5 / 7.0}, false},
      {"numpy_be_f8_2d.npy", {3, 2}, {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5}, false},
      {"numpy_be_f4_1d.npy", {3}, floats({1.0f, -0.5f, 1e-3f}), true},
      {"numpy_f8_special.npy", {6}, {std::nan(""), inf, -inf, -0.0, 5e-324, 1.7976931348623157e308}, false},
      {"numpy_f4_2d_v2.npy", {2, 2}, {1, 2, 3, 4}, true},
      {"numpy_f8_1d_v3.npy", {2}, {0.25, -8.0}, false},
      {"numpy_3d.npy", {2, 2, 2}, std::vector<double>(8, 0.0), true},
      {"numpy_f4_4d.npy", {2, 1, 3, 4}, eighths(24), true},
      {"numpy_f8_8d.npy", {1, 2, 1, 3, 1, 1, 1, 1}, {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5}, false},
  };
  for (const Fixture& f : fixtures) {
    SCOPED_TRACE(f.file);
    const NpyArray a = read_npy(kFixtures + f.file);
    EXPECT_EQ(a.shape, f.shape);
    EXPECT_EQ(a.was_float32, f.was_float32);
    EXPECT_EQ(bits(a.data), bits(f.data));
  }
}

TEST(NpyNumpyFixtures, RefusesNumpyFilesItCannotUse) {
  const auto message = [](const char* file) -> std::string {
    try {
      read_npy(kFixtures + file);
    } catch (const Error& e) {
      return std::string(e.what()).substr(kFixtures.size());
    }
    return "accepted";
  };
  EXPECT_EQ(message("numpy_i8.npy"),
            "numpy_i8.npy: dtype '<i8' is not supported (accepted dtypes: '<f4', "
            "'>f4', '=f4', '<f8', '>f8', '=f8')");
  EXPECT_EQ(message("numpy_fortran.npy"),
            "numpy_fortran.npy: the array is in Fortran order (fortran_order: "
            "True); save it in C order with np.save(path, np.ascontiguousarray(a))");
  EXPECT_EQ(message("numpy_0d.npy"),
            "numpy_0d.npy: shape () has 0 dimensions; arrays of 1 to 8 dimensions are supported");
  EXPECT_EQ(message("numpy_9d.npy"),
            "numpy_9d.npy: shape (1, 1, 1, 1, 1, 1, 1, 1, ...) has 9 dimensions; arrays of 1 to 8 dimensions "
            "are supported");
}

// np.save's output and ours are the same bytes, so numpy reads ours as it reads its own.
TEST(NpyNumpyFixtures, WritesTheBytesNumpyWrites) {
  for (const char* file : {"numpy_f4_1d.npy", "numpy_f8_2d.npy", "numpy_f8_special.npy", "numpy_3d.npy",
                           "numpy_f4_4d.npy", "numpy_f8_8d.npy"}) {
    SCOPED_TRACE(file);
    const std::string theirs = slurp(kFixtures + file);
    const NpyArray a = parse_npy(theirs, file);
    EXPECT_EQ(format_npy(a.shape, a.data, a.was_float32), theirs);
  }
}

// ours_*.npy were written by write_npy and checked with numpy by check_ours.py (fixtures/README.md); they
// must stay byte for byte what we write.
TEST(NpyNumpyFixtures, OurFilesCheckedByNumpyAreStable) {
  struct Ours {
    const char* file;
    std::vector<uint64_t> shape;
    std::vector<double> data;
    bool as_float32;
  };
  const Ours ours[] = {
      {"ours_f4_2d.npy", {3, 2}, {0.5, -1.0, 0.1, 1e30, -0.0, 7.0}, true},
      {"ours_f8_1d.npy", {4}, {1.0 / 3, -2.0, 1e-310, 6.02214076e23}, false},
      {"ours_f8_row.npy", {1, 5}, {1, 2, 3, 4, 5}, false},
      {"ours_f8_empty.npy", {0}, {}, false},
      {"ours_f4_4d.npy", {2, 1, 2, 3}, {0.5, -1.0, 0.1, 1e30, -0.0, 7.0, 1, 2, 3, 4, 5, 6}, true},
  };
  for (const Ours& o : ours) {
    SCOPED_TRACE(o.file);
    EXPECT_EQ(format_npy(o.shape, o.data, o.as_float32), slurp(kFixtures + o.file));
  }
}

}  // namespace
}  // namespace wafer
