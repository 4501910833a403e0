// The emulated machine's state, as structure-of-arrays views shared by both engines.
//
// Every per-PE field is an array of `count * n` elements; element k of PE p lives at [k * n + p], so
// neighbouring PEs touch neighbouring addresses (coalesced on the GPU). SRAM is word-interleaved the same
// way: word w of PE p at sram[w * n + p]. The field list below is the single source of truth: storage,
// device copies, whole-state comparison and hashing all iterate it.
#pragma once
#include <cstdint>

#include "host/model/constants.h"
#include "host/model/hd.h"
#include "host/model/isa.h"

namespace wafer {

inline constexpr int kOpSlotWords = 8;  // words per in-flight vector-op slot (layout in cycle.h)

// Per-PE counters kept by the cycle function. Idle cycles are derived: cycles - busy - stalls.
enum Counter : uint32_t {
  kCtrBusy = 0,        // core advanced (instruction or vector element)
  kCtrStallFabricIn,   // core had work but waited on an empty fabric input
  kCtrStallFabricOut,  // ... on a full fabric output
  kCtrStallSlot,       // ... on the arithmetic slot, taken by another op
  kCtrStallThread,     // ... for a free microthread
  kCtrRouterBlocked,   // router had a wavelet it could not move (no credit or port taken)
  kCtrWaveletsIn,      // wavelets taken in from the four links
  kCtrWaveletsOut,     // wavelets put on the four links (a multicast counts once per link)
  kCtrArith,           // uses of the arithmetic slot (scalar instructions + arithmetic elements)
  // The same wavelets per port: kCtrInNorth + d for a wavelet taken in from direction d (Port order N, E,
  // S, W; the off-grid side of an edge PE included), kCtrOutNorth + d for one put on the link toward d.
  kCtrInNorth,
  kCtrInEast,
  kCtrInSouth,
  kCtrInWest,
  kCtrOutNorth,
  kCtrOutEast,
  kCtrOutSouth,
  kCtrOutWest,
  kCounterCount
};
const char* counter_name(uint32_t c);

enum TrapCause : uint32_t {
  kTrapNone = 0,
  kTrapSramRange,  // SRAM access outside the PE's data memory (value = word address)
  kTrapNoRoute,    // wavelet arrived on a port that is not its color's rx (value = color | port<<8)
  kTrapOffGrid,    // wavelet routed off the grid where no output stream is attached (value = color | port<<8)
  kTrapRampNotRx,  // core sent on a color whose rx is not the ramp (value = color)
  kTrapBadInstr,   // unknown opcode or pc outside the kernel (value = opcode or pc)
  kTrapBadOperand,      // invalid descriptor, register, task id or color (value = the operand)
  kTrapQueueOverflow,   // internal invariant: a credit-checked queue overflowed (value = color)
  kTrapStreamOverflow,  // an output stream received more than its capacity (value = stream id)
  kTrapCauseCount
};
const char* trap_cause_name(uint32_t c);

// PE flag bits.
inline constexpr uint32_t kFlagTrapped = 1u << 0;
inline constexpr uint32_t kFlagHasWork = 1u << 1;  // not idle: must be stepped next cycle

// X(type, name, elements per PE)
#define WAFER_PE_FIELDS(X)                                                                      \
  X(uint32_t, flags, 1)     /* kFlag* */                                                        \
  X(uint32_t, kernel, 1)    /* kernel id or kNoKernel */                                        \
  X(uint32_t, pc, 1)        /* next instruction of the running task */                          \
  X(uint32_t, task, 1)      /* running task id or kNoTask */                                    \
  X(uint32_t, activated, 1) /* local tasks activated (bit = task id) */                         \
  X(uint32_t, blocked, 1)   /* tasks blocked (bit = task id) */                                 \
  X(uint32_t, rr, 1)        /* bits 0..7 router color pointer, 8..15 slot pointer */            \
  X(uint32_t, lastsent, 1)  /* per direction 8 bits: 0x80 | color sent last cycle */            \
  X(uint32_t, regs, kRegs)                                                                      \
  X(uint32_t, dsr, kDsrs* kDsrWords)                                                            \
  X(uint32_t, ops, kOpSlots* kOpSlotWords)                                                      \
  X(uint64_t, occ, 2) /* router queue counts, 2 bits per color, double-buffered */              \
  X(uint32_t, rq_pay, kColors* kQueueDepth)                                                     \
  X(uint32_t, rq_meta, kColors* kQueueDepth)                                                    \
  X(uint64_t, cq_count, 1) /* core input queue counts, 2 bits per color */                      \
  X(uint32_t, cq_pay, kColors* kQueueDepth)                                                     \
  X(uint32_t, cq_meta, kColors* kQueueDepth)                                                    \
  X(uint32_t, route, kColors / 4)   /* 8 bits per color: rx (bits 0..2), tx mask (bits 3..7) */ \
  X(uint32_t, link_pay, 2 * kDirs)  /* outgoing link registers [buffer * 4 + direction] */      \
  X(uint32_t, link_meta, 2 * kDirs) /* kLinkValid | color << 16 | ctrl << 21 | index */         \
  X(uint64_t, ctr, kCounterCount)                                                               \
  X(uint64_t, trap_cycle, 1)                                                                    \
  X(uint32_t, trap_cause, 1)                                                                    \
  X(uint32_t, trap_pc, 1)                                                                       \
  X(uint32_t, trap_value, 1)

// Wavelet metadata word (queues and links). Queues hold index | ctrl; links add color and valid.
inline constexpr uint32_t kLinkValid = 1u << 31;
inline constexpr uint32_t kMetaCtrl = 1u << 21;
WAFER_HD inline uint32_t meta_index(uint32_t meta) {
  return meta & 0xFFFFu;
}
WAFER_HD inline uint32_t meta_color(uint32_t meta) {
  return (meta >> 16) & 0x1Fu;
}

// Route byte of a color: rx port (kNoPort = no route) and tx port mask.
WAFER_HD inline uint32_t route_byte(uint32_t rx, uint32_t tx_mask) {
  return (rx & 7u) | ((tx_mask & 31u) << 3);
}
WAFER_HD inline uint32_t route_rx(uint32_t byte) {
  return byte & 7u;
}
WAFER_HD inline uint32_t route_tx(uint32_t byte) {
  return (byte >> 3) & 31u;
}
inline constexpr uint32_t kNoRouteByte = kNoPort;  // rx = none, tx = {}

// Shared read-only table entry of a kernel.
struct KernelInfo {
  uint32_t code_offset;    // first instruction in the shared code array
  uint32_t code_len;       // instructions
  uint32_t mem_limit;      // data words a PE running it may address: [0, mem_limit)
  uint32_t bound_mask;     // tasks with a handler
  uint32_t entry[kTasks];  // entry pc per task, kUnbound if none
};

// A host input stream: feeds wavelets into an edge PE's off-grid port. A port passes at most one wavelet
// per cycle; streams that share it (each on colors of its own) form a group, which its leader (the
// group's lowest stream index) serves: each cycle it offers the port to the members in turn, starting at
// member t mod size, and injects the first head wavelet whose color's queue has room, so a stream whose
// receiver is full never holds up the others.
struct InStreamInfo {
  uint32_t pe;    // edge PE
  uint32_t port;  // off-grid direction at that PE
  uint32_t color;   // the stream's color; each wavelet's own is in its meta word (in_data_meta)
  uint32_t slot;    // edge slot (see edge_slot)
  uint64_t offset;  // first wavelet in in_data_*
  uint64_t length;
  uint32_t leader;      // the group's leader (this stream's own index when alone)
  uint32_t next;        // the next member of the group, circularly (itself when alone)
  uint32_t group_size;  // members sharing the port (1 when alone)
  uint32_t pad;
};

// A host output stream: collects every wavelet an edge PE sends through an off-grid port.
struct OutStreamInfo {
  uint32_t pe;
  uint32_t port;
  uint32_t slot;
  uint32_t pad;
  uint64_t offset;  // first element in out_data_*
  uint64_t capacity;
};

// Views of the whole machine. Plain pointers: the CPU engine points them at host vectors, the CUDA engine
// at device memory. The cycle function reads and writes through this struct only.
struct MachineView {
  uint32_t width = 0, height = 0, n = 0;
  uint32_t sram_words = 0;  // words allocated per PE
#define WAFER_DECLARE_PTR(type, name, count) type* name = nullptr;
  WAFER_PE_FIELDS(WAFER_DECLARE_PTR)
#undef WAFER_DECLARE_PTR
  uint32_t* sram = nullptr;

