// broadcast.wasm driven through the host API: put a row vector on each row root and a column vector on
// each column root, run, read every PE's result back in one copy and check it.
// Build: target_link_libraries(app PRIVATE wafer::wafer). Run: app data/programs/broadcast.wasm
#include <cstdio>
#include <string>
#include <vector>

#include "host/model/error.h"
#include "host/runtime/runtime.h"

int main(int argc, char** argv) {
  const std::string program = argc > 1 ? argv[1] : "data/programs/broadcast.wasm";
  const uint32_t pw = 5, ph = 3, n = 8;  // a 5 x 3 grid of PEs, vectors of 8 floats
  try {
    wafer::Runtime rt("cpu");
    rt.load(program, {{"PW", std::to_string(pw)}, {"PH", std::to_string(ph)}, {"N", std::to_string(n)}});

    // Row y's vector at PE(0, y): the rect (0,0) 1xPH, row-major = [y][0][k].
    std::vector<float> rows(ph * n);
    for (uint32_t y = 0; y < ph; ++y)
      for (uint32_t k = 0; k < n; ++k) rows[y * n + k] = float(y) + 0.5f * float(k);
    rt.memcpy_h2d("rowv", wafer::Rect{0, 0, 1, ph}, rows);

    // Column x's vector at PE(x, 0): the rect (0,0) PWx1, here in column-major order: word k of PE(x, 0)
    // at index x + PW * k (the SDK's j + h * (i + w * k) with h = 1).
    std::vector<float> cols(pw * n);
    for (uint32_t x = 0; x < pw; ++x)
      for (uint32_t k = 0; k < n; ++k) cols[x + pw * k] = 100.0f * float(x) - float(k);
    rt.memcpy_h2d("colv", wafer::Rect{0, 0, pw, 1}, cols, wafer::Order::kColMajor);

    const wafer::RunOutcome r = rt.run();  // until quiescent; a trap, stall or short output is a failure
    if (!r.ok()) {
      std::fprintf(stderr, "run failed: %s\n", r.failure().c_str());
      return 1;
    }
    // Every PE's `out` in one copy, row-major: word k of PE(x, y) at (y * PW + x) * N + k.
    const std::vector<float> out = rt.memcpy_d2h_f32("out", wafer::Rect{0, 0, pw, ph});
    uint32_t wrong = 0;
    for (uint32_t y = 0; y < ph; ++y)
      for (uint32_t x = 0; x < pw; ++x)
        for (uint32_t k = 0; k < n; ++k)
          wrong += out[(y * pw + x) * n + k] != rows[y * n + k] + cols[x + pw * k];  // exact: small values
    std::printf("broadcast on %ux%u PEs: %llu cycles, out at PE(4,2) starts %g %g, %u of %u values wrong\n", pw, ph,
                (unsigned long long)r.result.cycles, out[(2 * pw + 4) * n], out[(2 * pw + 4) * n + 1], wrong,
                pw * ph * n);
    return wrong == 0 ? 0 : 1;
  } catch (const wafer::Error& e) {  // every refused call says why: the symbol, the rect, the valid range
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
