// Argument checks of the copy-mode host calls (Engine::read_sram, write_reg, activate, ...), shared by every
// engine so they accept and refuse exactly the same calls with the same messages. They need only the shape
// and the per-PE kernel ids, which every engine keeps on the host.
#pragma once
#include <cstdint>
#include <vector>

#include "host/engine/machine_state.h"

namespace wafer {

// Index of PE(x, y); throws wafer::Error when it is off the grid.
uint64_t checked_pe(const MachineState& s, uint32_t x, uint32_t y);
// Throws when words [addr, addr + count) are beyond the image's SRAM footprint.
void check_sram_range(const MachineState& s, uint32_t x, uint32_t y, uint32_t addr, uint32_t count);
// For a copy over a rectangle: the rectangle lies on the grid, `addr` has one address per PE (row-major)
// and every PE's words [addr, addr + count) lie in the footprint. Checks every PE before any is copied.
void check_sram_rect(const MachineState& s, Rect r, const std::vector<uint32_t>& addr, uint32_t count);
void check_reg(uint32_t reg);
// Throws unless every PE of rect runs a kernel that binds local task `task`; checks every PE before the
// caller changes any, so a refused call leaves the machine as it was.
void check_activate(const MachineState& s, Rect rect, uint32_t task);

}  // namespace wafer
