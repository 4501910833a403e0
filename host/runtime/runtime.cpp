#include "host/runtime/runtime.h"

#include <bit>

#include "host/engine/counter_report.h"
#include "host/engine/state_file.h"
#include "host/model/error.h"
#include "host/model/state.h"

namespace wafer {

namespace {

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "nothing" : out;
}

std::string exported_names(const KernelNames& k) {
  std::vector<std::string> names;
  for (const SymbolName& s : k.symbols) names.push_back(s.name);
  return join(names);
}

std::string task_names(const KernelNames& k) {
  std::vector<std::string> names;
  for (const TaskName& t : k.tasks) names.push_back(t.name);
  return join(names);
}

// One engine call for the whole rectangle (Engine::read_sram_rect: on the CUDA engine one transfer per run
// of PEs, not a round trip per PE); here only the host's order is mapped to the engine's PE-major words.
std::vector<uint32_t> offset_addresses(std::vector<uint32_t> addr, uint32_t offset) {
  for (uint32_t& a : addr) a += offset;
  return addr;
}

template <class T>
void write_rect(Engine& engine, Rect r, const std::vector<uint32_t>& addr, uint32_t offset, const T* data,
                uint64_t n, Order order) {
  std::vector<uint32_t> words(uint64_t(r.w) * r.h * n);
  for (uint32_t j = 0; j < r.h; ++j)
    for (uint32_t i = 0; i < r.w; ++i)
      for (uint64_t k = 0; k < n; ++k)
        words[(uint64_t(j) * r.w + i) * n + k] = std::bit_cast<uint32_t>(data[host_index(order, r, i, j, n, k)]);
  engine.write_sram_rect(r, offset_addresses(addr, offset), uint32_t(n), words.data());
}

template <class T>
void read_rect(const Engine& engine, Rect r, const std::vector<uint32_t>& addr, uint32_t offset, T* out,
               uint64_t n, Order order) {
  std::vector<uint32_t> words(uint64_t(r.w) * r.h * n);
  engine.read_sram_rect(r, offset_addresses(addr, offset), uint32_t(n), words.data());
  for (uint32_t j = 0; j < r.h; ++j)
    for (uint32_t i = 0; i < r.w; ++i)
      for (uint64_t k = 0; k < n; ++k)
        out[host_index(order, r, i, j, n, k)] = std::bit_cast<T>(words[(uint64_t(j) * r.w + i) * n + k]);
}

}  // namespace

Runtime::Runtime(const std::string& engine, const EngineOptions& options) : engine_(make_engine(engine, options)) {}

void Runtime::load(const std::string& path, const std::map<std::string, std::string>& params) {
  load(Program::open(path, params));
}

void Runtime::load(Program program) {
  loaded_ = false;  // a refused image leaves no half-loaded runtime behind
  engine_->load(program.image());
  program_ = std::move(program);
  pe_kernels_ = PeKernels(program_.image());
  loaded_ = true;
}

void Runtime::require_loaded() const {
  if (!loaded_) throw Error("the runtime has no program loaded: call load() first");
}

const Image& Runtime::image() const {
  require_loaded();
  return program_.image();
}

const SymbolName& Runtime::symbol_of(uint32_t x, uint32_t y, const std::string& symbol) const {
  const Image& im = program_.image();
  const uint32_t k = pe_kernels_.at(x, y);
  if (k == kNoKernel) throw Error(pe_name(x, y) + " runs no kernel, so it has no symbol '" + symbol + "'");
  if (im.names.empty()) {
    throw Error("the image carries no source names (it was built in C++, not assembled from text): symbol '" +
                symbol + "' cannot be found by name");
  }
  const SymbolName* s = im.symbol(k, symbol);
  if (!s) {
    throw Error(pe_name(x, y) + " runs kernel '" + im.kernels[k].name + "', which exports no '" + symbol +
                "' (it exports: " + exported_names(im.names[k]) + ")");
  }
  return *s;
}

std::vector<uint32_t> Runtime::symbol_addresses(const std::string& symbol, Rect rect, uint32_t offset,
                                                uint64_t count) const {
  require_loaded();
  const Image& im = program_.image();
  check_rect_in_grid(rect, im.width, im.height);
  std::vector<uint32_t> addr(uint64_t(rect.w) * rect.h);
  for (uint32_t j = 0; j < rect.h; ++j) {
    for (uint32_t i = 0; i < rect.w; ++i) {
      const SymbolName& s = symbol_of(rect.x + i, rect.y + j, symbol);
      if (uint64_t(offset) + count > s.words) {
        throw Error("symbol '" + symbol + "' has " + std::to_string(s.words) + " words per PE; asked for " +
                    std::to_string(count) + " from offset " + std::to_string(offset) + " on rect " +
                    describe_rect(rect) + " (at " + pe_name(rect.x + i, rect.y + j) + ")");
      }
      addr[uint64_t(j) * rect.w + i] = s.addr;
    }
  }
  return addr;
}

