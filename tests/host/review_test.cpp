// Review findings: each test pins a corner of docs/machine-model.md that the other suites leave open, or a
// bug that was found and fixed (the test failed before the fix).
#include "tests/host/test_util.h"

#include "tests/support/random_image.h"

namespace wafer {
namespace {

using test::core_queue_count;
using test::run_cycles;

void expect_contains(const std::string& s, const std::string& part) {
  EXPECT_NE(s.find(part), std::string::npos) << "missing '" << part << "' in: " << s;
}
void expect_lacks(const std::string& s, const std::string& part) {
  EXPECT_EQ(s.find(part), std::string::npos) << "unexpected '" << part << "' in: " << s;
}

// ------------------------------------------------------------------------------------------------ stall
// report

// PE(0,0) multicasts color 5 east and south. The south consumer never takes anything (its data task is
// blocked); the east one takes one wavelet and then blocks itself. When everything stops, PE(1,0) holds
// 2 in its core queue and 1 in its router queue (room for one more), PE(0,1) holds 2 + 2 (full). The
// multicast waits only on S; the report must not name E, whose queue has room.
TEST(Review, StallReportNamesOnlyTheMulticastPortThatIsFull) {
  constexpr uint32_t kColor = 5, kCount = 8;
  Image im;
  im.width = 2, im.height = 2;
  KernelBuilder p("producer");
  p.task(24);
  p.vec(kVmov, 0, VSrc::d(1));
  p.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(p.build(kCount)), 1u << 24);
  im.dsrs.push_back({Rect::pe(0, 0), 0, desc_word0(kDescFabOut, kColor), desc_word1(kCount, 0)});
  im.dsrs.push_back({Rect::pe(0, 0), 1, desc_word0(kDescMem, 0), desc_word1(kCount, 1)});
  im.route(Rect::pe(0, 0), kColor, kRamp, port_bit(kEast) | port_bit(kSouth));
  KernelBuilder east("takes_one");
  east.task(kColor);
  east.block(kColor);
  east.ret();
  im.place(Rect::pe(1, 0), im.add_kernel(east.build(0)));
  im.route(Rect::pe(1, 0), kColor, kWest, port_bit(kRamp));
  KernelBuilder south("takes_none");
  south.task(kColor);
  south.ret();
  im.place(Rect::pe(0, 1), im.add_kernel(south.build(0)), 0, 1u << kColor);
  im.route(Rect::pe(0, 1), kColor, kNorth, port_bit(kRamp));

  auto e = test::cpu();
  e->load(im);
  const RunResult r = test::run_quiet(*e, 10000, 50);
  ASSERT_EQ(r.reason, StopReason::kStall) << r.describe();
  const MachineState s = e->snapshot();
  const uint64_t last = e->cycle() - 1;
  ASSERT_EQ(count_of(s.occ[(last & 1) * s.n + 1], kColor), 1u);  // PE(1,0): room for one more
  ASSERT_EQ(count_of(s.occ[(last & 1) * s.n + 2], kColor), 2u);  // PE(0,1): full
  const std::string report = r.stall->describe();
  expect_contains(report, "S (PE(0,1) queue for color 5 full)");
  expect_lacks(report, "E (PE(1,0)");
}

// A task waiting inside a synchronous op is reported at the op's pc (its pc register has already moved
// past the op), and a microthread's op names the pc that issued it.
TEST(Review, StallReportNamesThePcOfTheWaitingVectorOp) {
  Image im;
  im.width = 1, im.height = 1;
  KernelBuilder k("waits_in_ops");
  k.task(24);
  k.nop();                                                   // pc 0
  k.vec(kVmov, 0, VSrc::d(2), VSrc::d(0), {.async = true});  // pc 1: microthread waits on color 3
  k.vec(kVmov, 0, VSrc::d(1));                               // pc 2: synchronous, waits on color 2
  k.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(k.build(8)), 1u << 24);
  im.route(Rect::pe(0, 0), 2, kWest, port_bit(kRamp));
  im.route(Rect::pe(0, 0), 3, kWest, port_bit(kRamp));
  im.dsrs.push_back({Rect::pe(0, 0), 0, desc_word0(kDescMem, 0), desc_word1(4, 1)});
  im.dsrs.push_back({Rect::pe(0, 0), 1, desc_word0(kDescFabIn, 2), desc_word1(4, 0)});
  im.dsrs.push_back({Rect::pe(0, 0), 2, desc_word0(kDescFabIn, 3), desc_word1(4, 0)});
  auto e = test::cpu();
  e->load(im);
  const RunResult r = test::run_quiet(*e, 10000, 20);
  ASSERT_EQ(r.reason, StopReason::kStall) << r.describe();
  const std::string report = r.stall->describe();
  expect_contains(report, "task 24 at pc 2: synchronous vmov at element 0/4 waits for a wavelet on color 2");
  expect_contains(report,
                  "microthread 1 vmov (issued at pc 1) at element 0/4 waits for a wavelet on color 3");
}

