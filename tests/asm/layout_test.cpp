// Layouts: the initial machine state a layout produces, read back through load_machine (the state every
// engine starts from), so the test checks what runs, not how the image happens to group rectangles.
#include "tests/asm/asm_test_support.h"

#include "host/model/state.h"

namespace wafer::asmtest {
namespace {

uint32_t reg_at(const MachineState& m, uint32_t x, uint32_t y, uint32_t r) {
  return m.regs[size_t(r) * m.n + y * m.width + x];
}
uint32_t route_at(const MachineState& m, uint32_t x, uint32_t y, uint32_t color) {
  return (m.route[size_t(color / 4) * m.n + y * m.width + x] >> (8 * (color % 4))) & 0xFFu;
}
uint32_t sram_at(const MachineState& m, uint32_t x, uint32_t y, uint32_t addr) {
  return m.sram[size_t(addr) * m.n + y * m.width + x];
}

TEST(Layout, PerPeExpressionsGiveEachPeItsValue) {
  const std::string text = R"(
grid 5, 3
kernel k {
  alias id = r3
  var v[4]
  export v
  task t local { ret }
}
layout {
  place k at (*, *) {
    reg id = x + 10 * y
    reg r4 = 7
    dsr d1 = mem(v, x + 1)
    init v = x * 100 + i
  }
  reg r5 at (1..3, *) where (x + y) % 2 == 0 = 9
  sram at (4, 2) addr 2 = [0xAB, 0xCD]
}
)";
  const Assembly a = assemble_text(text);
  const MachineState m = load_machine(a.image);
  for (uint32_t y = 0; y < 3; ++y) {
    for (uint32_t x = 0; x < 5; ++x) {
      EXPECT_EQ(reg_at(m, x, y, 3), x + 10 * y);
      EXPECT_EQ(reg_at(m, x, y, 4), 7u);
      EXPECT_EQ(reg_at(m, x, y, 5), (x >= 1 && x <= 3 && (x + y) % 2 == 0) ? 9u : 0u) << x << "," << y;
      EXPECT_EQ(m.dsr[size_t(1 * kDsrWords + 1) * m.n + y * 5 + x], desc_word1(x + 1, 1));
      for (uint32_t i = 0; i < 4; ++i) {
        const uint32_t expect =
            (x == 4 && y == 2 && (i == 2 || i == 3)) ? (i == 2 ? 0xABu : 0xCDu) : x * 100 + i;
        EXPECT_EQ(sram_at(m, x, y, i), expect) << "PE(" << x << "," << y << ") word " << i;
      }
    }
  }
  // A value that depends on x alone is stored once per column, not once per PE.
  size_t id_inits = 0, r4_inits = 0;
  for (const auto& r : a.image.regs) {
    id_inits += r.reg == 3;
    r4_inits += r.reg == 4;
  }
  EXPECT_EQ(id_inits, 15u);
  EXPECT_EQ(r4_inits, 1u);
}

TEST(Layout, RoutesWithPerPePortsAndLoops) {
  const std::string text = R"(
grid 4, 3
color c[3]
layout {
  for k in 0..2 {
    route c[k] at (*, k) rx (x == 0 ? ramp : west) tx (x < W - 1 ? east : 0) | (x > 0 ? ramp : 0)
  }
}
)";
  const MachineState m = load_machine(assemble_text(text).image);
  for (uint32_t k = 0; k < 3; ++k) {
    for (uint32_t y = 0; y < 3; ++y) {
      for (uint32_t x = 0; x < 4; ++x) {
        uint32_t expect = kNoRouteByte;
        if (y == k) {
          const uint32_t tx = (x < 3 ? port_bit(kEast) : 0) | (x > 0 ? port_bit(kRamp) : 0);
          expect = route_byte(x == 0 ? kRamp : kWest, tx);
        }
        EXPECT_EQ(route_at(m, x, y, k), expect) << "color " << k << " PE(" << x << "," << y << ")";
      }
    }
  }
}

TEST(Layout, StreamsColorsAndSymbols) {
  const std::string text = R"(
param N = 5
grid 2, 2
color a
color b = 7
color auto_after
kernel k {
  var first[3]
  var second[N]
  export second
  task t local { ret }
}
layout {
  place k at (1, *)
  route a at (0, 1) rx west tx east
  route a at (1, 1) rx west tx east
  outstream out at (1, 1) east capacity 9
  for j in 0..1 {
    instream in[j] at (0, j) west color a count N values float(i) * 0.5 index N - i
  }
  route a at (0, 0) rx west tx ramp
}
)";
  const Assembly a = assemble_text(text);
  EXPECT_EQ(a.colors, (std::vector<std::pair<std::string, uint32_t>>{{"a", 0}, {"b", 7}, {"auto_after", 1}}));
  EXPECT_EQ(a.in_stream("in[1]"), 1u);
  EXPECT_EQ(a.out_stream("out"), 0u);
  const InStream& s = a.image.in_streams.at(1);
  EXPECT_EQ(s.x, 0u);
  EXPECT_EQ(s.y, 1u);
  EXPECT_EQ(s.port, uint32_t(kWest));
  ASSERT_EQ(s.payload.size(), 5u);
  EXPECT_EQ(s.payload[3], 0x3FC00000u);  // 1.5f
  EXPECT_EQ(s.index, (std::vector<uint16_t>{5, 4, 3, 2, 1}));
  const AsmSymbol& sym = a.symbol(1, 0, "second");
  EXPECT_EQ(sym.addr, 3u);
  EXPECT_EQ(sym.words, 5u);
  EXPECT_THROW(a.symbol(0, 0, "second"), Error);  // no kernel there
  EXPECT_THROW(a.symbol(1, 0, "first"), Error);   // not exported
  EXPECT_EQ(a.param("N"), "5");
}

TEST(Layout, EmptyRangesAndWhereSelectNoPes) {
  const std::string text = R"(
grid 1, 1
kernel k {
  task t local { ret }
}
layout {
  place k at (1..0, *)
  place k at (*, *) where x > 5
}
)";
  EXPECT_TRUE(assemble_text(text).image.placements.empty());
}

TEST(Layout, UnplacedKernelsAreStillChecked) {
  expect_error("grid 1, 1\nkernel k {\n  task t local { jmp nowhere }\n}\n", 3, 22,
               "undefined symbol 'nowhere'");
}

}  // namespace
}  // namespace wafer::asmtest
