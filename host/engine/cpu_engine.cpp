// The CPU reference engine. Each cycle: host streams (serially; they are few), then the PEs that may have
// something to do (host/engine/activity_map.h: those with work in or next to them), split into chunks of
// rows over persistent threads that meet at a barrier. Determinism needs no care here: the cycle function's
// contract (model/cycle.h) makes the PE order irrelevant, and skipping a PE the map leaves out is a no-op.
#include "host/engine/cpu_engine.h"

#include <algorithm>
#include <atomic>
#include <thread>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "host/engine/activity_map.h"
#include "host/engine/host_access.h"
#include "host/engine/reports.h"
#include "host/engine/trace.h"
#include "host/model/cycle.h"
#include "host/model/error.h"

namespace wafer {

namespace {

// Where the stepping threads meet, twice a cycle. An arriving thread spins for up to `spins` pauses (2000
// are about 50 us) before it sleeps: a cycle of a mostly idle wafer is a few microseconds of work, and
// std::barrier's futex sleep and wake-up cost 10-20 us per cycle on the 2-core development VM, several
// times that work (docs/benchmarks.md). Like libgomp's GOMP_SPINCOUNT, the engine spins only when it has
// no more threads than the machine has hardware threads: a spinning thread must not hold the core that the
// thread it waits for needs.
class SpinBarrier {
 public:
  SpinBarrier(unsigned count, int spins) : count_(count), spins_(spins) {}
  void arrive_and_wait() {
    const uint32_t phase = phase_.load(std::memory_order_acquire);  // before arriving: it cannot move yet
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == count_) {
      arrived_.store(0, std::memory_order_relaxed);
      phase_.store(phase + 1, std::memory_order_release);
      phase_.notify_all();
      return;
    }
    for (int i = 0; i < spins_; ++i) {
      if (phase_.load(std::memory_order_acquire) != phase) return;
      pause();
    }
    while (phase_.load(std::memory_order_acquire) == phase) phase_.wait(phase, std::memory_order_acquire);
  }

 private:
  static void pause() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#else
    std::this_thread::yield();
#endif
  }
  const unsigned count_;
  const int spins_;
  std::atomic<unsigned> arrived_{0};
  std::atomic<uint32_t> phase_{0};
};

struct BandResult {
  bool progress = false, pending = false, trapped = false;
  char pad[61];  // own cache line per thread
};

class CpuEngine final : public Engine {
 public:
  explicit CpuEngine(const EngineOptions& o) {
    threads_ = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
    skip_quiet_ = o.skip_quiet_segments;
  }
  ~CpuEngine() override { stop_workers(); }

  const char* name() const override { return "cpu"; }

  void load(const Image& image) override {
    stop_workers();
    s_ = load_machine(image);
    view_ = s_.view();
    cycle_ = 0;
    stopped_.reset();
    bands_ = std::max(1u, std::min<unsigned>(threads_, (s_.height + kChunkRows - 1) / kChunkRows));
    results_.assign(bands_, BandResult{});
    activity_.reset(s_, 0);
    // Each band's scratch on cache lines of its own, whatever the vector's alignment: 64-byte multiples
    // plus one line of gap.
    scratch_stride_ = (2 * activity_.words_per_row() + 15) / 16 * 16 + 16;
    scratch_.assign(size_t(bands_) * scratch_stride_, 0);
  }