// kTrapQueueOverflow is an internal invariant: credits must make it unreachable for any program the
// validator accepts. Random programs, tame and wild (which trap and stall on purpose), never hit it.
TEST(Review, RandomProgramsNeverOverflowAQueue) {
  for (uint64_t seed = 100; seed < 160; ++seed) {
    for (bool wild : {false, true}) {
      test::RandomImageOptions o;
      o.width = 3 + uint32_t(seed % 7), o.height = 2 + uint32_t(seed % 5), o.seed = seed, o.wild = wild;
      o.max_sends = 30;
      auto e = test::cpu();
      e->load(test::random_image(o));
      const RunResult r = test::run_quiet(*e, 5000, 300);
      if (r.reason == StopReason::kTrap) {
        EXPECT_NE(r.trap->cause, kTrapQueueOverflow) << test::describe(o) << ": " << r.describe();
      }
    }
  }
}

// ------------------------------------------------------------------------------------------------ traps

RunResult run_single(const Image& im, std::unique_ptr<Engine>* keep = nullptr) {
  auto e = test::cpu();
  e->load(im);
  RunResult r = test::run_quiet(*e, 10000, 100);
  if (keep) *keep = std::move(e);
  return r;
}

// A source that is a fabric *output* descriptor is a bad operand; the trap's value is the descriptor's
// word0, as for every other bad descriptor (a wrong-kind destination, a color >= 24).
TEST(Review, BadSourceDescriptorTrapValueIsItsWord0) {
  Image im;
  im.width = 1, im.height = 1;
  KernelBuilder k("bad_source");
  k.task(24);
  k.nop();
  k.vec(kVfadd, 0, VSrc::d(1), VSrc::d(2));  // pc 1, cycle 1: s1 is a fabric output
  k.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(k.build(16)), 1u << 24);
  im.route(Rect::pe(0, 0), 6, kRamp, port_bit(kRamp));
  const uint32_t bad = desc_word0(kDescFabOut, 6);
  im.dsrs.push_back({Rect::pe(0, 0), 0, desc_word0(kDescMem, 0), desc_word1(4, 1)});
  im.dsrs.push_back({Rect::pe(0, 0), 1, desc_word0(kDescMem, 4), desc_word1(4, 1)});
  im.dsrs.push_back({Rect::pe(0, 0), 2, bad, desc_word1(4, 0)});
  const RunResult r = run_single(im);
  ASSERT_EQ(r.reason, StopReason::kTrap) << r.describe();
  EXPECT_EQ(r.trap->cause, kTrapBadOperand);
  EXPECT_EQ(r.trap->cycle, 1u);
  EXPECT_EQ(r.trap->pc, 1u);
  EXPECT_EQ(r.trap->value, bad);
}

// A color >= 24 put into a fabric descriptor from a register (dbase) traps when the op issues, charged to
// the vector instruction, with the descriptor's word0 as the value.
TEST(Review, ColorFromRegisterAbove23TrapsAtIssue) {
  Image im;
  im.width = 1, im.height = 1;
  KernelBuilder k("dbase_color");
  k.task(24);
  k.li(2, 24);                  // cycle 0
  k.dbase(1, 2);                // cycle 1: d1 = fabric input of color 24
  k.vec(kVmov, 0, VSrc::d(1));  // cycle 2, pc 2
  k.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(k.build(16)), 1u << 24);
  im.dsrs.push_back({Rect::pe(0, 0), 0, desc_word0(kDescMem, 0), desc_word1(4, 1)});
  im.dsrs.push_back({Rect::pe(0, 0), 1, desc_word0(kDescFabIn, 3), desc_word1(4, 0)});
  const RunResult r = run_single(im);
  ASSERT_EQ(r.reason, StopReason::kTrap) << r.describe();
  EXPECT_EQ(r.trap->cause, kTrapBadOperand);
  EXPECT_EQ(r.trap->cycle, 2u);
  EXPECT_EQ(r.trap->pc, 2u);
  EXPECT_EQ(r.trap->value, desc_word0(kDescFabIn, 24));
}

