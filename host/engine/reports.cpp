#include "host/engine/reports.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "host/model/cycle.h"
#include "host/model/error.h"

namespace wafer {

const char* stop_reason_name(StopReason r) {
  switch (r) {
    case StopReason::kCycleLimit:
      return "cycle limit";
    case StopReason::kQuiescent:
      return "quiescent";
    case StopReason::kOutputs:
      return "outputs received";
    case StopReason::kTrap:
      return "trap";
    case StopReason::kStall:
      return "stall";
  }
  return "?";
}

float Wavelet::as_float() const {
  return wafer::as_float(payload);
}

namespace {

std::string pe_name(const MachineState& s, uint64_t p) {
  return "PE(" + std::to_string(p % s.width) + "," + std::to_string(p / s.width) + ")";
}

// ---- names: the program's own words where the image keeps them (MachineState::source_names), numbers
// otherwise, so that an image built in C++ reads as before.

// "color 6", or "color 'c_in' (6)".
std::string color_str(const MachineState& s, uint32_t c) {
  for (const auto& n : s.color_names) {
    if (c >= n.color && c - n.color < n.count) {
      const std::string name = n.count == 1 ? n.name : n.name + "[" + std::to_string(c - n.color) + "]";
      return "color '" + name + "' (" + std::to_string(c) + ")";
    }
  }
  return "color " + std::to_string(c);
}

const KernelNames* names_of(const MachineState& s, uint32_t kernel) {
  return kernel < s.source_names.size() ? &s.source_names[kernel] : nullptr;
}

std::string task_name_of(const MachineState& s, uint32_t kernel, uint32_t id) {
  if (const KernelNames* k = names_of(s, kernel)) {
    for (const auto& t : k->tasks) {
      if (t.id == id) return t.name;
    }
  }
  return "";
}

// "task 24", or "task 'main' (24)".
std::string task_str(const MachineState& s, uint32_t kernel, uint32_t id) {
  const std::string name = task_name_of(s, kernel, id);
  return name.empty() ? "task " + std::to_string(id) : "task '" + name + "' (" + std::to_string(id) + ")";
}

// The pc's source file and line: false when the image has no line table for it.
bool source_of(const MachineState& s, uint32_t kernel, uint32_t pc, std::string* file, uint32_t* line) {
  const KernelNames* k = names_of(s, kernel);
  if (!k || pc >= k->line_of_pc.size()) return false;
  *file = k->file;
  *line = k->line_of_pc[pc];
  return true;
}

std::string file_line(const std::string& file, uint32_t line) {
  return (file.empty() ? "line " : file + ":") + std::to_string(line);
}

// For an address past a PE's data: the exported symbol nearest below it, the likely overrun.
std::string symbol_below(const MachineState& s, uint32_t kernel, uint32_t addr) {
  const KernelNames* k = names_of(s, kernel);
  if (!k) return "";
  const SymbolName* best = nullptr;
  for (const auto& sym : k->symbols) {
    if (sym.addr <= addr && (!best || sym.addr > best->addr)) best = &sym;
  }
  if (!best) return "";
  return " (the nearest exported symbol below it, '" + best->name + "', is words " + std::to_string(best->addr) +
         ".." + std::to_string(int64_t(best->addr) + best->words - 1) + ")";
}

uint32_t route_byte_of(const MachineState& s, uint64_t p, uint32_t color) {
  return (s.route[uint64_t(color / 4) * s.n + p] >> (8 * (color % 4))) & 0xFFu;
}

std::string trap_details(const MachineState& s, uint64_t p, uint32_t cause, uint32_t value) {
  std::ostringstream o;
  const uint32_t color = value & 0xFFu, port = (value >> 8) & 0xFFu;
  switch (cause) {
    case kTrapSramRange: {
      uint32_t limit = 0;
      if (s.kernel[p] != kNoKernel) limit = s.kernels[s.kernel[p]].mem_limit;
      o << "word address " << value << " (0x" << std::hex << value << std::dec
        << ") is outside the PE's data memory [0, " << limit << ")" << symbol_below(s, s.kernel[p], value);
      break;
    }
    case kTrapNoRoute: {
      const uint32_t rx = route_rx(route_byte_of(s, p, color));
      o << "a wavelet of " << color_str(s, color) << " arrived on port " << port_name(port) << " but " << color_str(s, color)
        << (rx == kNoPort ? " has no route here" : std::string(" arrives only on port ") + port_name(rx));
      break;
    }
    case kTrapOffGrid:
      o << color_str(s, color) << " is routed out of port " << port_name(port)
        << ", which leaves the grid, and no output stream is attached there";
      break;
    case kTrapRampNotRx: {
      const uint32_t rx = route_rx(route_byte_of(s, p, value));
      o << "the core sent on " << color_str(s, value) << ", whose route at this PE takes input from "
        << (rx == kNoPort ? std::string("nowhere (no route)") : std::string("port ") + port_name(rx))
        << ", not RAMP";
      break;
    }
    case kTrapBadInstr:
      o << "value " << value;
      break;
    case kTrapBadOperand:
      o << "operand 0x" << std::hex << value;
      break;
    case kTrapQueueOverflow:
      o << color_str(s, value);
      break;
    default:
      o << "value " << value;
  }
  return o.str();
}

}  // namespace

std::string TrapReport::describe() const {
  std::ostringstream o;
  o << "trap at PE(" << x << "," << y << ") cycle " << cycle << ": " << trap_cause_name(cause);
  if (!details.empty()) o << ": " << details;
  if (!task.empty()) o << " in task '" << task << "'";
  if (line != 0) o << " at " << file_line(file, line);
  if (!kernel.empty() && pc != kNoPc) o << " [kernel '" << kernel << "', pc " << pc << "]";
  return o.str();
}

std::string StallReport::describe() const {
  std::ostringstream o;
  o << "stall: no progress for " << quiet_cycles << " cycles (watchdog) at cycle " << cycle << "; "
    << waiting_pes << " PE(s) have pending work";
  if (waiting_pes > waits.size() && !groups.empty()) {  // too many to list: the groups first
    o << "\n  grouped by what they wait on:";
    for (size_t i = 0; i < groups.size() && i < kMaxStallGroups; ++i) {
      const StallGroup& g = groups[i];
      o << "\n    " << g.pes << " PE(s) in x " << g.bounds.x << ".." << g.bounds.x + g.bounds.w - 1 << ", y "
        << g.bounds.y << ".." << g.bounds.y + g.bounds.h - 1 << " (first PE(" << g.first.x << "," << g.first.y
        << ")):" << (g.first.waits.empty() ? "" : " " + g.first.waits);
    }
    if (groups.size() > kMaxStallGroups) o << "\n    ... and " << groups.size() - kMaxStallGroups << " more group(s)";
    o << "\n  the first PEs:";
    for (size_t i = 0; i < waits.size() && i < kGroupedStallLines; ++i) o << "\n  " << waits[i];
    o << "\n  ... and " << waiting_pes - std::min(waits.size(), kGroupedStallLines) << " more";
    return o.str();
  }
  for (const auto& w : waits) o << "\n  " << w;
  if (waiting_pes > waits.size()) o << "\n  ... and " << (waiting_pes - waits.size()) << " more";
  return o.str();
}

std::string RunResult::describe() const {
  std::ostringstream o;
  o << "stopped after " << cycles << " cycles: " << stop_reason_name(reason);
  if (trap) o << "\n" << trap->describe();
  if (stall) o << "\n" << stall->describe();
  return o.str();
}

TrapReport find_trap(const MachineState& s, uint64_t cycle) {
  TrapReport r;
  bool found = false;
  for (uint64_t p = 0; p < s.n; ++p) {
    if (!(s.flags[p] & kFlagTrapped)) continue;
    if (found && s.trap_cycle[p] >= r.cycle) continue;
    found = true;
    r.x = uint32_t(p % s.width), r.y = uint32_t(p / s.width);
    r.cycle = s.trap_cycle[p], r.cause = s.trap_cause[p], r.pc = s.trap_pc[p], r.value = s.trap_value[p];
    r.kernel = s.kernel[p] == kNoKernel ? "" : s.kernel_names[s.kernel[p]];
    r.details = trap_details(s, p, r.cause, r.value);
    r.task_id = s.task[p];
    r.task = r.task_id == kNoTask ? "" : task_name_of(s, s.kernel[p], r.task_id);
    r.file.clear(), r.line = 0;
    if (r.pc != kNoPc) source_of(s, s.kernel[p], r.pc, &r.file, &r.line);
  }
  if (found) return r;
  for (size_t j = 0; j < s.out_info.size(); ++j) {
    if (!s.out_overflow[j]) continue;
    r.x = s.out_info[j].pe % s.width, r.y = s.out_info[j].pe / s.width;
    r.cycle = cycle, r.cause = kTrapStreamOverflow, r.value = uint32_t(j);
    r.details = "output stream '" + s.out_names[j] + "' on port " + port_name(s.out_info[j].port) +
                " received more than its capacity of " + std::to_string(s.out_info[j].capacity) + " wavelets";
    return r;
  }
  r.details = "no trap recorded (internal error)";
  return r;
}

namespace {

std::string describe_op(const MachineState& s, uint64_t p, uint32_t slot) {
  auto word = [&](uint32_t w) { return s.ops[uint64_t(slot * kOpSlotWords + w) * s.n + p]; };
  const uint32_t w0 = word(0);
  const uint32_t opcode = w0 & 0xFFu;
  const uint32_t done = word(1) >> 16, len = word(1) & 0xFFFFu;
  std::ostringstream o;
  o << (slot == 0 ? "synchronous " : "microthread " + std::to_string(slot) + " ") << op_name(opcode);
  if (slot != 0) o << " (issued at pc " << (word(6) >> 16) << ")";
  o << " at element " << done << "/" << len;
  const uint64_t cq = s.cq_count[p];
  const uint32_t s0k = (w0 >> opslot::kS0KindShift) & 3u, s1k = (w0 >> opslot::kS1KindShift) & 3u;
  const uint32_t dk = (w0 >> opslot::kDstKindShift) & 3u;
  const bool binary = opcode != kVmov && opcode != kVfneg;
  if (s0k == kDescFabIn && count_of(cq, word(3)) == 0)
    o << " waits for a wavelet on " << color_str(s, word(3));
  else if (binary && s1k == kDescFabIn && count_of(cq, word(4)) == 0)
    o << " waits for a wavelet on " << color_str(s, word(4));
  else if (dk == kDescFabOut)
    o << " waits for room to send on " << color_str(s, word(2));
  else
    o << " waits for the arithmetic slot";
  return o.str();
}

// What PE p waits on: w.waits is the text after "PE(x,y):", and the other fields say the same as data.
PeWait describe_pe(const MachineState& s, uint64_t p, uint64_t cycle) {
  PeWait w;
  w.x = uint32_t(p % s.width), w.y = uint32_t(p / s.width);
  std::ostringstream o;
  const uint64_t rq = s.occ[uint64_t(cycle & 1) * s.n + p];  // published at the last cycle run
  const uint64_t cq = s.cq_count[p];
  const uint32_t kernel = s.kernel[p];
  if (kernel != kNoKernel) {
    const KernelInfo& k = s.kernels[kernel];
    w.kernel = s.kernel_names[kernel];
    const uint32_t task = s.task[p];
    if (task != kNoTask) {
      // A synchronous op has already advanced pc past itself: name the op's own pc.
      const bool sync_op = (s.ops[p] & opslot::kActive) != 0;
      w.task_id = task;
      w.task = task_name_of(s, kernel, task);
      w.pc = sync_op ? s.ops[uint64_t(6) * s.n + p] >> 16 : s.pc[p];
      o << " " << task_str(s, kernel, task) << " at pc " << w.pc;
      const bool has_line = source_of(s, kernel, w.pc, &w.file, &w.line);
      if (sync_op) {
        if (has_line) o << " (" << file_line(w.file, w.line) << ")";
        o << ": " << describe_op(s, p, 0);
      } else if (s.pc[p] < k.code_len) {
        const Instr in = s.code[k.code_offset + s.pc[p]];
        o << " (" << op_name(in.op) << (has_line ? ", " + file_line(w.file, w.line) : "") << ")";
        if (in.op == kRecv) o << " waits for a wavelet on " << color_str(s, uint32_t(in.imm));
        if (in.op == kSend) o << " waits for room to send on " << color_str(s, uint32_t(in.imm));
        if (is_vector_op(in.op) && (uint32_t(in.imm) & vflag::kAsync)) o << " waits for a free microthread";
      }
      o << ";";
    }
    for (uint32_t slot = 1; slot < uint32_t(kOpSlots); ++slot) {
      if (s.ops[uint64_t(slot * kOpSlotWords) * s.n + p] & opslot::kActive)
        o << " " << describe_op(s, p, slot) << ";";
    }
    for (uint32_t c = 0; c < uint32_t(kColors); ++c) {
      if (count_of(cq, c) == 0) continue;
      o << " core queue of " << color_str(s, c) << " holds " << count_of(cq, c) << " wavelet(s)";
      if (!(k.bound_mask & (1u << c)))
        o << " (no data task bound; waiting for a vector op or recv)";
      else if (s.blocked[p] & (1u << c))
        o << " (data " << task_str(s, kernel, c) << " is blocked)";
      o << ";";
    }
    const uint32_t waiting = s.activated[p] & s.blocked[p];
    if (waiting) {
      o << " activated but blocked tasks mask 0x" << std::hex << waiting << std::dec;
      std::string named;
      for (uint32_t t = 0; t < uint32_t(kTasks); ++t) {
        const std::string name = (waiting >> t) & 1u ? task_name_of(s, kernel, t) : "";
        if (!name.empty()) named += (named.empty() ? "" : ", ") + ("'" + name + "'");
      }
      if (!named.empty()) o << " (" << named << ")";
      o << ";";
    }
  } else if (cq != 0) {
    o << " core queue holds wavelets but the PE runs no kernel;";
  }
  for (uint32_t c = 0; c < uint32_t(kColors); ++c) {
    if (count_of(rq, c) == 0) continue;
    const uint32_t tx = route_tx(route_byte_of(s, p, c));
    o << " router " << color_str(s, c) << " holds " << count_of(rq, c) << " wavelet(s) waiting on";
    for (uint32_t d = 0; d < uint32_t(kPorts); ++d) {
      if (!(tx & (1u << d))) continue;
      uint32_t q;
      if (d == kRamp) {
        if (count_of(cq, c) >= uint32_t(kQueueDepth)) o << " RAMP (core queue full)";
      } else if (neighbour(s.width, s.height, uint32_t(p % s.width), uint32_t(p / s.width), d, &q)) {
        // The credit rule of model/cycle.h: q's published count plus a wavelet still on the link.
        const uint64_t q_rq = s.occ[uint64_t(cycle & 1) * s.n + q];
        const uint32_t in_flight = ((s.lastsent[p] >> (8 * d)) & 0xFFu) == (0x80u | c) ? 1u : 0u;
        if (count_of(q_rq, c) + in_flight >= uint32_t(kQueueDepth))
          o << " " << port_name(d) << " (" << pe_name(s, q) << " queue for " << color_str(s, c) << " full)";
      }
    }
    o << ";";
  }
  w.waits = o.str();
  if (!w.waits.empty()) w.waits.erase(0, 1);  // every part starts with a space
  return w;
}

// A wait in words without what differs from PE to PE that waits the same way: neighbour coordinates
// ("PE(3,4)" -> "PE(.)") and queue counts ("holds 2 wavelet(s)" -> "holds wavelet(s)").
std::string wait_shape(const std::string& waits) {
  std::string out;
  out.reserve(waits.size());
  for (size_t i = 0; i < waits.size();) {
    if (waits.compare(i, 3, "PE(") == 0) {
      const size_t close = waits.find(')', i);
      if (close != std::string::npos) {
        out += "PE(.)";
        i = close + 1;
        continue;
      }
    }
    if (waits.compare(i, 6, "holds ") == 0) {
      out += "holds ";
      i += 6;
      while (i < waits.size() && isdigit(static_cast<unsigned char>(waits[i]))) ++i;
      if (i < waits.size() && waits[i] == ' ') ++i;
      continue;
    }
    out += waits[i++];
  }
  return out;
}

}  // namespace

StallReport describe_stall(const MachineState& s, uint64_t cycle, uint64_t quiet_cycles, size_t max_lines) {
  StallReport r;
  r.cycle = cycle, r.quiet_cycles = quiet_cycles;
  std::map<std::string, size_t> group_of;  // key -> index into r.groups
  for (uint64_t p = 0; p < s.n; ++p) {
    if (!(s.flags[p] & kFlagHasWork)) continue;
    ++r.waiting_pes;
    PeWait w = describe_pe(s, p, cycle);
    const std::string shape = wait_shape(w.waits);
    const std::string key = w.kernel + "\x1f" + w.task + "\x1f" + std::to_string(w.pc) + "\x1f" + shape;
    auto [it, fresh] = group_of.emplace(key, r.groups.size());
    if (fresh) {
      r.groups.push_back({0, Rect{w.x, w.y, 1, 1}, w, shape});
    } else {
      Rect& b = r.groups[it->second].bounds;
      const uint32_t x1 = std::max(b.x + b.w, w.x + 1), y1 = std::max(b.y + b.h, w.y + 1);
      b.x = std::min(b.x, w.x), b.y = std::min(b.y, w.y), b.w = x1 - b.x, b.h = y1 - b.y;
    }
    ++r.groups[it->second].pes;
    if (r.waits.size() < max_lines) {
      r.waits.push_back(pe_name(s, p) + ":" + (w.waits.empty() ? "" : " " + w.waits));
      r.pes.push_back(std::move(w));
    }
  }
  std::stable_sort(r.groups.begin(), r.groups.end(),
                   [](const StallGroup& a, const StallGroup& b) { return a.pes > b.pes; });
  for (size_t i = 0; i < s.in_info.size(); ++i) {
    if (s.in_pos[i] >= s.in_info[i].length) continue;
    const auto& st = s.in_info[i];
    if (r.waits.size() < max_lines) {
      r.waits.push_back("input stream '" + s.in_names[i] + "' has " +
                        std::to_string(st.length - s.in_pos[i]) + " wavelet(s) left for " +
                        pe_name(s, st.pe) + " port " + port_name(st.port) + " " +
                        color_str(s, (s.in_data_meta[st.offset + s.in_pos[i]] >> 16) & 31u));
    }
  }
  return r;
}

RunLimits run_limits(const RunRequest& q, size_t out_streams) {
  if (q.output_stream < -1 || (q.output_stream >= 0 && size_t(q.output_stream) >= out_streams)) {
    throw Error("run: output stream " + std::to_string(q.output_stream) + " does not exist (the image has " +
                std::to_string(out_streams) + " output stream(s))");
  }
  RunLimits l{};
  l.max_cycles = q.max_cycles;
  l.watchdog_cycles = q.watchdog_cycles == 0 ? ~0ull : q.watchdog_cycles;
  l.output_count = q.output_count;
  l.output_stream = q.output_stream;
  l.until_quiescent = q.until_quiescent ? 1u : 0u;
  return l;
}

std::optional<RunResult> result_without_running(const std::optional<RunResult>& stopped,
                                                const RunLimits& limits) {
  if (stopped) {
    RunResult r = *stopped;
    r.cycles = 0;
    return r;
  }
  if (limits.max_cycles == 0) return RunResult{};
  return std::nullopt;
}

RunResult make_run_result(uint32_t stop_code, uint64_t cycles_run, uint64_t end_cycle, uint64_t quiet_cycles,
                          const MachineState& s) {
  RunResult r;
  r.cycles = cycles_run;
  switch (stop_code) {
    case kStopQuiescent:
      r.reason = StopReason::kQuiescent;
      break;
    case kStopOutputs:
      r.reason = StopReason::kOutputs;
      break;
    case kStopTrap:
      r.reason = StopReason::kTrap;
      r.trap = find_trap(s, end_cycle - 1);
      break;
    case kStopStall:
      r.reason = StopReason::kStall;
      r.stall = describe_stall(s, end_cycle - 1, quiet_cycles);
      break;
    default:
      r.reason = StopReason::kCycleLimit;
  }
  return r;
}

}  // namespace wafer