  RunResult run(const RunRequest& request) override {
    require_loaded();
    const RunLimits limits = run_limits(request, s_.out_info.size());
    if (auto r = result_without_running(stopped_, limits)) return *r;
    RunProgress progress;
    start_workers();
    if (request.trace) request.trace->begin(s_, cycle_);
    while (true) {
      const CycleSummary summary = step_cycle();
      ++cycle_;
      if (request.trace) request.trace->after_cycle(s_, cycle_);  // the workers wait at the barrier
      if (request.progress_every && cycle_ % request.progress_every == 0 && request.on_progress)
        request.on_progress(cycle_);
      const uint64_t watched =
          limits.output_stream >= 0 && size_t(limits.output_stream) < s_.out_received.size()
              ? s_.out_received[limits.output_stream]
              : 0;
      if (after_cycle(progress, limits, summary, watched) != kRunOn) break;
    }
    RunResult r = make_run_result(progress.stop, progress.cycles_done, cycle_, progress.quiet_cycles, s_);
    if (r.reason == StopReason::kTrap || r.reason == StopReason::kStall) stopped_ = r;
    return r;
  }

  uint64_t cycle() const override { return cycle_; }

  std::vector<uint32_t> read_sram(uint32_t x, uint32_t y, uint32_t addr, uint32_t count) const override {
    const uint64_t p = checked_pe(x, y);
    check_sram_range(x, y, addr, count);
    std::vector<uint32_t> out(count);
    for (uint32_t i = 0; i < count; ++i) out[i] = s_.sram[uint64_t(addr + i) * s_.n + p];
    return out;
  }
  void write_sram(uint32_t x, uint32_t y, uint32_t addr, const std::vector<uint32_t>& words) override {
    const uint64_t p = checked_pe(x, y);
    check_sram_range(x, y, addr, uint32_t(words.size()));
    for (size_t i = 0; i < words.size(); ++i) s_.sram[(addr + i) * s_.n + p] = words[i];
  }
  void read_sram_rect(Rect r, const std::vector<uint32_t>& addr, uint32_t count, uint32_t* words) const override {
    require_loaded();
    check_sram_rect(s_, r, addr, count);
    for (uint64_t i = 0; i < addr.size(); ++i) {
      const uint64_t p = uint64_t(r.y + i / r.w) * s_.width + r.x + i % r.w;
      for (uint32_t k = 0; k < count; ++k) words[i * count + k] = s_.sram[uint64_t(addr[i] + k) * s_.n + p];
    }
  }
  void write_sram_rect(Rect r, const std::vector<uint32_t>& addr, uint32_t count, const uint32_t* words) override {
    require_loaded();
    check_sram_rect(s_, r, addr, count);
    for (uint64_t i = 0; i < addr.size(); ++i) {
      const uint64_t p = uint64_t(r.y + i / r.w) * s_.width + r.x + i % r.w;
      for (uint32_t k = 0; k < count; ++k) s_.sram[uint64_t(addr[i] + k) * s_.n + p] = words[i * count + k];
    }
  }
  uint32_t read_reg(uint32_t x, uint32_t y, uint32_t reg) const override {
    const uint64_t p = checked_pe(x, y);
    check_reg(reg);
    return s_.regs[uint64_t(reg) * s_.n + p];
  }
  void write_reg(uint32_t x, uint32_t y, uint32_t reg, uint32_t value) override {
    const uint64_t p = checked_pe(x, y);
    check_reg(reg);
    s_.regs[uint64_t(reg) * s_.n + p] = value;
  }
  void activate(Rect rect, uint32_t task) override {
    require_loaded();
    check_activate(s_, rect, task);
    for (uint32_t y = rect.y; y < rect.y + rect.h; ++y) {
      for (uint32_t x = rect.x; x < rect.x + rect.w; ++x) {
        const uint64_t p = uint64_t(y) * s_.width + x;
        s_.activated[p] |= 1u << task;
        if (!(s_.blocked[p] & (1u << task))) {
          s_.flags[p] |= kFlagHasWork;
          activity_.mark_pe(x, y, int64_t(cycle_));
        }
      }
    }
  }

