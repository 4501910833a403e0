// A grid the host cannot hold is refused with the figures before anything is allocated (never a
// std::bad_alloc): the message for fixed figures, the boundary, and a real load far beyond any host.
#include <gtest/gtest.h>

#include "host/engine/host_memory.h"
#include "host/engine/machine_state.h"
#include "host/image/kernel_builder.h"
#include "host/model/error.h"

namespace wafer {
namespace {

constexpr uint64_t kGiB = uint64_t(1) << 30;

TEST(HostMemory, RefusalGivesTheFigures) {
  const HostMemory m{20 * kGiB, 24 * kGiB};
  EXPECT_EQ(host_memory_refusal(42 * kGiB, 762, 1172, m),
            "the machine state of a 762x1172 grid needs 42.00 GiB of host memory, but 20.00 GiB is available "
            "(of 24.00 GiB); use a smaller grid, or fewer SRAM words per PE (the state holds each PE's whole "
            "footprint)");
  // The boundary: exactly what is available fits; one byte more does not.
  EXPECT_EQ(host_memory_refusal(20 * kGiB, 1, 1, m), "");
  EXPECT_NE(host_memory_refusal(20 * kGiB + 1, 1, 1, m), "");
  // Unknown memory (no /proc): no refusal rather than a wrong one.
  EXPECT_EQ(host_memory_refusal(1000 * kGiB, 1, 1, HostMemory{}), "");
}

TEST(HostMemory, ReadsThisHost) {
  const HostMemory m = host_memory();
  EXPECT_GT(m.total, 0u);
  EXPECT_LE(m.available, m.total);
}

TEST(HostMemory, LoadRefusesAStateNoHostHolds) {
  // 2^24 PEs with the full SRAM: about 800 GiB. The check runs before any allocation, so this is quick.
  Image im;
  im.width = 16384, im.height = 1024;
  KernelBuilder k("big");
  k.task(24);
  k.ret();
  im.place({0, 0, im.width, im.height}, im.add_kernel(k.build(12000)));
  try {
    load_machine(im);
    FAIL() << "a state of " << MachineState::bytes_needed(im.width, im.height, im.sram_words()) << " bytes loaded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("the machine state of a 16384x1024 grid needs 7"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace wafer
