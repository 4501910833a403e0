// NumPy .npy files (format versions 1.0, 2.0 and 3.0): arrays of 1 to 8 dimensions of float32 or float64,
// either byte order, C order. Everything else (other dtypes, Fortran order, 0 or more than 8 dimensions, a
// truncated file, a malformed header) is refused with wafer::Error naming the file and the offending value.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace wafer {

struct NpyArray {
  std::vector<uint64_t> shape;  // 1 to 8 dimensions; data.size() is their product
  std::vector<double> data;     // C order, converted exactly from the file's float32 or float64
  bool was_float32 = false;     // the file's dtype
};

// `name` is used in error messages (a file name, or "<memory>"). Accepted dtypes: '<f4', '>f4', '=f4',
// '<f8', '>f8', '=f8' ('=' is this machine's byte order). Allocates nothing before the header's sizes
// have been checked against the bytes present: hostile input costs at most twice its size in memory.
NpyArray parse_npy(const std::string& bytes, const std::string& name);
NpyArray read_npy(const std::string& path);

// Writes a C-order float32 ('<f4') or float64 ('<f8') array, format version 1.0, byte for byte as numpy
// 1.24's np.save writes it (the data starts at a multiple of 64 bytes; the header ends with '\n').
// float32 rounds each value to nearest. The shape must have 1 to 8 dimensions and hold data.size() values
// (else Error; write_npy's errors name the path).
std::string format_npy(const std::vector<uint64_t>& shape, const std::vector<double>& data, bool as_float32);
void write_npy(const std::string& path, const std::vector<uint64_t>& shape, const std::vector<double>& data,
               bool as_float32);

}  // namespace wafer
