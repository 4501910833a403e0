// The body of the .npy reader's fuzz target, shared by the libFuzzer binary (fuzz_npy.cpp, clang only:
// scripts/fuzz_npy.sh) and the corpus replay test that runs in every build
// (tests/io/npy_fuzz_corpus_test.cpp). Header-only so that the replay test, globbed into wafer_mapper_tests,
// needs no extra source.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "host/io/npy.h"
#include "host/model/error.h"

namespace wafer {

[[noreturn]] inline void npy_fuzz_bug(const std::string& what) {
  std::fprintf(stderr, "fuzz_npy: %s\n", what.c_str());
  std::abort();
}

// Parses the bytes as a .npy file. A wafer::Error is the expected outcome for most inputs; anything else (a
// crash, a sanitizer report, another exception, an oversized allocation) is a bug. Every message must start
// with the file name and be printable (hostile bytes are quoted as escapes). When parsing succeeds, the
// array must have 1 to 8 dimensions and as many values as the shape says, no more values than the input has
// bytes for, and format_npy's bytes must parse back to the same bits and format again to the same bytes.
inline void check_npy_bytes(const std::string& bytes) {
  NpyArray a;
  try {
    a = parse_npy(bytes, "fuzz.npy");
  } catch (const Error& e) {
    const std::string msg = e.what();
    if (msg.rfind("fuzz.npy: ", 0) != 0) npy_fuzz_bug("error without the file name: " + msg);
    for (const char c : msg) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
        npy_fuzz_bug("unprintable byte in the error message: " + msg);
      }
    }
    if (msg.size() > 400) npy_fuzz_bug("error message of " + std::to_string(msg.size()) + " bytes: " + msg);
    return;
  }
  if (a.shape.empty() || a.shape.size() > 8)
    npy_fuzz_bug("accepted a shape of " + std::to_string(a.shape.size()) + " dimensions");
  uint64_t count = 1;
  for (const uint64_t d : a.shape) {
    if (__builtin_mul_overflow(count, d, &count)) npy_fuzz_bug("accepted a shape whose product overflows");
  }
  if (count != a.data.size()) npy_fuzz_bug("the shape does not match the value count");
  if (a.data.size() * (a.was_float32 ? 4 : 8) > bytes.size())
    npy_fuzz_bug("more values than the input has bytes");
  std::string again;
  NpyArray back;
  try {
    again = format_npy(a.shape, a.data, a.was_float32);
    back = parse_npy(again, "round trip");
  } catch (const Error& e) {
    npy_fuzz_bug(std::string("round trip of an accepted array failed: ") + e.what());
  }
  if (back.shape != a.shape || back.was_float32 != a.was_float32 || back.data.size() != a.data.size() ||
      (!a.data.empty() &&
       std::memcmp(back.data.data(), a.data.data(), a.data.size() * sizeof(double)) != 0)) {
    npy_fuzz_bug("the round trip changed the array");
  }
  if (format_npy(back.shape, back.data, back.was_float32) != again)
    npy_fuzz_bug("writing again changed the bytes");
}

// The input as a file, and, unless it already starts like one, as the header (up to and including its first
// '\n') and data of a version 1.0 file with the right header length: mutations of a whole file mostly break
// the length field, so the second form is what reaches deep into the header parser.
inline void fuzz_npy_one_input(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  check_npy_bytes(bytes);
  static constexpr char kMagic[] = "\x93NUMPY";
  if (bytes.rfind(std::string(kMagic, 6), 0) == 0) return;
  const size_t newline = bytes.find('\n');
  const size_t header_length = std::min<size_t>(newline == std::string::npos ? size : newline + 1, 0xffff);
  std::string wrapped(kMagic, 6);
  wrapped += '\x01';
  wrapped += '\x00';
  wrapped += char(header_length & 0xff);
  wrapped += char(header_length >> 8);
  wrapped += bytes;
  check_npy_bytes(wrapped);
}

}  // namespace wafer