  const KernelInfo* kernels = nullptr;
  const Instr* code = nullptr;

  // Off-grid links, one slot per edge port (edge_slot), double-buffered like PE links.
  uint32_t* edge_in_pay = nullptr;  // [buffer * slots + slot]: written by input streams
  uint32_t* edge_in_meta = nullptr;
  uint32_t* edge_out_pay = nullptr;  // written by edge PEs, drained by output streams
  uint32_t* edge_out_meta = nullptr;
  const int32_t* edge_out_stream = nullptr;  // per slot: output stream id or -1

  uint32_t in_count = 0, out_count = 0;
  const InStreamInfo* in_info = nullptr;
  const uint32_t* in_data_pay = nullptr;
  const uint32_t* in_data_meta = nullptr;  // index | color << 16 | ctrl
  uint64_t* in_pos = nullptr;              // next wavelet to inject
  uint32_t* in_sent_last = nullptr;        // color + 1 injected last cycle at the port, 0 if none (leaders)
  const OutStreamInfo* out_info = nullptr;
  uint32_t* out_data_pay = nullptr;
  uint32_t* out_data_meta = nullptr;
  uint64_t* out_received = nullptr;
  uint32_t* out_overflow = nullptr;  // set once a stream exceeded its capacity

  WAFER_HD uint32_t edge_slots() const {
    return 2 * width + 2 * height;
  }
};

// Edge slot of PE (x, y)'s off-grid port d; slots number the north edge, south, west, east in turn.
WAFER_HD inline uint32_t edge_slot(uint32_t width, uint32_t height, uint32_t x, uint32_t y, uint32_t d) {
  switch (d) {
    case kNorth:
      return x;
    case kSouth:
      return width + x;
    case kWest:
      return 2 * width + y;
    default:
      return 2 * width + height + y;
  }
}

}  // namespace wafer
