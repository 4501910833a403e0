// make_npy FILE SEED H W N [row|col]: the logical tensor A[H][W][N] of fixed-seed float32 values in [-1, 1)
// (never NaN, so a trip through double and back is exact), written as the SDK's flat array in that order:
// row-major as shape (H, W, N), column-major as shape (N, W, H) (the transposition written out here, apart
// from host/runtime, so that the CLI tests check the runtime's orders against it).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "host/io/npy.h"
#include "host/model/split_mix.h"

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: make_npy FILE SEED H W N [row|col]\n");
    return 2;
  }
  const uint64_t h = std::strtoull(argv[3], nullptr, 10), w = std::strtoull(argv[4], nullptr, 10),
                 n = std::strtoull(argv[5], nullptr, 10);
  const bool col = argc > 6 && std::string(argv[6]) == "col";
  wafer::SplitMix rng{std::strtoull(argv[2], nullptr, 10)};
  std::vector<double> data(h * w * n);
  for (uint64_t j = 0; j < h; ++j)
    for (uint64_t i = 0; i < w; ++i)
      for (uint64_t k = 0; k < n; ++k) data[col ? (k * w + i) * h + j : (j * w + i) * n + k] = rng.uniform();
  try {
    wafer::write_npy(argv[1], col ? std::vector<uint64_t>{n, w, h} : std::vector<uint64_t>{h, w, n}, data, true);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_npy: %s\n", e.what());
    return 1;
  }
  return 0;
}
