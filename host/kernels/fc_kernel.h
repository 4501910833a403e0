// The fully connected layer kernel: weight-stationary, samples streamed, layers pipelined on the fabric.
//
// A layer y = act(W x + b) (W is M x N) runs on a K x C block of PEs seen in its own frame: K *lanes*
// split the M outputs (BlockSplit), C *chain positions* split the N inputs. PE (lane l, chain c) holds the
// m_l x n_c block W[rows of l, cols of c] column-major, stationary for the whole run.
//  - x: chain position c's slice of every sample arrives on the layer's x color at lane 0 and is
//    broadcast across the lanes (multicast to the core and on). Each x_j runs the data task, which does
//    acc += W[:, j] * x_j (vfmac, one element per cycle; the first x of a sample starts from the init
//    vector instead of acc: the bias at chain position 0, zeros elsewhere, so the bias costs nothing).
//  - After the sample's last x the PE swaps its two accumulators (sample k+1 accumulates into the other
//    one) and issues the reduction of sample k asynchronously: partial sums flow along the chain, each
//    PE adding what arrives from its predecessor to its own and sending on (two colors alternating by
//    chain parity). The chain end applies the activation and sends the lane's m_l outputs, index i for
//    element i, out of the layer: they are the next layer's x for its chain position l.
//  - One reduction is in flight per PE. If sample k's x are done while sample k-1's reduction is still
//    running, the data task sets `pending` and blocks itself; the reduction's completion task issues the
//    pending one and unblocks it. This guards the accumulator that sample k+1 would overwrite and keeps
//    two reductions from popping the same fabric color. (A local task cannot run while x keeps arriving:
//    data tasks have lower ids, so the completion task runs when the data task blocks or goes idle; the
//    state is kept in registers so no wake-up is lost.)
// Sparse variant (FcKernelOptions::sparse_in, what the mapper uses): zeros never travel. The sender's
// fabric-output descriptor skips elements equal to +-0, so x_j arrives only when it is non-zero, with its
// index j, and the data task picks W's column j from the index (as the dense kernel already does). A sample's
// end can then not be counted; instead every sample ends with the *sentinel*, a wavelet with index n (one past
// the last column) and payload +inf, which is never zero so it survives skip-zeros. The sender makes it for
// free: its accumulators and init vector have one more element, m, that no vfmac touches, seeded with +inf at
// chain position 0 and 0 elsewhere, so the reduction (m + 1 elements long) carries inf + 0 + ... = inf to the
// chain's end (and max(inf, 0) = inf through the ReLU). A sample whose x are all zero still ends, and reduces
// its init vector (the bias), because the reduction reads the descriptor the next vfmac would read (init until
// the sample's first x, the accumulator after). Slot cost per sample: the same 8 instructions per x that
// arrives and 16 per sample as the dense kernel, plus one element of reduction (the sentinel's).
// Docs: docs/mapper.md (the kernel, its cycle counts and the cost model built on them). Used by the
// mapper (one layer per network layer) and by the GEMV example (host/kernels/gemv.h: one layer, one sample).
#pragma once
#include <cstdint>
#include <string>

#include "host/image/image.h"