uint32_t Runtime::symbol_words(const std::string& symbol, Rect rect) const {
  require_loaded();
  check_rect_in_grid(rect, program_.image().width, program_.image().height);
  const uint32_t words = symbol_of(rect.x, rect.y, symbol).words;
  for (uint32_t j = 0; j < rect.h; ++j) {
    for (uint32_t i = 0; i < rect.w; ++i) {
      const uint32_t w = symbol_of(rect.x + i, rect.y + j, symbol).words;
      if (w != words) {
        throw Error("symbol '" + symbol + "' has " + std::to_string(words) + " words at " +
                    pe_name(rect.x, rect.y) + " but " + std::to_string(w) + " at " +
                    pe_name(rect.x + i, rect.y + j) + " in rect " + describe_rect(rect) + "; give a count");
      }
    }
  }
  return words;
}

uint64_t Runtime::words_per_pe(uint64_t data_size, Rect rect, const std::string& symbol) const {
  require_loaded();
  check_rect_in_grid(rect, program_.image().width, program_.image().height);
  const uint64_t pes = uint64_t(rect.w) * rect.h;
  if (data_size % pes != 0) {
    throw Error(std::to_string(data_size) + " values for symbol '" + symbol + "' do not split evenly over the " +
                std::to_string(pes) + " PEs of rect " + describe_rect(rect));
  }
  return data_size / pes;
}

void Runtime::memcpy_h2d(const std::string& symbol, Rect rect, std::span<const uint32_t> data, Order order,
                         uint32_t offset) {
  const uint64_t n = words_per_pe(data.size(), rect, symbol);
  write_rect(*engine_, rect, symbol_addresses(symbol, rect, offset, n), offset, data.data(), n, order);
}

void Runtime::memcpy_h2d(const std::string& symbol, Rect rect, std::span<const float> data, Order order,
                         uint32_t offset) {
  const uint64_t n = words_per_pe(data.size(), rect, symbol);
  write_rect(*engine_, rect, symbol_addresses(symbol, rect, offset, n), offset, data.data(), n, order);
}

void Runtime::memcpy_d2h(std::span<uint32_t> out, const std::string& symbol, Rect rect, Order order,
                         uint32_t offset) const {
  const uint64_t n = words_per_pe(out.size(), rect, symbol);
  read_rect(*engine_, rect, symbol_addresses(symbol, rect, offset, n), offset, out.data(), n, order);
}

void Runtime::memcpy_d2h(std::span<float> out, const std::string& symbol, Rect rect, Order order,
                         uint32_t offset) const {
  const uint64_t n = words_per_pe(out.size(), rect, symbol);
  read_rect(*engine_, rect, symbol_addresses(symbol, rect, offset, n), offset, out.data(), n, order);
}

namespace {
// count kToEnd -> the symbol's words after offset; an offset past the end is the caller's error to see.
uint32_t resolve_count(uint32_t count, uint32_t words, uint32_t offset, const std::string& symbol, Rect rect) {
  if (count != kToEnd) return count;
  if (offset > words) {
    throw Error("symbol '" + symbol + "' has " + std::to_string(words) + " words per PE; offset " +
                std::to_string(offset) + " is past its end on rect " + describe_rect(rect));
  }
  return words - offset;
}

// The copy into a new array of rect's PEs x count words.
template <class T>
std::vector<T> read_to_new(const Runtime& rt, const std::string& symbol, Rect rect, Order order, uint32_t offset,
                           uint32_t count) {
  const uint32_t n = resolve_count(count, count == kToEnd ? rt.symbol_words(symbol, rect) : 0, offset, symbol, rect);
  std::vector<T> out(uint64_t(rect.w) * rect.h * n);
  rt.memcpy_d2h(std::span<T>(out), symbol, rect, order, offset);
  return out;
}
}  // namespace

std::vector<uint32_t> Runtime::memcpy_d2h_u32(const std::string& symbol, Rect rect, Order order, uint32_t offset,
                                              uint32_t count) const {
  return read_to_new<uint32_t>(*this, symbol, rect, order, offset, count);
}

std::vector<float> Runtime::memcpy_d2h_f32(const std::string& symbol, Rect rect, Order order, uint32_t offset,
                                           uint32_t count) const {
  return read_to_new<float>(*this, symbol, rect, order, offset, count);
}

