#include "bench/workloads.h"

#include <algorithm>
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

Workload fabric_traffic(uint32_t width, uint32_t height, uint32_t wavelets, uint64_t max_cycles) {
  Image im;
  im.width = width, im.height = height;
  constexpr uint32_t kColor = 3;
  im.route({0, 0, width, height}, kColor, kWest, port_bit(kEast));
  for (uint32_t y = 0; y < height; ++y) {
    InStream in;
    in.name = "row" + std::to_string(y), in.x = 0, in.y = y, in.port = kWest, in.color = kColor;
    in.payload.resize(wavelets);
    for (uint32_t i = 0; i < wavelets; ++i) in.payload[i] = y * 65536u + i;
    im.add_in_stream(std::move(in));
    OutStream out;
    out.name = "row" + std::to_string(y) + "_out", out.x = width - 1, out.y = y, out.port = kEast;
    out.capacity = out.expect = wavelets;
    im.add_out_stream(std::move(out));
  }
  return {"fabric_" + std::to_string(width) + "x" + std::to_string(height), std::move(im), max_cycles,
          std::to_string(wavelets) + " wavelets per row, west to east through every router, no core runs"};
}

Workload example_program(const std::string& file, const std::map<std::string, std::string>& params,
                         uint64_t max_cycles) {
  std::string name = file.substr(0, file.find('.')), note;
  for (const auto& [k, v] : params) note += (note.empty() ? "" : " ") + k + "=" + v;
  Image im = assemble_file(std::string(WAFER_DATA_DIR) + "/programs/" + file, {.overrides = params});
  return {"example_" + name, std::move(im), max_cycles, file + " " + note};
}

std::vector<WorkloadSpec> workload_catalog(bool quick) {
  const uint64_t all = 100000000;
  auto cap = [quick, all](uint64_t q) { return quick ? q : all; };  // by value: the specs outlive this call
  std::vector<WorkloadSpec> c;
  c.push_back({"gemv_64x64", [=] { return gemv_square(64, 16, cap(50)); }});
  c.push_back({"gemv_256x256", [=] { return gemv_square(256, 16, cap(20)); }});
  c.push_back({"wse3_gemv_all", [=] { return full_wafer_gemv(cap(5)); }});
  c.push_back({"wse3_gemv_1pct", [=] { return full_wafer_sparse(1.0, cap(5)); }});
  c.push_back({"wse3_corner_pipeline", [=] { return wse3_corner_pipeline(quick ? 2 : 200, cap(5)); }});
  c.push_back({"fabric_64x64", [=] { return fabric_traffic(64, 64, 256, cap(50)); }});
  c.push_back({"fabric_762x1172", [=] { return fabric_traffic(762, 1172, 64, cap(5)); }});
  // The examples at sizes that keep a few thousand PEs busy (each program's own limits: summa P <= 12).
  c.push_back({"example_gemv", [=] {
                 return example_program("gemv.wasm", {{"M", "512"}, {"N", "512"}, {"P", "64"}, {"Q", "64"}}, cap(50));
               }});
  c.push_back({"example_jacobi", [=] {
                 return example_program("jacobi.wasm", {{"PW", "64"}, {"PH", "64"}, {"T", "4"}, {"ITERS", "20"}},
                                        cap(50));
               }});
  c.push_back({"example_summa",
               [=] { return example_program("summa.wasm", {{"P", "12"}, {"T", "8"}}, cap(50)); }});
  c.push_back({"example_allreduce", [=] {
                 return example_program("allreduce.wasm", {{"PW", "64"}, {"PH", "64"}, {"N", "16"}}, cap(50));
               }});
  c.push_back({"example_broadcast", [=] {
                 return example_program("broadcast.wasm", {{"PW", "64"}, {"PH", "64"}, {"N", "32"}}, cap(50));
               }});
  c.push_back({"example_residual", [=] {
                 return example_program("residual.wasm", {{"M", "256"}, {"N", "256"}, {"P", "32"}, {"Q", "32"}},
                                        cap(50));
               }});
  c.push_back({"example_stream_bandwidth",
               [=] { return example_program("stream_bandwidth.wasm", {{"N", "65535"}}, cap(50)); }});
  c.push_back({"wse3_digits_mlp", [=] {
                 Workload w = mapped_model(std::string(WAFER_DATA_DIR) + "/models/digits_mlp.onnx", 762, 1172,
                                           quick ? 4 : 360, cap(20));
                 w.name = "wse3_digits_mlp";
                 return w;
               }});
  return c;
}

std::vector<Workload> standard_workloads(bool quick) {
  std::vector<Workload> w;
  for (const auto& spec : workload_catalog(quick)) w.push_back(spec.build());
  return w;
}

std::vector<WorkloadSpec> select_workloads(bool quick, const std::vector<std::string>& only) {
  std::vector<WorkloadSpec> all = workload_catalog(quick), out;
  for (const auto& name : only) {
    if (std::none_of(all.begin(), all.end(), [&](const auto& s) { return s.name == name; })) {
      std::string names;
      for (const auto& s : all) names += (names.empty() ? "" : ", ") + s.name;
      throw Error("no workload named '" + name + "' (workloads: " + names + ")");
    }
  }
  for (auto& s : all) {
    if (only.empty() || std::find(only.begin(), only.end(), s.name) != only.end()) out.push_back(std::move(s));
  }
  return out;
}

}  // namespace wafer::bench
