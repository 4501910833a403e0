// Bad programs at run time: each a clear report naming PE, cycle and cause; none a crash or a hang.
#include "tests/host/test_util.h"

namespace wafer {
namespace {

RunResult run_to_stop(Image im, uint64_t watchdog = 100) {
  auto e = test::cpu(2);
  e->load(im);
  RunResult r = e->run({.max_cycles = 10000, .until_quiescent = true, .watchdog_cycles = watchdog});
  // A stopped machine stays stopped and says the same thing again.
  const RunResult again = e->run({.max_cycles = 10});
  EXPECT_EQ(again.cycles, 0u);
  EXPECT_EQ(again.describe(),
            std::string("stopped after 0 cycles: ") + stop_reason_name(r.reason) +
                r.describe().substr(r.describe().find('\n') == std::string::npos ? r.describe().size()
                                                                                 : r.describe().find('\n')));
  std::printf("%s\n", r.describe().c_str());
  return r;
}

void expect_contains(const std::string& s, const std::string& part) {
  EXPECT_NE(s.find(part), std::string::npos) << "missing '" << part << "' in: " << s;
}

TEST(Errors, SramAccessOutOfRange) {
  Image im;
  im.width = 3, im.height = 2;
  KernelBuilder k("oob");
  k.task(24);
  k.li(2, 5000);
  k.ld(3, 2, 7);  // cycle 1: word 5007
  k.ret();
  im.place(Rect::pe(2, 1), im.add_kernel(k.build(16)), 1u << 24);
  const RunResult r = run_to_stop(im);
  ASSERT_EQ(r.reason, StopReason::kTrap);
  EXPECT_EQ(r.trap->x, 2u);
  EXPECT_EQ(r.trap->y, 1u);
  EXPECT_EQ(r.trap->cycle, 1u);
  EXPECT_EQ(r.trap->cause, kTrapSramRange);
  EXPECT_EQ(r.trap->pc, 1u);
  expect_contains(r.trap->describe(), "PE(2,1) cycle 1: SRAM access out of range: word address 5007");
  expect_contains(r.trap->describe(), "[0, 16)");
}

TEST(Errors, VectorElementOutOfRangeTrapsAtThatElement) {
  Image im;
  im.width = 1, im.height = 1;
  KernelBuilder k("vec_oob");
  k.task(24);
  k.vec(kVmov, 0, VSrc::d(1));  // cycle 0 issue; dst runs from 10 up past the 16-word footprint
  k.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(k.build(16)), 1u << 24);
  im.dsrs.push_back({Rect::pe(0, 0), 0, desc_word0(kDescMem, 10), desc_word1(8, 1)});
  im.dsrs.push_back({Rect::pe(0, 0), 1, desc_word0(kDescMem, 0), desc_word1(8, 1)});
  const RunResult r = run_to_stop(im);
  ASSERT_EQ(r.reason, StopReason::kTrap);
  EXPECT_EQ(r.trap->cycle, 7u);  // element 6 (address 16) runs in cycle 7
  EXPECT_EQ(r.trap->value, 16u);
  EXPECT_EQ(r.trap->pc, 0u);  // charged to the vmov that issued the op
}

TEST(Errors, WaveletWithNoRoute) {
  Image im;
  im.width = 4, im.height = 1;
  im.route(Rect::pe(0, 0), 5, kWest, port_bit(kEast));  // PE(1,0) has no route for color 5
  InStream s;
  s.name = "in", s.x = 0, s.y = 0, s.port = kWest, s.color = 5, s.payload = {1};
  im.add_in_stream(s);
  const RunResult r = run_to_stop(im);
  ASSERT_EQ(r.reason, StopReason::kTrap);
  EXPECT_EQ(r.trap->x, 1u);
  EXPECT_EQ(r.trap->cycle, 2u);  // injected in cycle 0, at PE(0,0) in cycle 1, at PE(1,0) in cycle 2
  EXPECT_EQ(r.trap->cause, kTrapNoRoute);
  expect_contains(r.trap->describe(),
                  "PE(1,0) cycle 2: wavelet with no route: a wavelet of color 5 arrived on port W");
}

TEST(Errors, WaveletSentOffTheGrid) {
  Image im;
  im.width = 2, im.height = 2;
  KernelBuilder k("off_grid");
  k.task(24);
  k.send(9, 0, 0);  // cycle 0
  k.ret();
  im.place(Rect::pe(1, 0), im.add_kernel(k.build(0)), 1u << 24);
  im.route(Rect::pe(1, 0), 9, kRamp, port_bit(kNorth));
  const RunResult r = run_to_stop(im);
  ASSERT_EQ(r.reason, StopReason::kTrap);
  EXPECT_EQ(r.trap->cycle, 0u);
  EXPECT_EQ(r.trap->cause, kTrapOffGrid);
  expect_contains(r.trap->describe(),
                  "PE(1,0) cycle 0: wavelet sent off the grid: color 9 is routed out of port N");
}

TEST(Errors, CoreSendsOnColorWithoutRampRoute) {
  Image im;
  im.width = 1, im.height = 1;
  KernelBuilder k("no_ramp");
  k.task(24);
  k.send(3, 0, 0);
  k.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(k.build(0)), 1u << 24);
  const RunResult r = run_to_stop(im);
  ASSERT_EQ(r.reason, StopReason::kTrap);
  expect_contains(r.trap->describe(),
                  "core sent on color 3, whose route at this PE takes input from nowhere");
}

TEST(Errors, StalledFabricReportsWhoWaitsOnWhat) {
  Image im;
  im.width = 2, im.height = 2;
  KernelBuilder k("waits");
  k.task(24);
  k.recv(6, 2, 3);  // nobody ever sends on color 6
  k.ret();
  im.place(Rect::pe(1, 1), im.add_kernel(k.build(0)), 1u << 24);
  im.route(Rect::pe(1, 1), 6, kWest, port_bit(kRamp));
  const RunResult r = run_to_stop(im, 50);
  ASSERT_EQ(r.reason, StopReason::kStall);
  EXPECT_EQ(r.stall->quiet_cycles, 50u);
  EXPECT_EQ(r.stall->waiting_pes, 1u);
  expect_contains(r.stall->describe(), "PE(1,1): task 24 at pc 0 (recv) waits for a wavelet on color 6");
}

TEST(Errors, OutputStreamOverflow) {
  Image im;
  im.width = 1, im.height = 1;
  im.route(Rect::pe(0, 0), 2, kWest, port_bit(kEast));
  InStream in;
  in.name = "in", in.port = kWest, in.color = 2, in.payload = {1, 2, 3};
  im.add_in_stream(in);
  OutStream out;
  out.name = "out", out.port = kEast, out.capacity = 2;
  im.add_out_stream(out);
  const RunResult r = run_to_stop(im);
  ASSERT_EQ(r.reason, StopReason::kTrap);
  expect_contains(r.trap->describe(), "output stream 'out' on port E received more than its capacity of 2");
}

TEST(Errors, WatchingAnOutputStreamThatDoesNotExist) {
  Image im;
  im.width = 2, im.height = 1;
  OutStream out;
  out.name = "out", out.x = 1, out.port = kEast, out.capacity = 4;
  im.add_out_stream(out);
  auto e = test::cpu();
  e->load(im);
  try {
    e->run({.max_cycles = 10, .output_stream = 3, .output_count = 1});
    FAIL() << "no error";
  } catch (const Error& err) {
    expect_contains(err.what(), "output stream 3 does not exist (the image has 1 output stream(s))");
  }
  EXPECT_EQ(e->cycle(), 0u);
}

}  // namespace
}  // namespace wafer