// A negative stride walks down from the base; running below word 0 wraps the 32-bit address, which is
// out of range: the element traps naming the wrapped address.
TEST(Review, NegativeStrideWalksDownAndTrapsBelowZero) {
  Image im;
  im.width = 1, im.height = 1;
  KernelBuilder k("down");
  k.task(24);
  k.vec(kVmov, 0, VSrc::d(1));  // cycle 0: dst 20, 19, 18, 17 <- src 0, 1, 2, 3
  k.vec(kVmov, 2, VSrc::d(1));  // cycle 5: dst 1, -1 (wraps): element 1 traps in cycle 7
  k.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(k.build(32)), 1u << 24);
  im.sram(Rect::pe(0, 0), 0, {10, 11, 12, 13});
  im.dsrs.push_back({Rect::pe(0, 0), 0, desc_word0(kDescMem, 20), desc_word1(4, -1)});
  im.dsrs.push_back({Rect::pe(0, 0), 1, desc_word0(kDescMem, 0), desc_word1(4, 1)});
  im.dsrs.push_back({Rect::pe(0, 0), 2, desc_word0(kDescMem, 1), desc_word1(4, -2)});
  std::unique_ptr<Engine> e;
  const RunResult r = run_single(im, &e);
  ASSERT_EQ(r.reason, StopReason::kTrap) << r.describe();
  EXPECT_EQ(e->read_sram(0, 0, 17, 4), (std::vector<uint32_t>{13, 12, 11, 10}));
  EXPECT_EQ(e->read_sram(0, 0, 1, 1)[0], 10u);
  EXPECT_EQ(r.trap->cause, kTrapSramRange);
  EXPECT_EQ(r.trap->cycle, 7u);
  EXPECT_EQ(r.trap->pc, 1u);
  EXPECT_EQ(r.trap->value, 0xFFFFFFFFu);
}

// An input stream on a port that is not its color's rx at the edge PE: the first wavelet (injected in
// cycle 0) traps at the edge PE when it is ingested in cycle 1, naming the color and the port.
TEST(Review, InputStreamOnAPortThatIsNotTheRxTrapsOnArrival) {
  Image im;
  im.width = 2, im.height = 2;
  im.route(Rect::pe(0, 1), 7, kSouth, port_bit(kEast));
  im.route(Rect::pe(1, 1), 7, kWest, port_bit(kRamp));
  InStream s;
  s.name = "in", s.x = 0, s.y = 1, s.port = kWest, s.color = 7, s.payload = {1, 2};
  im.add_in_stream(s);
  const RunResult r = run_single(im);
  ASSERT_EQ(r.reason, StopReason::kTrap) << r.describe();
  EXPECT_EQ(r.trap->x, 0u);
  EXPECT_EQ(r.trap->y, 1u);
  EXPECT_EQ(r.trap->cycle, 1u);
  EXPECT_EQ(r.trap->cause, kTrapNoRoute);
  EXPECT_EQ(r.trap->value, 7u | (kWest << 8));
  expect_contains(r.trap->describe(), "color 7 arrived on port W but color 7 arrives only on port S");
}

// An element's addresses are checked as soon as its fabric inputs are there, before it waits for the
// arithmetic slot: an element that loses the slot to another op still traps in that cycle.
// Cycle 0: issue A (async vfadd). 1: A element 0 wins the slot, the issue of B waits. 2: B issues (the
// main thread is first in turn). 3: A is first in turn and takes the slot; B's element 0, whose
// destination is out of range, traps in this cycle although it would only have run in cycle 4.
TEST(Review, ElementTrapsOnABadAddressEvenWhenItWouldWaitForTheSlot) {
  Image im;
  im.width = 1, im.height = 1;
  KernelBuilder k("contend");
  k.task(24);
  k.vec(kVfadd, 0, VSrc::d(2), VSrc::d(2), {.async = true});  // pc 0: A
  k.vec(kVfadd, 1, VSrc::d(2), VSrc::d(2), {.async = true});  // pc 1: B, dst out of range
  k.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(k.build(32)), 1u << 24);
  im.dsrs.push_back({Rect::pe(0, 0), 0, desc_word0(kDescMem, 16), desc_word1(8, 1)});
  im.dsrs.push_back({Rect::pe(0, 0), 1, desc_word0(kDescMem, 40), desc_word1(8, 1)});
  im.dsrs.push_back({Rect::pe(0, 0), 2, desc_word0(kDescMem, 0), desc_word1(8, 1)});
  std::unique_ptr<Engine> e;
  const RunResult r = run_single(im, &e);
  ASSERT_EQ(r.reason, StopReason::kTrap) << r.describe();
  EXPECT_EQ(r.trap->cause, kTrapSramRange);
  EXPECT_EQ(r.trap->value, 40u);
  EXPECT_EQ(r.trap->pc, 1u);
  EXPECT_EQ(r.trap->cycle, 3u);
  EXPECT_EQ(e->counter_totals()[kCtrArith], 4u);  // issue A, A[0], issue B, A[1]
}

