// Credit-based flow control: back-pressure without loss, and colors as independent virtual channels.
#include "tests/host/test_util.h"

namespace wafer {
namespace {

constexpr uint32_t kCount = 40;

// PE(0,0) streams kCount words from SRAM onto `color` toward the east at one per cycle.
uint32_t add_producer(Image& im, uint32_t color, uint32_t length) {
  KernelBuilder k("producer_c" + std::to_string(color));
  k.task(24);
  k.vec(kVmov, 0, VSrc::d(1));
  k.ret();
  const uint32_t kid = im.add_kernel(k.build(length));
  std::vector<uint32_t> words(length);
  for (uint32_t i = 0; i < length; ++i) words[i] = 1000 + i;
  im.sram(Rect::pe(0, 0), 0, words);
  im.dsrs.push_back({Rect::pe(0, 0), 0, desc_word0(kDescFabOut, color), desc_word1(length, 0)});
  im.dsrs.push_back({Rect::pe(0, 0), 1, desc_word0(kDescMem, 0), desc_word1(length, 1)});
  return kid;
}

TEST(FlowControl, SlowConsumerBackPressuresFastProducerWithoutLossInOrder) {
  constexpr uint32_t kColor = 4, kHops = 3;
  Image im;
  im.width = kHops + 1, im.height = 1;
  im.place(Rect::pe(0, 0), add_producer(im, kColor, kCount), 1u << 24);
  // Consumer: per wavelet, burn 8 cycles, then store payload at 100 + r5 and count.
  KernelBuilder c("slow_consumer");
  c.task(kColor);
  c.li(6, 8);
  c.label("spin");
  c.addi(6, 6, -1);
  c.bnez(6, "spin");
  c.st(0, 5, 100);
  c.addi(5, 5, 1);
  c.ret();
  const uint32_t cid = im.add_kernel(c.build(100 + kCount));
  im.place(Rect::pe(kHops, 0), cid);
  im.route(Rect::pe(0, 0), kColor, kRamp, port_bit(kEast));
  im.route({1, 0, kHops - 1, 1}, kColor, kWest, port_bit(kEast));
  im.route(Rect::pe(kHops, 0), kColor, kWest, port_bit(kRamp));

  auto e = test::cpu();
  e->load(im);
  const RunResult r = test::run_quiet(*e);
  ASSERT_EQ(r.reason, StopReason::kQuiescent) << r.describe();
  const auto got = e->read_sram(kHops, 0, 100, kCount);
  for (uint32_t i = 0; i < kCount; ++i) EXPECT_EQ(got[i], 1000 + i) << "wavelet " << i;
  EXPECT_EQ(e->read_reg(kHops, 0, 5), kCount);
  // The producer could send one per cycle but had to wait: back-pressure reached it.
  const auto out_stalls = e->counter_per_pe(kCtrStallFabricOut);
  EXPECT_GT(out_stalls[0], uint64_t(kCount));
  EXPECT_GT(e->counter_per_pe(kCtrRouterBlocked)[1], 0u);  // and the routers in between held wavelets
}

TEST(FlowControl, BlockedColorDoesNotBlockAnotherColorOnTheSameLink) {
  constexpr uint32_t kStuck = 1, kFree = 2;
  Image im;
  im.width = 2, im.height = 1;
  // Producer sends kCount on each color asynchronously, over the same east link.
  KernelBuilder p("two_color_producer");
  p.task(24);
  p.vec(kVmov, 0, VSrc::d(2), VSrc::d(0), {.async = true});
  p.vec(kVmov, 1, VSrc::d(2), VSrc::d(0), {.async = true});
  p.ret();
  const uint32_t pid = im.add_kernel(p.build(kCount));
  std::vector<uint32_t> words(kCount);
  for (uint32_t i = 0; i < kCount; ++i) words[i] = 500 + i;
  im.sram(Rect::pe(0, 0), 0, words);
  im.dsrs.push_back({Rect::pe(0, 0), 0, desc_word0(kDescFabOut, kStuck), desc_word1(kCount, 0)});
  im.dsrs.push_back({Rect::pe(0, 0), 1, desc_word0(kDescFabOut, kFree), desc_word1(kCount, 0)});
  im.dsrs.push_back({Rect::pe(0, 0), 2, desc_word0(kDescMem, 0), desc_word1(kCount, 1)});
  im.place(Rect::pe(0, 0), pid, 1u << 24);
  // Consumer: data task on kFree stores by index; the data task on kStuck is blocked forever.
  KernelBuilder c("consumer");
  c.task(kFree);
  c.st(0, 1, 0);
  c.ret();
  c.task(kStuck);
  c.ret();
  const uint32_t cid = im.add_kernel(c.build(kCount));
  im.place(Rect::pe(1, 0), cid, 0, 1u << kStuck);
  for (uint32_t color : {kStuck, kFree}) {
    im.route(Rect::pe(0, 0), color, kRamp, port_bit(kEast));
    im.route(Rect::pe(1, 0), color, kWest, port_bit(kRamp));
  }
  auto e = test::cpu();
  e->load(im);
  const RunResult r = test::run_quiet(*e, 100000, 200);
  // Everything on the free color arrived; the stuck color stalls the machine, and the report says why.
  const auto got = e->read_sram(1, 0, 0, kCount);
  for (uint32_t i = 0; i < kCount; ++i) EXPECT_EQ(got[i], 500 + i) << "free-color wavelet " << i;
  ASSERT_EQ(r.reason, StopReason::kStall) << r.describe();
  ASSERT_TRUE(r.stall.has_value());
  const std::string report = r.stall->describe();
  EXPECT_NE(report.find("PE(1,0)"), std::string::npos) << report;
  EXPECT_NE(report.find("data task 1 is blocked"), std::string::npos) << report;
  EXPECT_NE(report.find("PE(0,0)"), std::string::npos) << report;
  EXPECT_NE(report.find("waits for room to send on color 1"), std::string::npos) << report;
}

}  // namespace
}  // namespace wafer
