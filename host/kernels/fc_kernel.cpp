#include "host/kernels/fc_kernel.h"

#include <functional>

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

ChainRole chain_role(uint32_t c, uint32_t chain_length, Activation act, bool threshold) {
  if (c == chain_length && chain_positions(chain_length, act, threshold) > chain_length) return ChainRole::kEpilogue;
  if (chain_length == 1) return ChainRole::kSingle;
  return c == 0 ? ChainRole::kStart : ChainRole::kMiddle;
}

uint32_t chain_positions(uint32_t chain_length, Activation act, bool threshold) {
  return chain_length + ((chain_length > 1 && act == Activation::kRelu) || threshold ? 1 : 0);
}

FcSramLayout fc_sram_layout(uint32_t m, uint32_t n, bool sentinel) {
  const uint32_t a = m + (sentinel ? 1 : 0);  // an accumulator's length
  FcSramLayout s;
  s.acc0 = 0, s.acc1 = a, s.init = 2 * a, s.weights = 3 * a;
  s.words = 3 * a + m * n;
  return s;
}

namespace {

// The x color's data task id is the x color itself; the kernel is generated per layer so it is known.
// The reduction's vector op, reading the finished sums through descriptor `src`, and marks it busy.
void reduction_op(KernelBuilder& k, ChainRole role, Activation act, uint8_t src) {
  const VecOpts done{.async = true, .done_task = int(kTaskDone)};
  const bool relu = act == Activation::kRelu;
  switch (role) {
    case ChainRole::kSingle:
      if (relu)
        k.vec(kVfmax, kDOut, VSrc::d(src), VSrc::r(kZero), done);
      else
        k.vec(kVmov, kDOut, VSrc::d(src), VSrc::d(0), done);
      break;
    case ChainRole::kStart:
      k.vec(kVmov, kDOut, VSrc::d(src), VSrc::d(0), done);
      break;
    case ChainRole::kMiddle:
      k.vec(kVfadd, kDOut, VSrc::d(kDIn), VSrc::d(src), done);
      break;
    case ChainRole::kEpilogue:
      break;  // has no data task (epilogue_kernel)
  }
  k.li(kBusy, 1);
}

// Dense variant: issues the reduction of the finished accumulator (the one that is not current).
void issue_reduction(KernelBuilder& k, ChainRole role, Activation act) {
  k.sub(kScratch, kAccSum, kAccCur);
  k.dbase(kDRed, kScratch);
  reduction_op(k, role, act, kDRed);
}

struct Marks {
  uint32_t x_start = 0, x_last = 0, x_wait = 0, done_start = 0, done_issue = 0, done_end = 0, epi_start = 0,
           epi_end = 0, sentinel = 0;
};

// The end of a sample (both variants): issue the reduction at once if none is in flight, else set
// `pending` and block the data task; the completion task then issues the pending one and unblocks.
void issue_or_wait(KernelBuilder& k, uint32_t x_color, const std::function<void()>& issue, Marks& mk) {
  k.bnez(kBusy, "wait");
  issue();
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
  issue();
  k.unblock(x_color);
  k.label("done_ret");
  mk.done_end = k.pc();
  k.ret();
}

// Sparse variant: the reduction reads kDSrc, the descriptor the sample's next vfmac would read: the init
// vector when no x arrived (an all-zero input reduces the bias), the accumulator otherwise. Then the swap
// (descriptors are copied at issue, so changing them after is safe).
void issue_sparse_reduction(KernelBuilder& k, ChainRole role, Activation act) {
  reduction_op(k, role, act, kDSrc);
  k.sub(kAccCur, kAccSum, kAccCur);  // swap accumulators
  k.dbase(kDAcc, kAccCur);
  k.dbase(kDSrc, kInit);  // the next sample's first x starts from the init vector
}

// The epilogue of a thresholded layer: per element (r0 = value, r1 = index) send it on unless its bits,
// read as a signed integer, are below T's. For values >= 0 the integer order of the bits is the float order;
// negative values (and -0) have the sign bit, so they are below any T > 0: the compare is the ReLU and the
// threshold at once, and +-0 are dropped too (T >= the smallest denormal). A linear layer compares the
// magnitude (sign bit masked). The sentinel, +inf, passes any finite T.
Kernel threshold_epilogue_kernel(const std::string& name, Activation act, const FcKernelOptions& o, Marks* mk) {
  KernelBuilder k(name);
  k.task(o.in_color);
  mk->epi_start = k.pc();
  if (act == Activation::kRelu) {
    k.blt(0, kThreshold, "drop");
  } else {
    k.emit(kAnd, kScratch, 0, kAbsMask);
    k.blt(kScratch, kThreshold, "drop");
  }
  k.send(o.out_color, 0, 1);
  k.label("drop");
  k.ret();
  mk->epi_end = k.pc();
  return k.build(0);
}

// The sparse receiving side: x arrive with their index, non-zero ones only; index n is the sentinel.
Kernel build_sparse(const std::string& name, uint32_t x_color, ChainRole role, Activation act, uint32_t data_words,
                    Marks* marks) {
  Marks mk;
  KernelBuilder k(name);
  k.task(x_color);
  mk.x_start = k.pc();
  k.sub(kScratch, 1, kCols);
  k.beqz(kScratch, "sentinel");
  k.mul(kScratch, 1, kRows);
  k.add(kScratch, kScratch, kABase);
  k.dbase(kDCol, kScratch);
  k.vec(kVfmac, kDAcc, VSrc::d(kDSrc), VSrc::d(kDCol), {.scalar_reg = 0});
  k.dbase(kDSrc, kAccCur);  // the next x of this sample accumulates
  k.ret();
  k.label("sentinel");
  mk.sentinel = k.pc();
  issue_or_wait(k, x_color, [&] { issue_sparse_reduction(k, role, act); }, mk);
  if (marks) *marks = mk;
  return k.build(data_words);
}

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
             const FcKernelOptions& o, Marks* marks) {
  Marks mk;
  if (role == ChainRole::kEpilogue) {
    Kernel e = o.threshold ? threshold_epilogue_kernel(name, act, o, &mk) : epilogue_kernel(name, &mk);
    e.data_words = data_words;
    if (marks) *marks = mk;
    return e;
  }
  if (o.sparse_in) return build_sparse(name, x_color, role, act, data_words, marks);
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
  issue_or_wait(k, x_color, [&] { issue_reduction(k, role, act); }, mk);
  if (marks) *marks = mk;
  return k.build(data_words);
}

}  // namespace

