#include "host/kernels/fc_kernel.h"

#include "host/image/kernel_builder.h"

namespace wafer {

const char* activation_name(Activation a) {
  return a == Activation::kRelu ? "relu" : "none";
}

using namespace fcreg;

const char* chain_role_name(ChainRole r) {
  switch (r) {
    case ChainRole::kSingle:
      return "single";
    case ChainRole::kStart:
      return "start";
    case ChainRole::kMiddle:
      return "middle";
    case ChainRole::kEpilogue:
      return "epilogue";
  }
  return "?";
}

ChainRole chain_role(uint32_t c, uint32_t chain_length, Activation act) {
  if (chain_length == 1) return ChainRole::kSingle;
  if (c == 0) return ChainRole::kStart;
  return c == chain_length && act == Activation::kRelu ? ChainRole::kEpilogue : ChainRole::kMiddle;
}

uint32_t chain_positions(uint32_t chain_length, Activation act) {
  return chain_length + (chain_length > 1 && act == Activation::kRelu ? 1 : 0);
}

FcSramLayout fc_sram_layout(uint32_t m, uint32_t n) {
  FcSramLayout s;
  s.acc0 = 0, s.acc1 = m, s.init = 2 * m, s.weights = 3 * m;
  s.words = 3 * m + m * n;
  return s;
}

namespace {

// The x color's data task id is the x color itself; the kernel is generated per layer so it is known.
// Issues the reduction of the finished accumulator (the one that is not current) and marks it busy.
void issue_reduction(KernelBuilder& k, ChainRole role, Activation act) {
  k.sub(kScratch, kAccSum, kAccCur);
  k.dbase(kDRed, kScratch);
  const VecOpts done{.async = true, .done_task = int(kTaskDone)};
  const bool relu = act == Activation::kRelu;
  switch (role) {
    case ChainRole::kSingle:
      if (relu)
        k.vec(kVfmax, kDOut, VSrc::d(kDRed), VSrc::r(kZero), done);
      else
        k.vec(kVmov, kDOut, VSrc::d(kDRed), VSrc::d(0), done);
      break;
    case ChainRole::kStart:
      k.vec(kVmov, kDOut, VSrc::d(kDRed), VSrc::d(0), done);
      break;
    case ChainRole::kMiddle:
      k.vec(kVfadd, kDOut, VSrc::d(kDIn), VSrc::d(kDRed), done);
      break;
    case ChainRole::kEpilogue:
      break;  // has no data task (epilogue_kernel)
  }
  k.li(kBusy, 1);
}

struct Marks {
  uint32_t x_start = 0, x_last = 0, x_wait = 0, done_start = 0, done_issue = 0, done_end = 0, epi_start = 0,
           epi_end = 0;
};

// The epilogue: one asynchronous vfmax per sample from the fabric to the fabric, re-issued by its own
// completion until the batch has passed. It is the PE's only task, so nothing delays the re-issue.
Kernel epilogue_kernel(const std::string& name, Marks* mk) {
  KernelBuilder k(name);
  k.task(kTaskEpilogue);
  mk->epi_start = k.pc();
  k.beqz(kSamplesLeft, "epilogue_end");
  k.addi(kSamplesLeft, kSamplesLeft, -1);
  k.vec(kVfmax, kDOut, VSrc::d(kDIn), VSrc::r(kZero), {.async = true, .done_task = int(kTaskEpilogue)});
  k.label("epilogue_end");
  k.ret();
  mk->epi_end = k.pc();
  return k.build(0);
}

Kernel build(const std::string& name, uint32_t x_color, ChainRole role, Activation act, uint32_t data_words,
             Marks* marks) {
  Marks mk;
  if (role == ChainRole::kEpilogue) {
    Kernel e = epilogue_kernel(name, &mk);
    e.data_words = data_words;
    if (marks) *marks = mk;
    return e;
  }
  KernelBuilder k(name);
  // Data task: r0 = x_j, r1 = j.
  k.task(x_color);
  mk.x_start = k.pc();
  k.mul(kScratch, 1, kRows);
  k.add(kScratch, kScratch, kABase);
  k.dbase(kDCol, kScratch);
  k.vec(kVfmac, kDAcc, VSrc::d(kDSrc), VSrc::d(kDCol), {.scalar_reg = 0});
  k.dbase(kDSrc, kAccCur);  // the next x of this sample accumulates
  k.addi(kXLeft, kXLeft, -1);
  k.beqz(kXLeft, "last_x");
  k.ret();
  k.label("last_x");
  mk.x_last = k.pc();
  k.mov(kXLeft, kCols);
  k.sub(kAccCur, kAccSum, kAccCur);  // swap accumulators
  k.dbase(kDAcc, kAccCur);
  k.dbase(kDSrc, kInit);  // the next sample's first x starts from the init vector
  k.bnez(kBusy, "wait");
  issue_reduction(k, role, act);
  k.ret();
  k.label("wait");
  mk.x_wait = k.pc();
  k.li(kPending, 1);
  k.block(x_color);
  k.ret();
  // A reduction completed: issue the pending one, if any.
  k.task(kTaskDone);
  mk.done_start = k.pc();
  k.li(kBusy, 0);
  k.beqz(kPending, "done_ret");
  mk.done_issue = k.pc();
  k.li(kPending, 0);
  issue_reduction(k, role, act);
  k.unblock(x_color);
  k.label("done_ret");
  mk.done_end = k.pc();
  k.ret();
  if (marks) *marks = mk;
  return k.build(data_words);
}

}  // namespace

Kernel fc_kernel(const std::string& name, uint32_t x_color, ChainRole role, Activation act,
                 uint32_t data_words) {
  return build(name, x_color, role, act, data_words, nullptr);
}

FcKernelCounts fc_kernel_counts(ChainRole role, Activation act) {
  Marks mk;
  build("count", 0, role, act, 0, &mk);
  FcKernelCounts c;
  // An x that is not the last runs x_start .. its ret; the last one skips that ret and runs x_last ..
  // the ret before `wait`.
  c.per_x = mk.x_last - mk.x_start;
  // last x: the same minus its ret, plus x_last .. the ret before `wait` (issue path).
  c.last_x_extra = (mk.x_wait - mk.x_last) - 1;
  c.done_task = 3;  // li, beqz, ret
  c.done_issue = mk.done_end - mk.done_start + 1;
  Marks em;
  epilogue_kernel("count", &em);
  c.epilogue_task = em.epi_end - em.epi_start;
  return c;
}

}  // namespace wafer
