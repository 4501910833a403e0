// Exact timing rules of docs/machine-model.md, each pinned at t-1 (absent) and t (present).
#include "tests/host/test_util.h"

namespace wafer {
namespace {

using test::core_queue_count;
using test::run_cycles;

constexpr uint32_t kColor = 3;

// PE(0,0) sends one wavelet on kColor in cycle 0; it travels `hops` PEs east to the core of PE(hops, 0).
Image hop_image(uint32_t hops) {
  Image im;
  im.width = hops + 1, im.height = 1;
  KernelBuilder k("sender");
  k.task(24);
  k.li(2, 77);  // cycle 0: payload
  k.send(kColor, 2, 3);
  k.ret();
  const uint32_t kid = im.add_kernel(k.build(0));
  im.place(Rect::pe(0, 0), kid, 1u << 24);
  im.route(Rect::pe(0, 0), kColor, kRamp, port_bit(kEast));
  if (hops > 1) im.route({1, 0, hops - 1, 1}, kColor, kWest, port_bit(kEast));
  im.route(Rect::pe(hops, 0), kColor, kWest, port_bit(kRamp));
  return im;
}

// The send executes in cycle 1 (cycle 0 runs `li`), so the wavelet reaches the core queue k hops away at
// the end of cycle 1 + k: present after 2 + k cycles have run, absent after 1 + k.
void check_hop_latency(uint32_t hops) {
  auto e = test::cpu();
  e->load(hop_image(hops));
  const uint64_t arrive = 1 + hops;  // cycle index in which it enters the destination core queue
  run_cycles(*e, arrive);            // cycles 0 .. arrive-1
  EXPECT_EQ(core_queue_count(e->snapshot(), hops, 0, kColor), 0u) << "present one cycle early, hops=" << hops;
  run_cycles(*e, 1);  // cycle `arrive`
  const MachineState s = e->snapshot();
  ASSERT_EQ(core_queue_count(s, hops, 0, kColor), 1u) << "absent at the documented cycle, hops=" << hops;
  EXPECT_EQ(s.cq_pay[uint64_t(kColor * kQueueDepth) * s.n + hops], 77u);
}

TEST(Timing, OneHopArrivesAtExactCycle) {
  check_hop_latency(1);
}
TEST(Timing, LongPathArrivesAtExactCycle) {
  check_hop_latency(97);
}

TEST(Timing, MulticastDeliversToEveryTargetInTheSameCycle) {
  Image im;
  im.width = 3, im.height = 3;
  KernelBuilder k("sender");
  k.task(24);
  k.send(kColor, 2, 3);  // cycle 0
  k.ret();
  const uint32_t kid = im.add_kernel(k.build(0));
  im.place(Rect::pe(1, 1), kid, 1u << 24);
  im.route(Rect::pe(1, 1), kColor, kRamp,
           port_bit(kNorth) | port_bit(kEast) | port_bit(kSouth) | port_bit(kWest));
  im.route(Rect::pe(1, 0), kColor, kSouth, port_bit(kRamp));
  im.route(Rect::pe(2, 1), kColor, kWest, port_bit(kRamp));
  im.route(Rect::pe(1, 2), kColor, kNorth, port_bit(kRamp));
  im.route(Rect::pe(0, 1), kColor, kEast, port_bit(kRamp));
  auto e = test::cpu();
  e->load(im);
  const uint32_t targets[4][2] = {{1, 0}, {2, 1}, {1, 2}, {0, 1}};
  run_cycles(*e, 1);  // cycle 0: sent
  for (auto& t : targets) EXPECT_EQ(core_queue_count(e->snapshot(), t[0], t[1], kColor), 0u);
  run_cycles(*e, 1);  // cycle 1: all four arrive
  const MachineState s = e->snapshot();
  for (auto& t : targets) EXPECT_EQ(core_queue_count(s, t[0], t[1], kColor), 1u) << t[0] << "," << t[1];
  EXPECT_EQ(e->counter_totals()[kCtrWaveletsOut], 4u);  // a multicast counts once per link
}

// A synchronous vector op issued in cycle 0 writes element i in cycle 1 + i.
void check_one_element_per_cycle(uint8_t op) {
  constexpr uint32_t kLen = 12, kSrc = 0, kDst = 64;
  Image im;
  im.width = 1, im.height = 1;
  KernelBuilder k("vec");
  k.task(24);
  k.vec(op, 0, VSrc::d(1), VSrc::d(1));
  k.ret();
  const uint32_t kid = im.add_kernel(k.build(128));
  im.place(Rect::pe(0, 0), kid, 1u << 24);
  im.dsrs.push_back({Rect::pe(0, 0), 0, desc_word0(kDescMem, kDst), desc_word1(kLen, 1)});
  im.dsrs.push_back({Rect::pe(0, 0), 1, desc_word0(kDescMem, kSrc), desc_word1(kLen, 1)});
  std::vector<uint32_t> src(kLen);
  for (uint32_t i = 0; i < kLen; ++i) src[i] = test::fbits(float(i + 1));
  im.sram(Rect::pe(0, 0), kSrc, src);
  auto e = test::cpu();
  e->load(im);
  run_cycles(*e, 1);  // cycle 0: issue
  for (uint32_t i = 0; i < kLen; ++i) {
    EXPECT_EQ(e->read_sram(0, 0, kDst + i, 1)[0], 0u) << "element " << i << " written early";
    run_cycles(*e, 1);  // cycle 1 + i
    EXPECT_NE(e->read_sram(0, 0, kDst + i, 1)[0], 0u) << "element " << i << " not written in cycle " << 1 + i;
  }
  // The task's ret runs in cycle 1 + kLen; the PE is then idle.
  const RunResult r = test::run_quiet(*e);
  EXPECT_EQ(r.reason, StopReason::kQuiescent);
  EXPECT_EQ(e->cycle(), 1u + kLen + 1u);
}

TEST(Timing, VectorMoveOneElementPerCycle) {
  check_one_element_per_cycle(kVmov);
}
TEST(Timing, VectorAddOneElementPerCycle) {
  check_one_element_per_cycle(kVfadd);
}

// Two asynchronous ops of length L issued back to back, then ret. Arithmetic ops share the one slot with
// the issues and the ret: 2L + 3 slot uses, one per cycle, so both finish in cycle 2L + 2. Moves need no
// slot and overlap: they finish in cycle L + 1.
struct TwoOps {
  uint64_t last_cycle;  // the last cycle that did work
  uint64_t arith_uses;  // kCtrArith
};

TwoOps run_two_ops(uint8_t op, uint32_t len) {
  Image im;
  im.width = 1, im.height = 1;
  KernelBuilder k("two_ops");
  k.task(24);
  k.vec(op, 0, VSrc::d(2), VSrc::d(2), {.async = true});
  k.vec(op, 1, VSrc::d(2), VSrc::d(2), {.async = true});
  k.ret();
  const uint32_t kid = im.add_kernel(k.build(3 * len));
  im.place(Rect::pe(0, 0), kid, 1u << 24);
  im.dsrs.push_back({Rect::pe(0, 0), 0, desc_word0(kDescMem, len), desc_word1(len, 1)});
  im.dsrs.push_back({Rect::pe(0, 0), 1, desc_word0(kDescMem, 2 * len), desc_word1(len, 1)});
  im.dsrs.push_back({Rect::pe(0, 0), 2, desc_word0(kDescMem, 0), desc_word1(len, 1)});
  auto e = test::cpu();
  e->load(im);
  const RunResult r = test::run_quiet(*e);
  EXPECT_EQ(r.reason, StopReason::kQuiescent) << r.describe();
  return {e->cycle() - 1, e->counter_totals()[kCtrArith]};
}

TEST(Timing, ArithmeticSlotIsSharedMovesAreNot) {
  constexpr uint32_t L = 10;
  const TwoOps add = run_two_ops(kVfadd, L), mov = run_two_ops(kVmov, L);
  EXPECT_EQ(add.last_cycle, 2 * L + 2);
  EXPECT_EQ(add.arith_uses, 2 * L + 3);
  EXPECT_EQ(mov.last_cycle, L + 1);
  EXPECT_EQ(mov.arith_uses, 3u);  // the two issues and the ret
}

// A wavelet relayed through cores (vmov fabric-in -> fabric-out on every PE in between) costs one more
// cycle per core it passes: sent by PE(0,0) in cycle 0, through the cores of PE(1..k-1, 0), it reaches the
// core queue of PE(k, 0) in cycle 2k - 1 (routed past the cores it would be cycle k).
TEST(Timing, RelayThroughCoresCostsTwoCyclesPerHop) {
  constexpr uint32_t k = 5;
  Image im;
  im.width = k + 1, im.height = 1;
  KernelBuilder s("sender");
  s.task(24);
  s.send(1, 2, 3);  // cycle 0, color 1
  s.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(s.build(0)), 1u << 24);
  KernelBuilder r("relay");
  r.task(24);
  r.vec(kVmov, 0, VSrc::d(1));  // issued in cycle 0; waits for its one element
  r.ret();
  const uint32_t relay = im.add_kernel(r.build(0));
  im.route(Rect::pe(0, 0), 1, kRamp, port_bit(kEast));
  for (uint32_t x = 1; x < k; ++x) {
    const uint32_t in = 1 + (x + 1) % 2, out = 1 + x % 2;  // colors alternate so rx differ per PE
    im.place(Rect::pe(x, 0), relay, 1u << 24);
    im.route(Rect::pe(x, 0), in, kWest, port_bit(kRamp));
    im.route(Rect::pe(x, 0), out, kRamp, port_bit(kEast));
    im.dsrs.push_back({Rect::pe(x, 0), 0, desc_word0(kDescFabOut, out), desc_word1(1, 0)});
    im.dsrs.push_back({Rect::pe(x, 0), 1, desc_word0(kDescFabIn, in), desc_word1(1, 0)});
  }
  const uint32_t last_color = 1 + (k + 1) % 2;
  im.route(Rect::pe(k, 0), last_color, kWest, port_bit(kRamp));
  auto e = test::cpu();
  e->load(im);
  run_cycles(*e, 2 * k - 1);
  EXPECT_EQ(core_queue_count(e->snapshot(), k, 0, last_color), 0u);
  run_cycles(*e, 1);
  EXPECT_EQ(core_queue_count(e->snapshot(), k, 0, last_color), 1u);
}

}  // namespace
}  // namespace wafer