// ------------------------------------------------------------------------------------------------ tasks

// A color read both by a bound, unblocked data task and by an asynchronous vector op: whenever no task runs,
// the task pick (first in the cycle) takes the head wavelet for the data task; the op gets the others.
// Stream wavelets w0..w3 reach the core queue in cycles 1..4. Cycle 0: task 24 issues the op; 1: ret.
// 2: pick data task 3 with w0 (it runs 2..4); 3, 4: the op takes w1, w2; 5: pick data task 3 with w3.
// The op is left waiting for a fourth wavelet that never comes.
TEST(Review, TaskPickTakesAWaveletBeforeAnAsyncOpOnTheSameColor) {
  constexpr uint32_t kColor = 3;
  Image im;
  im.width = 1, im.height = 1;
  KernelBuilder k("shared_color");
  k.task(24);
  k.vec(kVmov, 0, VSrc::d(1), VSrc::d(0), {.async = true});
  k.ret();
  k.task(kColor);
  k.st(0, 5, 100);
  k.addi(5, 5, 1);
  k.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(k.build(128)), 1u << 24);
  im.route(Rect::pe(0, 0), kColor, kWest, port_bit(kRamp));
  im.dsrs.push_back({Rect::pe(0, 0), 0, desc_word0(kDescMem, 0), desc_word1(4, 1)});
  im.dsrs.push_back({Rect::pe(0, 0), 1, desc_word0(kDescFabIn, kColor), desc_word1(4, 0)});
  InStream s;
  s.name = "in", s.x = 0, s.y = 0, s.port = kWest, s.color = kColor, s.payload = {70, 71, 72, 73};
  im.add_in_stream(s);
  std::unique_ptr<Engine> e;
  const RunResult r = run_single(im, &e);
  ASSERT_EQ(r.reason, StopReason::kStall) << r.describe();
  EXPECT_EQ(e->read_reg(0, 0, 5), 2u);
  EXPECT_EQ(e->read_sram(0, 0, 100, 2), (std::vector<uint32_t>{70, 73}));
  EXPECT_EQ(e->read_sram(0, 0, 0, 2), (std::vector<uint32_t>{71, 72}));
  expect_contains(r.stall->describe(),
                  "microthread 1 vmov (issued at pc 0) at element 2/4 waits for a wavelet");
}

// Blocking the data task hands the color to the op: all four wavelets go to the op.
TEST(Review, BlockedDataTaskLeavesItsColorToTheVectorOp) {
  constexpr uint32_t kColor = 3;
  Image im;
  im.width = 1, im.height = 1;
  KernelBuilder k("shared_color_blocked");
  k.task(24);
  k.vec(kVmov, 0, VSrc::d(1), VSrc::d(0), {.async = true, .done_task = kColor, .done_unblock = true});
  k.ret();
  k.task(kColor);
  k.addi(5, 5, 1);
  k.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(k.build(128)), 1u << 24, 1u << kColor);
  im.route(Rect::pe(0, 0), kColor, kWest, port_bit(kRamp));
  im.dsrs.push_back({Rect::pe(0, 0), 0, desc_word0(kDescMem, 0), desc_word1(4, 1)});
  im.dsrs.push_back({Rect::pe(0, 0), 1, desc_word0(kDescFabIn, kColor), desc_word1(4, 0)});
  InStream s;
  s.name = "in", s.x = 0, s.y = 0, s.port = kWest, s.color = kColor, s.payload = {70, 71, 72, 73};
  im.add_in_stream(s);
  std::unique_ptr<Engine> e;
  const RunResult r = run_single(im, &e);
  ASSERT_EQ(r.reason, StopReason::kQuiescent) << r.describe();
  EXPECT_EQ(e->read_sram(0, 0, 0, 4), (std::vector<uint32_t>{70, 71, 72, 73}));
  EXPECT_EQ(e->read_reg(0, 0, 5), 0u);
}

