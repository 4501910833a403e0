// The device-memory arithmetic of the CUDA engine, on the CPU: what a grid needs, that the plan of a built
// state matches the grid formula, that a full WSE-3 with 48 KiB per PE fits an 80 GB GPU, and that a run
// that does not fit is refused with the figures.
#include <gtest/gtest.h>

#include "cuda/device_memory.h"
#include "host/engine/machine_state.h"
#include "host/image/kernel_builder.h"
#include "host/model/error.h"

namespace wafer {
namespace {

// An image whose SRAM footprint is `words` per PE, with no streams and no code: the grid formula's case.
Image footprint_image(uint32_t w, uint32_t h, uint32_t words) {
  Image im;
  im.width = w, im.height = h;
  if (words > 0) im.sram({0, 0, 1, 1}, words - 1, {7});
  return im;
}

TEST(DeviceMemory, PeFieldBytesArePinned) {
  // Changing the per-PE state changes every memory figure in docs/cuda-engine.md: update both together.
  EXPECT_EQ(pe_field_bytes(), 1356u);
  EXPECT_EQ(MachineState::bytes_needed(1, 1, 0), pe_field_bytes() + 4 * 2 * 4 * 4);
}

TEST(DeviceMemory, GridFormulaEqualsPlanOfBuiltState) {
  for (auto [w, h, words] : {std::tuple{1u, 1u, 0u}, {1u, 17u, 1u}, {7u, 13u, 100u}, {31u, 37u, 12288u}}) {
    const MachineState s = load_machine(footprint_image(w, h, words));
    ASSERT_EQ(s.sram_words, words);
    const DeviceMemoryPlan built = plan_device_memory(s);
    const DeviceMemoryPlan grid = plan_device_memory(w, h, words);
    EXPECT_EQ(built.state_bytes, grid.state_bytes) << w << "x" << h << " sram " << words;
    EXPECT_EQ(built.table_bytes, grid.table_bytes) << w << "x" << h << " sram " << words;
    EXPECT_EQ(built.buffers, grid.buffers) << w << "x" << h << " sram " << words;
    EXPECT_EQ(built.total(), device_bytes_for_grid(w, h, words));
    // And the plan counts exactly the bytes of every array.
    uint64_t bytes = 0;
    s.for_each_array(
        [&](const char*, const void*, size_t count, size_t elem, uint32_t) { bytes += count * elem; });
    EXPECT_EQ(built.state_bytes, bytes);
  }
}

TEST(DeviceMemory, StreamsAndCodeAddTheirTables) {
  Image im = footprint_image(4, 3, 64);
  KernelBuilder k("k");
  k.task(24);
  k.ret();
  im.place({0, 0, 4, 3}, im.add_kernel(k.build(64)));
  im.route({0, 1, 4, 1}, 2, kWest, port_bit(kEast));
  InStream in;
  in.name = "in", in.y = 1, in.port = kWest, in.color = 2, in.payload = {1, 2, 3};
  im.add_in_stream(in);
  OutStream out;
  out.name = "out", out.x = 3, out.y = 1, out.port = kEast, out.capacity = 10;
  im.add_out_stream(out);
  const MachineState s = load_machine(im);
  const DeviceMemoryPlan plan = plan_device_memory(s);
  const DeviceMemoryPlan grid = plan_device_memory(4, 3, 64);
  const uint64_t tables =
      sizeof(KernelInfo) + 1 * sizeof(Instr) + sizeof(InStreamInfo) + 3 * 4 + 3 * 4 + sizeof(OutStreamInfo);
  EXPECT_EQ(plan.table_bytes, grid.table_bytes + tables);
  // in_pos, in_sent_last, out_data_pay/meta, out_received, out_overflow: 8 + 4 + 10 * 4 * 2 + 8 + 4.
  EXPECT_EQ(plan.state_bytes, grid.state_bytes + 8 + 4 + 80 + 8 + 4);
  EXPECT_EQ(plan.buffers, grid.buffers + 6 + 6);
}

TEST(DeviceMemory, FullWse3With48KiBFitsAn80GBGpu) {
  const uint64_t need = device_bytes_for_grid(762, 1172, kSramWords);
  std::printf("wse3 762x1172 with 48 KiB per PE needs %s (%llu bytes)\n", format_gib(need).c_str(),
              (unsigned long long)need);
  // 893,064 PEs x (1292 + 49,152) bytes = 45.05 GB of state, plus edges, tables and margins.
  EXPECT_GT(need, 45'000'000'000ull);
  EXPECT_LT(need, 46'000'000'000ull);
  EXPECT_LT(need, 79ull << 30);  // an H100 80GB reports about 79 GiB
}

TEST(DeviceMemory, TooLargeIsRefusedWithTheFigures) {
  const DeviceMemoryPlan plan = plan_device_memory(762, 1172, kSramWords);
  try {
    require_fits(plan, 762, 1172, kSramWords, 40ull << 30, "device 0 (Test GPU)");
    FAIL() << "no throw";
  } catch (const Error& e) {
    const std::string m = e.what();
    std::printf("%s\n", m.c_str());
    EXPECT_NE(m.find("image on 762x1172 PEs with 12288 SRAM words per PE needs " + format_gib(plan.total())),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("device 0 (Test GPU) has 40.00 GiB free"), std::string::npos) << m;
  }
  EXPECT_NO_THROW(require_fits(plan, 762, 1172, kSramWords, plan.total(), "device 0"));
  EXPECT_THROW(require_fits(plan, 762, 1172, kSramWords, plan.total() - 1, "device 0"), Error);
}

TEST(DeviceMemory, FormatGib) {
  EXPECT_EQ(format_gib(0), "0.00 GiB");
  EXPECT_EQ(format_gib(3ull << 29), "1.50 GiB");
}

}  // namespace
}  // namespace wafer
