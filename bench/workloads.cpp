#include "bench/workloads.h"

#include <cmath>

#include "host/asm/assembler.h"
#include "host/kernels/gemv.h"
#include "host/model/error.h"

namespace wafer::bench {

Workload gemv_square(uint32_t side, uint32_t block, uint64_t max_cycles) {
  const GemvProblem g = random_gemv(side * block, side * block, 1);
  return {"gemv_" + std::to_string(side) + "x" + std::to_string(side), build_gemv_image(g, {side, side}),
          max_cycles, std::to_string(block) + "x" + std::to_string(block) + " tile of A per PE"};
}

Workload full_wafer_gemv(uint64_t cycles) {
  const uint32_t w = 762, h = 1172;
  const GemvProblem g = random_gemv(h, w, 1);
  return {"wse3_gemv_all", build_gemv_image(g, {h, w}), cycles,
          "762x1172 PEs, 1x1 tile of A per PE, every PE works once x reaches its row"};
}

Workload full_wafer_sparse(double percent, uint64_t cycles) {
  const uint32_t w = 762, h = 1172;
  const double side_scale = std::sqrt(percent / 100.0);
  const uint32_t q = std::max(1u, uint32_t(w * side_scale)), p = std::max(1u, uint32_t(h * side_scale));
  const GemvProblem g = random_gemv(p * 4, q * 4, 1);
  GemvLayout layout{p, q, w, h};
  return {"wse3_gemv_1pct", build_gemv_image(g, layout), cycles,
          std::to_string(q) + "x" + std::to_string(p) + " PEs (" +
              std::to_string(100.0 * p * q / (w * h)).substr(0, 4) +
              "%) run a GEMV with 4x4 tiles, the rest idle"};
}

namespace {

const char* const kCornerPipelineProgram =
    R"(# A C x R block at the north-west corner of a full wse3 wafer. Each column's input stream enters on the
# north edge and is multicast down the column; each wavelet starts a data task that runs a V-element
# vector op (about V + 3 cycles per wavelet, like a mapped layer's interval). O PEs of the block's last
# row send one wavelet per input wavelet on pass-through routes to output streams on the wafer's south
# edge. The digits MLP on wse3 has this shape: a 75 x 128 block, 10 outputs, 26 cycles per sample.
param S = 200          # samples: wavelets per input stream
param V = 20           # elements of the vector op each wavelet starts: cycles of work per wavelet and PE
param C = 75           # block columns
param R = 128          # block rows
param O = 10           # output columns: the block's last O
param GW = 762
param GH = 1172
grid GW, GH

color c_x
color c_y

kernel stage(out) {
  var w[V] = 1.0
  var acc[V]
  task on_x data c_x {
    vfmul d0, d1, r0
    if out {
      li r3, 0
      ld r2, [r3 + acc]
      send c_y, r2, r1
    }
    ret
  }
}

layout {
  place stage(out = y == R - 1 && x >= C - O) at (0..C-1, 0..R-1) {
    # Output column k's vector op is 2k elements shorter, so that the columns' outputs leave 2k cycles
    # apart rather than all in the same cycle (as a mapped layer's lanes finish at different times).
    dsr d0 = mem(acc, y == R - 1 && x >= C - O ? V - 2 * (x - C + O) : V)
    dsr d1 = mem(w, y == R - 1 && x >= C - O ? V - 2 * (x - C + O) : V)
  }
  route c_x at (0..C-1, 0..R-2) rx north tx south, ramp
  route c_x at (0..C-1, R-1) rx north tx ramp
  route c_y at (C-O..C-1, R-1) rx ramp tx south
  route c_y at (C-O..C-1, R..GH-1) rx north tx south
  for k in 0..C-1 {
    instream x[k] at (k, 0) north color c_x count S values float(i)
  }
  for k in 0..O-1 {
    outstream y[k] at (C - O + k, GH - 1) south capacity S
  }
}
)";

}  // namespace

Workload wse3_corner_pipeline(uint32_t samples, uint64_t max_cycles) {
  Image im = assemble(kCornerPipelineProgram, "wse3_corner_pipeline.wasm",
                      {.overrides = {{"S", std::to_string(samples)}}});
  Workload w{"wse3_corner_pipeline", std::move(im), max_cycles,
             "75x128 busy PEs at the corner, 10 routes 1044 PEs long to the south edge, " +
                 std::to_string(samples) + " samples, one run() each"};
  w.output_step = 1;
  return w;
}

RunResult run_workload(Engine& engine, const Workload& w, uint64_t max_cycles, bool until_quiescent) {
  const uint64_t start = engine.cycle();
  auto left = [&] {
    const uint64_t done = engine.cycle() - start;
    return done < max_cycles ? max_cycles - done : 0;
  };
  auto checked = [&](const RunResult& r) {
    if (r.reason == StopReason::kTrap || r.reason == StopReason::kStall)
      throw Error(w.name + " on " + engine.name() + ": run stopped: " + r.describe());
    return r;
  };
  if (w.output_step > 0 && !w.image.out_streams.empty()) {
    const uint64_t total = w.image.out_streams[0].capacity;
    for (uint64_t want = w.output_step; want <= total; want += w.output_step) {
      const RunResult r = checked(engine.run({.max_cycles = left(),
                                              .until_quiescent = until_quiescent,
                                              .output_stream = 0,
                                              .output_count = want}));
      if (r.reason != StopReason::kOutputs) return r;
    }
  }
  return checked(engine.run({.max_cycles = left(), .until_quiescent = until_quiescent}));
}

std::vector<Workload> standard_workloads(bool quick) {
  std::vector<Workload> w;
  const uint64_t all = 100000000;
  w.push_back(gemv_square(64, 16, quick ? 50 : all));
  w.push_back(gemv_square(256, 16, quick ? 20 : all));
  w.push_back(full_wafer_gemv(quick ? 5 : all));
  w.push_back(full_wafer_sparse(1.0, quick ? 5 : all));
  w.push_back(wse3_corner_pipeline(quick ? 2 : 200, quick ? 5 : all));
  return w;
}

}  // namespace wafer::bench
