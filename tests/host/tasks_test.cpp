// Tasks: data tasks per wavelet, local activation, block/unblock, priority by id, async completion.
#include "tests/host/test_util.h"

namespace wafer {
namespace {

TEST(Tasks, DataTaskRunsOncePerWaveletWithPayloadAndIndex) {
  constexpr uint32_t kColor = 7;
  Image im;
  im.width = 1, im.height = 1;
  KernelBuilder k("store_by_index");
  k.task(kColor);
  k.st(0, 1, 0);    // sram[index] = payload
  k.addi(5, 5, 1);  // count runs
  k.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(k.build(64)));
  im.route(Rect::pe(0, 0), kColor, kWest, port_bit(kRamp));
  InStream s;
  s.name = "in", s.x = 0, s.y = 0, s.port = kWest, s.color = kColor;
  s.payload = {11, 22, 33, 44, 55};
  s.index = {40, 3, 17, 0, 63};
  im.add_in_stream(s);
  auto e = test::cpu();
  e->load(im);
  ASSERT_EQ(test::run_quiet(*e).reason, StopReason::kQuiescent);
  for (size_t i = 0; i < s.payload.size(); ++i) EXPECT_EQ(e->read_sram(0, 0, s.index[i], 1)[0], s.payload[i]);
  EXPECT_EQ(e->read_reg(0, 0, 5), 5u);
}

// Each task appends its id to a log in SRAM: log[r7++] = id.
void log_task(KernelBuilder& k, uint32_t id) {
  k.li(8, int32_t(id));
  k.st(8, 7, 0);
  k.addi(7, 7, 1);
}

std::vector<uint32_t> run_log(Image im, size_t entries) {
  auto e = test::cpu();
  e->load(im);
  const RunResult r = test::run_quiet(*e);
  EXPECT_EQ(r.reason, StopReason::kQuiescent) << r.describe();
  EXPECT_EQ(e->read_reg(0, 0, 7), entries);
  return e->read_sram(0, 0, 0, uint32_t(entries));
}

TEST(Tasks, ActivationPriorityByIdAndBlockUnblock) {
  Image im;
  im.width = 1, im.height = 1;
  KernelBuilder k("tasks");
  k.task(24);
  log_task(k, 24);
  k.activate(27);  // activated, but 26 (lower id) runs first
  k.activate(26);
  k.activate(25);  // 25 is blocked: it waits
  k.ret();
  k.task(26);
  log_task(k, 26);
  k.ret();
  k.task(27);
  log_task(k, 27);
  k.unblock(25);  // now 25 (lowest runnable) runs next
  k.activate(28);
  k.ret();
  k.task(25);
  log_task(k, 25);
  k.ret();
  k.task(28);
  log_task(k, 28);
  k.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(k.build(16)), 1u << 24, 1u << 25);
  EXPECT_EQ(run_log(im, 5), (std::vector<uint32_t>{24, 26, 27, 25, 28}));
}

TEST(Tasks, AsyncVectorOpActivatesTaskOnCompletion) {
  constexpr uint32_t kLen = 16;
  Image im;
  im.width = 1, im.height = 1;
  KernelBuilder k("async");
  k.task(24);
  k.vec(kVmov, 0, VSrc::d(1), VSrc::d(0), {.async = true, .done_task = 25});  // cycle 0
  log_task(k, 24);                                                            // runs while the move proceeds
  k.ret();
  k.task(25);
  log_task(k, 25);
  k.ld(9, 10, 64 + kLen - 1);  // the last element moved
  k.st(9, 10, 8);
  k.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(k.build(64 + 2 * kLen)));
  im.placements.back().activate_mask = 1u << 24;
  im.dsrs.push_back({Rect::pe(0, 0), 0, desc_word0(kDescMem, 64 + kLen), desc_word1(kLen, 1)});
  im.dsrs.push_back({Rect::pe(0, 0), 1, desc_word0(kDescMem, 64), desc_word1(kLen, 1)});
  std::vector<uint32_t> src(kLen);
  for (uint32_t i = 0; i < kLen; ++i) src[i] = 900 + i;
  im.sram(Rect::pe(0, 0), 64, src);
  auto e = test::cpu();
  e->load(im);
  // The op's elements run in cycles 1..kLen; task 25 is picked in cycle kLen + 1 and its first
  // instruction (li) runs then; its ld runs 3 cycles later.
  test::run_cycles(*e, kLen + 1);
  EXPECT_EQ(e->read_reg(0, 0, 7), 1u) << "task 25 ran before the op completed";
  ASSERT_EQ(test::run_quiet(*e).reason, StopReason::kQuiescent);
  EXPECT_EQ(e->read_sram(0, 0, 0, 2), (std::vector<uint32_t>{24, 25}));
  EXPECT_EQ(e->read_sram(0, 0, 8, 1)[0], 900 + kLen - 1);
  EXPECT_EQ(e->read_sram(0, 0, 64 + kLen, kLen), src);
}

TEST(Tasks, AsyncCompletionCanUnblockATask) {
  Image im;
  im.width = 1, im.height = 1;
  KernelBuilder k("unblock_on_done");
  k.task(24);
  log_task(k, 24);
  k.activate(25);  // blocked: waits for the op
  k.vec(kVmov, 0, VSrc::d(1), VSrc::d(0), {.async = true, .done_task = 25, .done_unblock = true});
  k.ret();
  k.task(25);
  log_task(k, 25);
  k.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(k.build(64)), 1u << 24, 1u << 25);
  im.dsrs.push_back({Rect::pe(0, 0), 0, desc_word0(kDescMem, 32), desc_word1(8, 1)});
  im.dsrs.push_back({Rect::pe(0, 0), 1, desc_word0(kDescMem, 16), desc_word1(8, 1)});
  EXPECT_EQ(run_log(im, 2), (std::vector<uint32_t>{24, 25}));
}

TEST(Tasks, HostActivateLaunchesATask) {
  Image im;
  im.width = 2, im.height = 1;
  KernelBuilder k("launch");
  k.task(30);
  log_task(k, 30);
  k.ret();
  im.place({0, 0, 2, 1}, im.add_kernel(k.build(8)));
  auto e = test::cpu();
  e->load(im);
  ASSERT_EQ(test::run_quiet(*e).reason, StopReason::kQuiescent);
  EXPECT_EQ(e->read_reg(0, 0, 7), 0u);
  e->activate(Rect::pe(0, 0), 30);
  ASSERT_EQ(test::run_quiet(*e).reason, StopReason::kQuiescent);
  EXPECT_EQ(e->read_reg(0, 0, 7), 1u);
  EXPECT_EQ(e->read_reg(1, 0, 7), 0u);
  EXPECT_THROW(e->activate(Rect::pe(1, 0), 29), Error);  // not bound
}

TEST(Tasks, RejectedActivateChangesNothing) {
  Image im;
  im.width = 2, im.height = 1;
  KernelBuilder k("launch");
  k.task(30);
  k.ret();
  im.place(Rect::pe(0, 0), im.add_kernel(k.build(0)));  // PE(1,0) runs no kernel
  auto e = test::cpu();
  e->load(im);
  const uint64_t before = e->state_hash();
  EXPECT_THROW(e->activate({0, 0, 2, 1}, 30), Error);
  EXPECT_EQ(e->state_hash(), before);
}

}  // namespace
}  // namespace wafer
