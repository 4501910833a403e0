// The CPU reference engine. Each cycle: host streams (serially; they are few), then every PE, split into
// chunks of rows over persistent threads that meet at a barrier. Determinism needs no care here: the cycle
// function's contract (model/cycle.h) makes the PE order irrelevant.
#include "host/engine/cpu_engine.h"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <thread>

#include "host/engine/activity_map.h"
#include "host/engine/host_access.h"
#include "host/engine/reports.h"
#include "host/model/cycle.h"
#include "host/model/error.h"

namespace wafer {

namespace {

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
  }

  RunResult run(const RunRequest& request) override {
    require_loaded();
    const RunLimits limits = run_limits(request, s_.out_info.size());
    if (auto r = result_without_running(stopped_, limits)) return *r;
    RunProgress progress;
    start_workers();
    while (true) {
      const CycleSummary summary = step_cycle();
      ++cycle_;
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

 private:
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

  // Steps the PEs of every bands_-th chunk of kChunkRows rows, starting at chunk `band`. Chunks are dealt
  // out in turn rather than as one contiguous band per thread because activity usually moves across the
  // grid as a wave (x entering at the top, say): contiguous bands would take turns being busy. Chunks are
  // not thinner because the rows at a chunk's edge clear link registers in the next chunk's cache lines:
  // 16 rows ran GEMV on 256x256 PEs 1.24x faster on 2 threads than 4 rows did.
  static constexpr uint32_t kChunkRows = 16;
  void step_band(unsigned band, uint64_t t) {
    BandResult r;
    for (uint64_t y0 = uint64_t(band) * kChunkRows; y0 < s_.height; y0 += uint64_t(bands_) * kChunkRows) {
      const uint64_t y1 = std::min<uint64_t>(y0 + kChunkRows, s_.height);
      for (uint32_t y = uint32_t(y0); y < y1; ++y) {
        for (uint32_t seg = 0; seg < activity_.segments_per_row(); ++seg) {
          if (skip_quiet_ && !activity_.must_step(y, seg, int64_t(t))) continue;
          const uint32_t x0 = seg * ActivityMap::kSegmentWidth;
          const uint32_t x1 = std::min(x0 + ActivityMap::kSegmentWidth, s_.width);
          bool busy = false;
          for (uint32_t x = x0, p = y * s_.width + x0; x < x1; ++x, ++p) {
            const StepResult sr = PeCycle(view_, p, x, y, t).run();
            r.progress |= sr.progress;
            busy |= sr.has_work;
            r.trapped |= (view_.flags[p] & kFlagTrapped) != 0;
          }
          if (busy) {
            r.pending = true;
            activity_.mark(y, seg, int64_t(t));
          }
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
    start_ = std::make_unique<std::barrier<>>(bands_);
    done_ = std::make_unique<std::barrier<>>(bands_);
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
  std::unique_ptr<std::barrier<>> start_, done_;
  std::atomic<bool> quit_{false};
  ActivityMap activity_;
  bool skip_quiet_ = true;
  uint64_t work_cycle_ = 0;
};

}  // namespace

std::unique_ptr<Engine> make_cpu_engine(const EngineOptions& options) {
  return std::make_unique<CpuEngine>(options);
}

}  // namespace wafer