// A length-0 asynchronous op completes at issue; its completion activates its task for the next cycle's pick.
TEST(Review, LengthZeroAsyncOpActivatesItsTaskForTheNextPick) {
  Image im;
  im.width = 1, im.height = 1;
  KernelBuilder k("len0");
  k.task(24);
  k.vec(kVmov, 0, VSrc::d(1), VSrc::d(0), {.async = true, .done_task = 25});  // cycle 0
  k.ret();                                                                    // cycle 1
  k.task(25);
  k.li(7, 1);  // cycle 2
  k.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(k.build(8)), 1u << 24);
  im.dsrs.push_back({Rect::pe(0, 0), 0, desc_word0(kDescMem, 0), desc_word1(0, 1)});
  im.dsrs.push_back({Rect::pe(0, 0), 1, desc_word0(kDescMem, 0), desc_word1(0, 1)});
  auto e = test::cpu();
  e->load(im);
  run_cycles(*e, 1);
  EXPECT_EQ(e->snapshot().activated[0], 1u << 25);
  run_cycles(*e, 1);
  EXPECT_EQ(e->read_reg(0, 0, 7), 0u);
  run_cycles(*e, 1);
  EXPECT_EQ(e->read_reg(0, 0, 7), 1u);
}

// Five asynchronous vmovs: the fifth issue waits (stall: microthread) for a free microthread. The first op
// (issued in cycle 0) runs its elements in cycles 1..kLen. In cycle kLen the main thread is the only slot
// user, so the round-robin order is microthreads 1..4, then the main thread: microthread 1 finishes first
// and the waiting issue takes it in that same cycle; the next instruction runs in cycle kLen + 1.
TEST(Review, FifthAsyncIssueTakesAMicrothreadFreedEarlierInTheSameCycle) {
  constexpr uint32_t kLen = 6;
  Image im;
  im.width = 1, im.height = 1;
  KernelBuilder k("five");
  k.task(24);
  for (int i = 0; i < 5; ++i) k.vec(kVmov, 0, VSrc::d(1), VSrc::d(0), {.async = true});
  k.li(7, 1);
  k.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(k.build(16)), 1u << 24);
  im.dsrs.push_back({Rect::pe(0, 0), 0, desc_word0(kDescMem, 8), desc_word1(kLen, 1)});
  im.dsrs.push_back({Rect::pe(0, 0), 1, desc_word0(kDescMem, 0), desc_word1(kLen, 1)});
  auto e = test::cpu();
  e->load(im);
  run_cycles(*e, kLen);  // cycles 0 .. kLen - 1: the fifth issue waits from cycle 4
  EXPECT_EQ(e->snapshot().pc[0], 4u);
  run_cycles(*e, 1);  // cycle kLen: issued
  EXPECT_EQ(e->snapshot().pc[0], 5u);
  EXPECT_EQ(e->read_reg(0, 0, 7), 0u);
  run_cycles(*e, 1);  // cycle kLen + 1: li
  EXPECT_EQ(e->read_reg(0, 0, 7), 1u);
}

// vfneg flips the sign bit and vmov moves bits: neither canonicalises a NaN (both are bit operations, so
// every executor still gives the same bits); arithmetic results are canonicalised.
TEST(Review, NanBitsThroughVfnegVmovAndArithmetic) {
  Image im;
  im.width = 1, im.height = 1;
  KernelBuilder k("nan");
  k.task(24);
  k.vec(kVfneg, 0, VSrc::d(3));
  k.vec(kVmov, 1, VSrc::d(3));
  k.vec(kVfadd, 2, VSrc::d(3), VSrc::d(3));
  k.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(k.build(16)), 1u << 24);
  im.sram(Rect::pe(0, 0), 0, {0x7FC00000u, 0xFF800001u});
  for (uint8_t d = 0; d < 3; ++d)
    im.dsrs.push_back({Rect::pe(0, 0), d, desc_word0(kDescMem, 4u + 2u * d), desc_word1(2, 1)});
  im.dsrs.push_back({Rect::pe(0, 0), 3, desc_word0(kDescMem, 0), desc_word1(2, 1)});
  std::unique_ptr<Engine> e;
  ASSERT_EQ(run_single(im, &e).reason, StopReason::kQuiescent);
  EXPECT_EQ(e->read_sram(0, 0, 4, 2), (std::vector<uint32_t>{0xFFC00000u, 0x7F800001u}));  // vfneg
  EXPECT_EQ(e->read_sram(0, 0, 6, 2), (std::vector<uint32_t>{0x7FC00000u, 0xFF800001u}));  // vmov
  EXPECT_EQ(e->read_sram(0, 0, 8, 2), (std::vector<uint32_t>{0x7FC00000u, 0x7FC00000u}));  // vfadd
}

}  // namespace
}  // namespace wafer
