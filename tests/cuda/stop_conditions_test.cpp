// Stop conditions on the GPU: each trap cause, the watchdog, the output count and quiescence stop the CUDA
// engine at exactly the CPU engine's cycle with the same report, and a stopped machine stays stopped.
#include <gtest/gtest.h>

#include <functional>

#include "host/image/kernel_builder.h"
#include "tests/cuda/cuda_test_util.h"

namespace wafer {
namespace {

struct Scenario {
  const char* name;
  std::function<Image()> build;
  RunRequest request;
};

Image one_task(uint32_t w, uint32_t h, Rect where, const std::function<void(KernelBuilder&)>& body,
               uint32_t data_words) {
  Image im;
  im.width = w, im.height = h;
  KernelBuilder k("scenario");
  k.task(24);
  body(k);
  im.place(where, im.add_kernel(k.build(data_words)), 1u << 24);
  return im;
}

std::vector<Scenario> scenarios() {
  const RunRequest to_stop{.max_cycles = 10000, .until_quiescent = true, .watchdog_cycles = 100};
  std::vector<Scenario> list;
  list.push_back({"sram out of range",
                  [] {
                    return one_task(
                        3, 2, Rect::pe(2, 1),
                        [](KernelBuilder& k) {
                          k.li(2, 5000);
                          k.ld(3, 2, 7);
                          k.ret();
                        },
                        16);
                  },
                  to_stop});
  list.push_back({"vector element out of range",
                  [] {
                    Image im = one_task(
                        1, 1, Rect::pe(0, 0),
                        [](KernelBuilder& k) {
                          k.vec(kVmov, 0, VSrc::d(1));
                          k.ret();
                        },
                        16);
                    im.dsrs.push_back({Rect::pe(0, 0), 0, desc_word0(kDescMem, 10), desc_word1(8, 1)});
                    im.dsrs.push_back({Rect::pe(0, 0), 1, desc_word0(kDescMem, 0), desc_word1(8, 1)});
                    return im;
                  },
                  to_stop});
  list.push_back({"no route",
                  [] {
                    Image im;
                    im.width = 4, im.height = 1;
                    im.route(Rect::pe(0, 0), 5, kWest, port_bit(kEast));
                    InStream s;
                    s.name = "in", s.port = kWest, s.color = 5, s.payload = {1};
                    im.add_in_stream(s);
                    return im;
                  },
                  to_stop});
  list.push_back({"off grid",
                  [] {
                    Image im = one_task(
                        2, 2, Rect::pe(1, 0),
                        [](KernelBuilder& k) {
                          k.send(9, 0, 0);
                          k.ret();
                        },
                        0);
                    im.route(Rect::pe(1, 0), 9, kRamp, port_bit(kNorth));
                    return im;
                  },
                  to_stop});
  list.push_back({"send without ramp route",
                  [] {
                    return one_task(
                        1, 1, Rect::pe(0, 0),
                        [](KernelBuilder& k) {
                          k.send(3, 0, 0);
                          k.ret();
                        },
                        0);
                  },
                  to_stop});
  list.push_back({"stall",
                  [] {
                    Image im = one_task(
                        2, 2, Rect::pe(1, 1),
                        [](KernelBuilder& k) {
                          k.recv(6, 2, 3);
                          k.ret();
                        },
                        0);
                    im.route(Rect::pe(1, 1), 6, kWest, port_bit(kRamp));
                    return im;
                  },
                  {.max_cycles = 10000, .until_quiescent = true, .watchdog_cycles = 50}});
  auto pipe = [](uint64_t capacity, uint32_t count) {
    Image im;
    im.width = 5, im.height = 3;
    im.route({0, 1, 5, 1}, 2, kWest, port_bit(kEast));
    InStream in;
    in.name = "in", in.y = 1, in.port = kWest, in.color = 2;
    for (uint32_t i = 0; i < count; ++i) in.payload.push_back(i * 3 + 1);
    im.add_in_stream(in);
    OutStream out;
    out.name = "out", out.x = 4, out.y = 1, out.port = kEast, out.capacity = capacity;
    im.add_out_stream(out);
    return im;
  };
  list.push_back({"output overflow", [pipe] { return pipe(2, 3); }, to_stop});
  list.push_back({"outputs received",
                  [pipe] { return pipe(100, 40); },
                  {.max_cycles = 10000, .output_stream = 0, .output_count = 17}});
  list.push_back({"quiescent", [pipe] { return pipe(100, 40); }, to_stop});
  list.push_back({"cycle limit", [pipe] { return pipe(100, 40); }, {.max_cycles = 23}});
  return list;
}

TEST(CudaStops, SameCycleSameReportAsCpu) {
  WAFER_REQUIRE_GPU();
  for (const Scenario& sc : scenarios()) {
    SCOPED_TRACE(sc.name);
    const Image im = sc.build();
    auto cpu = test::cpu_engine();
    auto gpu = test::cuda_engine();
    cpu->load(im);
    gpu->load(im);
    const RunResult rc = cpu->run(sc.request), rg = gpu->run(sc.request);
    std::printf("%s: %s\n", sc.name, rg.describe().c_str());
    EXPECT_EQ(rg.reason, rc.reason);
    EXPECT_EQ(rg.cycles, rc.cycles);
    EXPECT_EQ(rg.describe(), rc.describe());
    EXPECT_EQ(gpu->cycle(), cpu->cycle());
    EXPECT_EQ(gpu->snapshot().first_difference(cpu->snapshot()), "");
    // Stopped stays stopped, with the same report and no cycles.
    const RunResult again_c = cpu->run({.max_cycles = 10}), again_g = gpu->run({.max_cycles = 10});
    EXPECT_EQ(again_g.describe(), again_c.describe());
    EXPECT_EQ(gpu->snapshot().first_difference(cpu->snapshot()), "");
  }
}

TEST(CudaStops, BatchBoundariesDoNotMatter) {
  WAFER_REQUIRE_GPU();
  // A stop inside a batch, at its last cycle and right after it: the batch that runs past a stop must not
  // change the state (every launch checks the stop flag first).
  for (uint32_t batch : {1u, 2u, 16u, 17u, 18u, 64u}) {
    for (bool graph : {false, true}) {
      SCOPED_TRACE("batch " + std::to_string(batch) + (graph ? " graph" : " loop"));
      for (const Scenario& sc : scenarios()) {
        SCOPED_TRACE(sc.name);
        const Image im = sc.build();
        auto cpu = test::cpu_engine();
        auto gpu = test::cuda_engine({.block_size = 64, .batch_cycles = batch, .use_graph = graph});
        cpu->load(im);
        gpu->load(im);
        EXPECT_EQ(gpu->run(sc.request).describe(), cpu->run(sc.request).describe());
        EXPECT_EQ(gpu->snapshot().first_difference(cpu->snapshot()), "");
      }
    }
  }
}

}  // namespace
}  // namespace wafer