namespace wafer {

enum class Activation { kNone, kRelu };
const char* activation_name(Activation a);


// Where a PE sits in its layer's reduction chain; each role is its own kernel (code shared by the PEs of
// that role in that layer). A layer with ReLU and C > 1 has one more chain position after the last
// block, the epilogue, which applies the ReLU as the sums stream through it (fabric to fabric): done on
// the last block's PE it would need a second pass over memory after the sum, and that pass could only
// start once the data task lets the core go, which would serialise it with the next sample.
enum class ChainRole {
  kSingle,    // C == 1: no partial sums arrive; sends act(acc)
  kStart,     // c == 0 < C-1: sends acc
  kMiddle,    // 0 < c <= C-1: sends in + acc
  kEpilogue,  // c == C (ReLU layers with C > 1, or any layer with a threshold): no block of W; sends max(in, 0)
              // or, with a threshold, in where |in| >= T (a scalar data task per element)
};
const char* chain_role_name(ChainRole r);
// Role of physical chain position c of a layer with C blocks along its chain; `threshold`: the layer zeroes
// outputs below a threshold (induced sparsity), which the epilogue does.
ChainRole chain_role(uint32_t c, uint32_t chain_length, Activation act, bool threshold = false);
// Physical chain positions: C, plus the epilogue for ReLU layers with C > 1 and for thresholded layers.
uint32_t chain_positions(uint32_t chain_length, Activation act, bool threshold = false);

// Registers and descriptors of the kernel (set per PE by the image; fc_kernel.cpp writes them).
namespace fcreg {
inline constexpr uint8_t kRows = 2;      // m: rows of the local block
inline constexpr uint8_t kXLeft = 3;     // x of the current sample still to come
inline constexpr uint8_t kABase = 4;     // SRAM word of W's first column
inline constexpr uint8_t kCols = 5;      // n: x per sample
inline constexpr uint8_t kAccCur = 6;    // base of the accumulator the current sample uses
inline constexpr uint8_t kAccSum = 7;    // sum of the two accumulators' bases (swap: cur = sum - cur)
inline constexpr uint8_t kBusy = 8;      // 1 while a reduction is in flight
inline constexpr uint8_t kScratch = 9;
inline constexpr uint8_t kPending = 10;  // 1 when a finished sample waits for its reduction to be issued
inline constexpr uint8_t kZero = 11;     // 0.0f: the ReLU's other operand
inline constexpr uint8_t kInit = 12;     // base of the init vector (bias or zeros)
inline constexpr uint8_t kSamplesLeft = 13;  // the epilogue: samples still to pass (the image's batch)
inline constexpr uint8_t kThreshold = 14;    // threshold epilogue: bits of T as an integer (>= 1, see fc_layer)
inline constexpr uint8_t kAbsMask = 15;      // threshold epilogue of a linear layer: 0x7FFFFFFF
inline constexpr uint8_t kDAcc = 0, kDCol = 1, kDSrc = 2, kDRed = 3, kDOut = 4, kDIn = 5;
inline constexpr uint32_t kTaskDone = 24;      // a reduction completed
inline constexpr uint32_t kTaskEpilogue = 24;  // the epilogue's only task: one sample's ReLU, then again
}  // namespace fcreg

// What a kernel is generated for beyond its role and activation.
struct FcKernelOptions {
  bool sparse_in = false;  // x arrive without zeros and a sample ends with the sentinel (index n)
  // The epilogue of a thresholded layer: a data task on in_color per element that sends it on out_color
  // (index kept) when its magnitude (ReLU: its value) is >= T, so zeros and what falls below are dropped.
  bool threshold = false;
  uint32_t in_color = 0, out_color = 0;
};

// Instruction counts of the kernel's paths, read from the generated code (the cost model uses them).
struct FcKernelCounts {
  uint32_t per_x = 0;         // data task for an x that is not the sample's last (with the vfmac issue)
  uint32_t last_x_extra = 0;  // dense: what the sample's last x adds when it issues the reduction at once
  uint32_t done_task = 0;    // the completion task when nothing is pending
  uint32_t done_issue = 0;   // the completion task when it issues a pending reduction
  uint32_t epilogue_task = 0;  // the epilogue's task (issue + ret)
  // Sparse: the sentinel's data task, issuing at once / setting pending and blocking (both with their ret).
  uint32_t sentinel_issue = 0, sentinel_wait = 0;
  // Threshold epilogue, per element: dropped / sent on.
  uint32_t drop_element = 0, keep_element = 0;
};

// Code of one role's kernel; x_color is the layer's x color (its data task id). data_words: the SRAM
// words the layer's PEs use (fc_sram_layout(m_max, n_max).words). The epilogue's task must start
// activated (Placement::activate_mask bit kTaskEpilogue) with kSamplesLeft = the batch, so that the
// machine is quiescent once the batch has passed; the threshold epilogue is a data task and needs neither.
Kernel fc_kernel(const std::string& name, uint32_t x_color, ChainRole role, Activation act,
                 uint32_t data_words, const FcKernelOptions& options = {});
FcKernelCounts fc_kernel_counts(ChainRole role, Activation act, const FcKernelOptions& options = {});

// SRAM layout of a PE with an m x n block: two accumulators, the init vector, W column-major. sentinel:
// the accumulators and the init vector have one more element (the sentinel's, element m).
struct FcSramLayout {
  uint32_t acc0 = 0, acc1 = 0, init = 0, weights = 0, words = 0;
};
FcSramLayout fc_sram_layout(uint32_t m, uint32_t n, bool sentinel = false);

// The sentinel's payload: +inf, never zero (skip-zeros keeps it), inf + 0 = inf along the chain,
// max(inf, 0) = inf through the ReLU, and no finite threshold drops it.
inline constexpr uint32_t kFcSentinelBits = 0x7F800000u;

}  // namespace wafer