Kernel fc_kernel(const std::string& name, uint32_t x_color, ChainRole role, Activation act,
                 uint32_t data_words, const FcKernelOptions& options) {
  return build(name, x_color, role, act, data_words, options, nullptr);
}

FcKernelCounts fc_kernel_counts(ChainRole role, Activation act, const FcKernelOptions& options) {
  Marks mk;
  FcKernelCounts c;
  if (role == ChainRole::kEpilogue && options.threshold) {
    build("count", 0, role, act, 0, options, &mk);
    c.keep_element = mk.epi_end - mk.epi_start;  // every instruction; a dropped one skips the send
    c.drop_element = c.keep_element - 1;
    return c;
  }
  if (options.sparse_in && role != ChainRole::kEpilogue) {
    build("count", 0, role, act, 0, options, &mk);
    c.per_x = mk.sentinel - mk.x_start;                // x_start .. its ret (the sentinel test included)
    c.sentinel_issue = 2 + (mk.x_wait - mk.sentinel);  // the test, then bnez .. ret
    c.sentinel_wait = 2 + 1 + 3;                       // the test, bnez, then li, block, ret
    c.done_task = 3;
    c.done_issue = mk.done_end - mk.done_start + 1;
    Marks em;
    epilogue_kernel("count", &em);
    c.epilogue_task = em.epi_end - em.epi_start;
    return c;
  }
  build("count", 0, role, act, 0, options, &mk);
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