  std::vector<Wavelet> output(uint32_t stream) const override {
    if (stream >= s_.out_info.size())
      throw Error("output stream " + std::to_string(stream) + " does not exist");
    const OutStreamInfo& o = s_.out_info[stream];
    const uint64_t k = std::min<uint64_t>(s_.out_received[stream], o.capacity);
    std::vector<Wavelet> out(k);
    for (uint64_t i = 0; i < k; ++i) out[i] = {s_.out_data_pay[o.offset + i], s_.out_data_meta[o.offset + i]};
    return out;
  }
  void read_state(const StateChunkFn& f) const override {
    require_loaded();
    const_cast<MachineState&>(s_).for_each_array(
        [&](const char* name, void* data, uint64_t count, uint32_t elem, uint32_t) { chunks(f, name, data, count * elem); });
  }
  void write_state(const StateChunkFn& f, uint64_t cycle) override {
    require_loaded();
    stop_workers();
    s_.for_each_array(
        [&](const char* name, void* data, uint64_t count, uint32_t elem, uint32_t) { chunks(f, name, data, count * elem); });
    cycle_ = cycle;
    stopped_.reset();
    // The map's history (who had work in the two cycles before the dump) is not in the state. The work
    // flags alone should do (activity_map.h: a PE with a wavelet in flight still has work), but resuming
    // is rare and a wrong map would lose a wavelet silently, so every PE counts as busy in both cycles
    // and the first two cycles after a resume step every PE (stepping an idle PE is a no-op).
    activity_.reset(s_, int64_t(cycle_));
    for (uint32_t y = 0; y < s_.height; ++y) {
      for (uint32_t x = 0; x < s_.width; ++x) {
        activity_.mark_pe(x, y, int64_t(cycle_));
        activity_.mark_pe(x, y, int64_t(cycle_) - 1);
      }
    }
  }

  std::vector<uint64_t> counter_totals() const override {
    std::vector<uint64_t> t(kCounterCount, 0);
    for (uint32_t c = 0; c < kCounterCount; ++c) {
      for (uint64_t p = 0; p < s_.n; ++p) t[c] += s_.ctr[uint64_t(c) * s_.n + p];
    }
    return t;
  }
  std::vector<uint64_t> counter_per_pe(Counter c) const override {
    return std::vector<uint64_t>(s_.ctr.begin() + uint64_t(c) * s_.n,
                                 s_.ctr.begin() + uint64_t(c + 1) * s_.n);
  }
  uint64_t state_hash() const override { return s_.hash(); }
  MachineState snapshot() const override { return s_; }
  void inspect(const std::function<void(const MachineState&)>& f) const override {
    require_loaded();
    f(s_);
  }

 private:
  static void chunks(const StateChunkFn& f, const char* name, void* data, uint64_t bytes) {
    state_chunks(bytes, [&](uint64_t off, uint64_t n) { f(name, bytes, off, static_cast<char*>(data) + off, n); });
  }
  void require_loaded() const {
    if (s_.n == 0) throw Error("no image loaded");
  }
  uint64_t checked_pe(uint32_t x, uint32_t y) const {
    require_loaded();
    return wafer::checked_pe(s_, x, y);
  }
  void check_sram_range(uint32_t x, uint32_t y, uint32_t addr, uint32_t count) const {
    wafer::check_sram_range(s_, x, y, addr, count);
  }