void Runtime::launch(const std::string& task, std::optional<Rect> rect) {
  require_loaded();
  const Image& im = program_.image();
  if (im.names.empty()) {
    throw Error("the image carries no source names (it was built in C++, not assembled from text): task '" +
                task + "' cannot be found by name");
  }
  const Rect r = rect.value_or(Rect{0, 0, im.width, im.height});
  check_rect_in_grid(r, im.width, im.height);
  // The task's id per kernel, or kUnbound; a data task by that name is refused (launch starts local tasks).
  std::vector<uint32_t> id(im.kernels.size(), kUnbound);
  for (uint32_t k = 0; k < im.kernels.size(); ++k) {
    const TaskName* t = im.task(k, task);
    if (!t) continue;
    if (t->id < uint32_t(kFirstLocalTask)) {
      throw Error("task '" + task + "' of kernel '" + im.kernels[k].name + "' is a data task (color " +
                  std::to_string(t->id) + "); launch starts local tasks");
    }
    id[k] = t->id;
  }
  // Runs of PEs along a row with the same task id: one activate each. Checked in full before any is sent,
  // so a refused launch activates nothing.
  std::vector<std::pair<Rect, uint32_t>> runs;
  for (uint32_t y = r.y; y < r.y + r.h; ++y) {
    for (uint32_t x = r.x; x < r.x + r.w; ++x) {
      const uint32_t k = pe_kernels_.at(x, y);
      const uint32_t t = k == kNoKernel ? kUnbound : id[k];
      if (t == kUnbound) {
        if (!rect) continue;  // the whole grid: only the PEs that have the task
        throw Error(k == kNoKernel ? pe_name(x, y) + " in rect " + describe_rect(r) + " runs no kernel"
                                   : pe_name(x, y) + " runs kernel '" + im.kernels[k].name + "', which has no task '" +
                                         task + "' (its tasks: " + task_names(im.names[k]) + ")");
      }
      if (!runs.empty() && runs.back().second == t && runs.back().first.y == y &&
          runs.back().first.x + runs.back().first.w == x) {
        ++runs.back().first.w;
      } else {
        runs.push_back({Rect{x, y, 1, 1}, t});
      }
    }
  }
  if (runs.empty()) {
    std::string kernels;
    for (uint32_t k = 0; k < im.kernels.size(); ++k) {
      kernels += (kernels.empty() ? "" : "; ") + im.kernels[k].name + ": " + task_names(im.names[k]);
    }
    throw Error("no PE runs a kernel with a task '" + task + "' (tasks by kernel: " + kernels + ")");
  }
  for (const auto& [run_rect, t] : runs) engine_->activate(run_rect, t);
}

RunOutcome Runtime::run(const RunOptions& options) {
  require_loaded();
  const Image& im = program_.image();
  RunRequest req{.max_cycles = options.max_cycles,
                 .until_quiescent = options.until_quiescent,
                 .watchdog_cycles = options.watchdog_cycles,
                 .trace = options.trace,
                 .on_progress = options.on_progress,
                 .progress_every = options.progress_every};
  if (!options.output_stream.empty()) {
    req.output_stream = int32_t(out_stream_index(im, options.output_stream));
    req.output_count = options.output_count;
  }
  RunOutcome out;
  out.until_quiescent = options.until_quiescent;
  out.result = engine_->run(req);
  if (out.result.reason == StopReason::kQuiescent) {
    for (uint32_t s = 0; s < im.out_streams.size(); ++s) {
      const uint64_t got = engine_->output(s).size();
      if (got < im.out_streams[s].expect) out.short_streams.push_back({im.out_streams[s].name, got, im.out_streams[s].expect});
    }
  }
  return out;
}

void Runtime::save_state(const std::string& path) const {
  require_loaded();
  save_state_file(*engine_, program_.image(), path);
}

void Runtime::resume(const std::string& path) {
  require_loaded();
  load_state_file(*engine_, program_.image(), path);
}

std::vector<Wavelet> Runtime::output(const std::string& name) const {
  require_loaded();
  return engine_->output(out_stream_index(program_.image(), name));
}

std::vector<float> Runtime::output_f32(const std::string& name) const {
  const std::vector<Wavelet> w = output(name);
  std::vector<float> out(w.size());
  for (size_t i = 0; i < w.size(); ++i) out[i] = std::bit_cast<float>(w[i].payload);
  return out;
}

std::vector<uint32_t> Runtime::output_u32(const std::string& name) const {
  const std::vector<Wavelet> w = output(name);
  std::vector<uint32_t> out(w.size());
  for (size_t i = 0; i < w.size(); ++i) out[i] = w[i].payload;
  return out;
}

std::vector<std::string> Runtime::output_names() const {
  std::vector<std::string> names;
  for (const OutStream& s : image().out_streams) names.push_back(s.name);
  return names;
}

std::vector<uint64_t> Runtime::counter_per_pe(const std::string& name) const {
  require_loaded();
  return counter_by_name(read_counters(*engine_, image().width, image().height), name);
}

std::map<std::string, uint64_t> Runtime::counters() const {
  require_loaded();
  const std::vector<uint64_t> totals = engine_->counter_totals();
  std::map<std::string, uint64_t> out;
  for (uint32_t c = 0; c < totals.size(); ++c) out[counter_name(c)] = totals[c];
  return out;
}

}  // namespace wafer
