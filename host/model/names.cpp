// Human-readable names for opcodes, counters and trap causes (reports, disassembler, JSON).
#include "host/model/isa.h"
#include "host/model/state.h"

namespace wafer {

const char* op_name(uint32_t op) {
  switch (op) {
    case kNop:
      return "nop";
    case kRet:
      return "ret";
    case kJmp:
      return "jmp";
    case kBeqz:
      return "beqz";
    case kBnez:
      return "bnez";
    case kBlt:
      return "blt";
    case kLi:
      return "li";
    case kMov:
      return "mov";
    case kAdd:
      return "add";
    case kAddi:
      return "addi";
    case kSub:
      return "sub";
    case kMul:
      return "mul";
    case kAnd:
      return "and";
    case kOr:
      return "or";
    case kXor:
      return "xor";
    case kShl:
      return "shl";
    case kShr:
      return "shr";
    case kFadd:
      return "fadd";
    case kFsub:
      return "fsub";
    case kFmul:
      return "fmul";
    case kFmax:
      return "fmax";
    case kFma:
      return "fma";
    case kLd:
      return "ld";
    case kSt:
      return "st";
    case kActivate:
      return "activate";
    case kBlock:
      return "block";
    case kUnblock:
      return "unblock";
    case kSend:
      return "send";
    case kRecv:
      return "recv";
    case kDld:
      return "dld";
    case kDset0:
      return "dset0";
    case kDset1:
      return "dset1";
    case kDbase:
      return "dbase";
    case kDlen:
      return "dlen";
    case kVmov:
      return "vmov";
    case kVfadd:
      return "vfadd";
    case kVfsub:
      return "vfsub";
    case kVfmul:
      return "vfmul";
    case kVfmax:
      return "vfmax";
    case kVfneg:
      return "vfneg";
    case kVfmac:
      return "vfmac";
    case kViadd:
      return "viadd";
    default:
      return "?";
  }
}

const char* counter_name(uint32_t c) {
  static const char* names[kCounterCount] = {"busy",        "stall_fabric_in", "stall_fabric_out",
                                             "stall_slot",  "stall_thread",    "router_blocked",
                                             "wavelets_in", "wavelets_out",    "arith",
                                             "wavelets_in_north", "wavelets_in_east", "wavelets_in_south",
                                             "wavelets_in_west", "wavelets_out_north", "wavelets_out_east",
                                             "wavelets_out_south", "wavelets_out_west"};
  return c < kCounterCount ? names[c] : "?";
}

const char* trap_cause_name(uint32_t c) {
  static const char* names[kTrapCauseCount] = {"none",
                                               "SRAM access out of range",
                                               "wavelet with no route",
                                               "wavelet sent off the grid",
                                               "core sent on a color whose rx is not the ramp",
                                               "bad instruction",
                                               "bad operand",
                                               "queue overflow (internal)",
                                               "output stream overflow"};
  return c < kTrapCauseCount ? names[c] : "?";
}

}  // namespace wafer
