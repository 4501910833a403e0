#include "host/engine/host_access.h"

#include <algorithm>

#include "host/model/error.h"

namespace wafer {

namespace {
std::string pe_str(uint32_t x, uint32_t y) {
  return "PE(" + std::to_string(x) + "," + std::to_string(y) + ")";
}
}  // namespace

uint64_t checked_pe(const MachineState& s, uint32_t x, uint32_t y) {
  if (x >= s.width || y >= s.height) {
    throw Error(pe_str(x, y) + " is outside the " + std::to_string(s.width) + "x" + std::to_string(s.height) +
                " grid");
  }
  return uint64_t(y) * s.width + x;
}

void check_sram_range(const MachineState& s, uint32_t x, uint32_t y, uint32_t addr, uint32_t count) {
  if (uint64_t(addr) + count > s.sram_words) {
    throw Error("SRAM words [" + std::to_string(addr) + ", " + std::to_string(uint64_t(addr) + count) +
                ") of " + pe_str(x, y) + " are outside the image's SRAM footprint of " +
                std::to_string(s.sram_words) + " words");
  }
}

void check_sram_rect(const MachineState& s, Rect r, const std::vector<uint32_t>& addr, uint32_t count) {
  if (addr.size() != uint64_t(r.w) * r.h) {
    throw Error("internal: " + std::to_string(addr.size()) + " addresses for a " + std::to_string(r.w) + "x" +
                std::to_string(r.h) + " rectangle");
  }
  if (r.w == 0 || r.h == 0) return;
  checked_pe(s, r.x, r.y);
  checked_pe(s, uint32_t(std::min<uint64_t>(uint64_t(r.x) + r.w - 1, UINT32_MAX)),
             uint32_t(std::min<uint64_t>(uint64_t(r.y) + r.h - 1, UINT32_MAX)));
  for (uint32_t j = 0; j < r.h; ++j)
    for (uint32_t i = 0; i < r.w; ++i) check_sram_range(s, r.x + i, r.y + j, addr[uint64_t(j) * r.w + i], count);
}

void check_reg(uint32_t reg) {
  if (reg >= uint32_t(kRegs)) throw Error("register r" + std::to_string(reg) + " does not exist (r0..r15)");
}

void check_activate(const MachineState& s, Rect rect, uint32_t task) {
  if (rect.w == 0 || rect.h == 0 || uint64_t(rect.x) + rect.w > s.width ||
      uint64_t(rect.y) + rect.h > s.height) {
    throw Error("activate: rectangle outside the grid");
  }
  for (uint32_t y = rect.y; y < rect.y + rect.h; ++y) {
    for (uint32_t x = rect.x; x < rect.x + rect.w; ++x) {
      const uint64_t p = uint64_t(y) * s.width + x;
      if (s.kernel[p] == kNoKernel) throw Error("activate: " + pe_str(x, y) + " runs no kernel");
      const KernelInfo& k = s.kernels[s.kernel[p]];
      if (task < uint32_t(kFirstLocalTask) || task >= uint32_t(kTasks) || !(k.bound_mask & (1u << task))) {
        throw Error("activate: task " + std::to_string(task) + " is not a bound local task of kernel '" +
                    s.kernel_names[s.kernel[p]] + "' at " + pe_str(x, y));
      }
    }
  }
}

}  // namespace wafer