  // Steps the PEs of every bands_-th chunk of kChunkRows rows, starting at chunk `band`: in each row, the
  // words of PEs the activity map names, and records which of them still have work. Chunks are dealt
  // out in turn rather than as one contiguous band per thread because activity usually moves across the
  // grid as a wave (x entering at the top, say): contiguous bands would take turns being busy. Chunks are
  // not thinner because the rows at a chunk's edge clear link registers in the next chunk's cache lines:
  // 16 rows ran GEMV on 256x256 PEs 1.24x faster on 2 threads than 4 rows did.
  static constexpr uint32_t kChunkRows = 16;
  void step_band(unsigned band, uint64_t t) {
    BandResult r;
    const uint32_t words = activity_.words_per_row();
    uint32_t* masks = &scratch_[size_t(band) * scratch_stride_];
    uint32_t* busy = masks + words;
    const ActivityMap::Cycle at = activity_.cycle(int64_t(t));
    for (uint64_t y0 = uint64_t(band) * kChunkRows; y0 < s_.height; y0 += uint64_t(bands_) * kChunkRows) {
      const uint64_t y1 = std::min<uint64_t>(y0 + kChunkRows, s_.height);
      for (uint32_t y = uint32_t(y0); y < y1; ++y) {
        const ActivityMap::WordRange range =
            skip_quiet_ ? activity_.step_masks(at, y, masks) : activity_.all_masks(masks);
        if (range.lo == range.hi) continue;
        bool any_busy = false;
        for (uint32_t w = range.lo; w < range.hi; ++w) {
          const uint32_t x0 = w * ActivityMap::kWordPes;
          const uint32_t p0 = y * s_.width + x0;
          uint32_t todo = masks[w], b = 0;
          while (todo) {
            const uint32_t i = lowest_bit(todo);
            todo &= todo - 1;
            const uint32_t p = p0 + i;
            const StepResult sr = PeCycle(view_, p, x0 + i, y, t).run();
            r.progress |= sr.progress;
            b |= uint32_t(sr.has_work) << i;
            r.trapped |= (view_.flags[p] & kFlagTrapped) != 0;
          }
          busy[w] = b;
          any_busy |= b != 0;
        }
        if (any_busy) {
          r.pending = true;
          if (skip_quiet_) activity_.record(y, int64_t(t), busy, range);
        }
      }
    }
    results_[band] = r;
  }

  CycleSummary step_cycle() {
    CycleSummary sum{false, false, false};
    for (uint32_t i = 0; i < view_.in_count; ++i)
      sum.pending |= step_in_stream(view_, i, cycle_, &sum.progress);
    for (uint32_t j = 0; j < view_.out_count; ++j) {
      step_out_stream(view_, j, cycle_, &sum.progress);
      sum.trapped |= s_.out_overflow[j] != 0;
    }
    if (workers_.empty()) {
      for (unsigned b = 0; b < bands_; ++b) step_band(b, cycle_);
    } else {
      work_cycle_ = cycle_;
      start_->arrive_and_wait();
      step_band(0, cycle_);
      done_->arrive_and_wait();
    }
    for (const auto& r : results_)
      sum.progress |= r.progress, sum.pending |= r.pending, sum.trapped |= r.trapped;
    return sum;
  }

  void start_workers() {
    if (!workers_.empty() || bands_ <= 1) return;
    const int spins = bands_ <= std::thread::hardware_concurrency() ? 2000 : 0;
    start_ = std::make_unique<SpinBarrier>(bands_, spins);
    done_ = std::make_unique<SpinBarrier>(bands_, spins);
    quit_ = false;
    for (unsigned b = 1; b < bands_; ++b) {
      workers_.emplace_back([this, b] {
        while (true) {
          start_->arrive_and_wait();
          if (quit_) return;
          step_band(b, work_cycle_);
          done_->arrive_and_wait();
        }
      });
    }
  }
  void stop_workers() {
    if (workers_.empty()) return;
    quit_ = true;
    start_->arrive_and_wait();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  MachineState s_;
  MachineView view_;
  uint64_t cycle_ = 0;
  unsigned threads_ = 1, bands_ = 1;
  std::optional<RunResult> stopped_;
  std::vector<BandResult> results_;
  std::vector<std::thread> workers_;
  std::unique_ptr<SpinBarrier> start_, done_;
  std::atomic<bool> quit_{false};
  ActivityMap activity_;
  std::vector<uint32_t> scratch_;  // per band: the row's step masks, then its busy bits
  size_t scratch_stride_ = 0;
  bool skip_quiet_ = true;
  uint64_t work_cycle_ = 0;
};

}  // namespace

std::unique_ptr<Engine> make_cpu_engine(const EngineOptions& options) {
  return std::make_unique<CpuEngine>(options);
}

}  // namespace wafer
