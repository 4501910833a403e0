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

// A port multiplexes colors (InStream::colors): one north-edge stream feeds two paths, color 3 south to
// the south edge and color 7 east to the east edge; each output stream gets its own color's wavelets, in
// order, with their indices, and the colors survive a trip through the image file.
TEST(FlowControl, OneInputStreamCarriesSeveralColors) {
  constexpr uint32_t kDown = 3, kRight = 7, kEach = 25;
  Image im;
  im.width = 3, im.height = 3;
  InStream s;
  s.name = "mux";
  s.x = 0, s.y = 0, s.port = kNorth, s.color = kDown;
  // Uneven interleave: every down wavelet, a right one after every second of them, the other rights last.
  uint32_t down = 0, rt = 0;
  auto push = [&](bool is_down) {
    const uint32_t k = is_down ? down++ : rt++;
    s.payload.push_back((is_down ? 100 : 900) + k);
    s.index.push_back(uint16_t(k));
    s.colors.push_back(uint8_t(is_down ? kDown : kRight));
  };
  for (uint32_t i = 0; i < kEach; ++i) {
    push(true);
    if (i % 2) push(false);
  }
  while (rt < kEach) push(false);
  ASSERT_EQ(down, kEach);
  im.add_in_stream(s);
  im.route({0, 0, 1, 3}, kDown, kNorth, port_bit(kSouth));
  im.route(Rect::pe(0, 0), kRight, kNorth, port_bit(kEast));
  im.route({1, 0, 2, 1}, kRight, kWest, port_bit(kEast));
  im.add_out_stream({.name = "down", .x = 0, .y = 2, .port = kSouth, .capacity = kEach});
  im.add_out_stream({.name = "right", .x = 2, .y = 0, .port = kEast, .capacity = kEach});
  const std::string path = ::testing::TempDir() + "/multicolor.wimg";
  save_image(im, path);
  const Image back = load_image(path);
  ASSERT_EQ(back.in_streams.at(0).colors, s.colors);

  auto e = test::cpu();
  e->load(back);
  const RunResult r = test::run_quiet(*e);
  ASSERT_EQ(r.reason, StopReason::kQuiescent) << r.describe();
  for (uint32_t o = 0; o < 2; ++o) {
    const auto got = e->output(o);
    ASSERT_EQ(got.size(), kEach) << "stream " << o;
    for (uint32_t k = 0; k < kEach; ++k) {
      EXPECT_EQ(got[k].payload, (o == 0 ? 100u : 900u) + k) << "stream " << o << " wavelet " << k;
      EXPECT_EQ(got[k].index(), k);
      EXPECT_EQ((got[k].meta >> 16) & 31u, o == 0 ? kDown : kRight);
    }
  }
}

TEST(FlowControl, InputStreamColorsAreValidated) {
  Image im;
  im.width = 1, im.height = 1;
  InStream s{.name = "bad", .x = 0, .y = 0, .port = kNorth, .color = 0, .payload = {1, 2, 3}, .index = {}, .colors = {}};
  s.colors = {0, 1};
  im.add_in_stream(s);
  EXPECT_THROW(
      {
        try {
          im.validate();
        } catch (const Error& e) {
          EXPECT_NE(std::string(e.what()).find("2 colors for 3 wavelets"), std::string::npos) << e.what();
          throw;
        }
      },
      Error);
  im.in_streams[0].colors = {0, 24, 1};
  try {
    im.validate();
    ADD_FAILURE() << "color 24 accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("wavelet 1 has color 24"), std::string::npos) << e.what();
  }
}

// Input streams may share a port, each on colors of its own; the engine serves them in turn, so a stream
// whose receiver never reads (color 5: no route past the edge PE's full queue) does not hold up the other
// (color 3, carried south to an output stream), which arrives whole and in order.
TEST(FlowControl, StreamsSharingAPortDoNotHoldEachOtherUp) {
  constexpr uint32_t kFree = 3, kStuck = 5, kEach = 30;
  Image im;
  im.width = 1, im.height = 3;
  InStream stuck, free;
  stuck.name = "stuck", stuck.port = kNorth, stuck.color = kStuck;
  free.name = "free", free.port = kNorth, free.color = kFree;
  for (uint32_t i = 0; i < kEach; ++i) stuck.payload.push_back(500 + i), free.payload.push_back(100 + i);
  im.add_in_stream(stuck);
  im.add_in_stream(free);
  // Color 5 goes to PE(0,0)'s ramp, where no task ever takes it: its queue fills and stays full.
  KernelBuilder k("never_reads");
  k.task(24);
  k.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(k.build(16)));
  im.route(Rect::pe(0, 0), kStuck, kNorth, port_bit(kRamp));
  im.route({0, 0, 1, 3}, kFree, kNorth, port_bit(kSouth));
  im.add_out_stream({.name = "out", .x = 0, .y = 2, .port = kSouth, .capacity = kEach});
  auto e = test::cpu();
  e->load(im);
  const RunResult r = e->run({.max_cycles = 500, .watchdog_cycles = 100});
  EXPECT_EQ(r.reason, StopReason::kStall) << r.describe();  // the stuck stream never finishes
  const auto got = e->output(0);
  ASSERT_EQ(got.size(), kEach);
  for (uint32_t i = 0; i < kEach; ++i) EXPECT_EQ(got[i].payload, 100 + i) << "wavelet " << i;
}

TEST(FlowControl, StreamsSharingAPortNeedColorsOfTheirOwn) {
  Image im;
  im.width = 1, im.height = 1;
  im.add_in_stream({.name = "a", .x = 0, .y = 0, .port = kNorth, .color = 2, .payload = {1}, .index = {}, .colors = {}});
  InStream b{.name = "b", .x = 0, .y = 0, .port = kNorth, .color = 4, .payload = {1, 2}, .index = {}, .colors = {}};
  b.colors = {4, 2};
  im.add_in_stream(b);
  try {
    im.validate();
    ADD_FAILURE() << "two streams on one color of one port accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("input stream 'b': shares color 2 with input stream 'a'"), std::string::npos)
        << e.what();
  }
  im.in_streams[1].colors = {4, 6};
  EXPECT_NO_THROW(im.validate());
  im.add_out_stream({.name = "o1", .x = 0, .y = 0, .port = kEast, .capacity = 1});
  im.add_out_stream({.name = "o2", .x = 0, .y = 0, .port = kEast, .capacity = 1});
  try {
    im.validate();
    ADD_FAILURE() << "two output streams on one port accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("the port is already used by output stream 'o1'"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace wafer
