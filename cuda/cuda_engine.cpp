// The CUDA engine (see cuda_engine.h, docs/cuda-engine.md). Host C++: it owns the device state and the
// run-control word, enqueues cycles through step_kernels.h and turns stops into the shared reports
// (host/engine/reports.h) from a downloaded state, exactly as the CPU engine does from its own.
#include "cuda/cuda_engine.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include "cuda/batch_loop.h"
#include "cuda/cuda_check.h"
#include "cuda/device_buffer.h"
#include "cuda/device_memory.h"
#include "cuda/device_state.h"
#include "cuda/device_trace.h"
#include "cuda/state_reduce.h"
#include "cuda/step_kernels.h"
#include "host/engine/host_access.h"
#include "host/engine/reports.h"
#include "host/model/error.h"

namespace wafer {

namespace {

void check_launch_config(const CudaLaunchConfig& c) {
  if (c.block_size < 32 || c.block_size > kStepKernelMaxBlock || c.block_size % 32 != 0) {
    throw Error("CUDA launch: block size " + std::to_string(c.block_size) + " must be a multiple of 32 in [32, " +
                std::to_string(kStepKernelMaxBlock) +
                "] (the step kernel votes per full warp, and is compiled for blocks of at most " +
                std::to_string(kStepKernelMaxBlock) + " threads)");
  }
  if (c.batch_cycles == 0) throw Error("CUDA launch: batch_cycles must be at least 1");
}

// A CUDA graph of `cycles` enqueued cycles, replayed while a run needs whole batches: one launch call
// instead of 2 x cycles. Rebuilt when the view changes (a new image) since kernel arguments are baked in.
class CycleGraph {
 public:
  CycleGraph() = default;
  CycleGraph(const CycleGraph&) = delete;
  CycleGraph& operator=(const CycleGraph&) = delete;
  ~CycleGraph() { reset(); }

  bool ready() const { return exec_ != nullptr; }
  void reset() noexcept {
    if (exec_ != nullptr) (void)cudaGraphExecDestroy(exec_);
    if (graph_ != nullptr) (void)cudaGraphDestroy(graph_);
    exec_ = nullptr;
    graph_ = nullptr;
  }
  void build(const MachineView& view, DeviceControl* control, const StepLaunch& launch, uint32_t cycles,
             cudaStream_t stream) {
    reset();
    // Thread-local capture: another thread's CUDA calls (a second engine) neither join nor break it.
    WAFER_CUDA_CHECK(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
    try {
      for (uint32_t i = 0; i < cycles; ++i) enqueue_cycle(view, control, launch, stream, false);
    } catch (...) {
      cudaGraph_t broken = nullptr;
      (void)cudaStreamEndCapture(stream, &broken);
      if (broken != nullptr) (void)cudaGraphDestroy(broken);
      throw;
    }
    WAFER_CUDA_CHECK(cudaStreamEndCapture(stream, &graph_));
    WAFER_CUDA_CHECK(cudaGraphInstantiate(&exec_, graph_, 0));
  }
  void launch(cudaStream_t stream) { WAFER_CUDA_CHECK(cudaGraphLaunch(exec_, stream)); }

 private:
  cudaGraph_t graph_ = nullptr;
  cudaGraphExec_t exec_ = nullptr;
};

class CudaEngine final : public Engine {
 public:
  CudaEngine(const EngineOptions& options, const CudaLaunchConfig& launch)
      : launch_(launch), debug_sync_(options.debug_sync || kCudaDebugSync), device_(options.device) {
    check_launch_config(launch);
    const CudaDeviceInfo info = cuda_device_info(options.device);
    if (!info.present) throw Error(info.why_not);
    device_name_ = "device " + std::to_string(options.device) + " (" + info.name + ")";
    WAFER_CUDA_CHECK(cudaSetDevice(device_));
    // The driver's figure for the compiled kernel, which is what a launch is held to (kStepKernelMaxBlock
    // is what the build asked for).
    const std::string refusal = step_block_refusal(launch.block_size, step_kernel_limits(launch.permute_threads));
    if (!refusal.empty()) throw Error(refusal);
    WAFER_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    // A throwing constructor runs no destructor: give the stream back here.
    try {
      control_ = DeviceBuffer(sizeof(DeviceControl));
    } catch (...) {
      (void)cudaStreamDestroy(stream_);
      stream_ = nullptr;
      throw;
    }
  }
  ~CudaEngine() override {
    (void)cudaSetDevice(device_);  // the buffers belong to this engine's device
    graph_.reset();
    state_.release();
    control_.reset();
    if (stream_ != nullptr) (void)cudaStreamDestroy(stream_);
  }

  const char* name() const override { return "cuda"; }

  void load(const Image& image) override {
    select_device();
    // Pre-check from the grid alone, before the state is built in host memory (a hopeless image on a huge
    // grid would otherwise first take tens of GB of host RAM). What this engine holds now will be freed,
    // so it counts as free. A failed check leaves the loaded image as it was.
    image.validate();  // first, so a malformed image is reported as such, not as a memory figure
    const uint32_t sram_words = image.sram_words();
    const uint64_t held = state_.loaded() ? held_bytes_ : 0;
    require_fits(plan_device_memory(image.width, image.height, sram_words), image.width, image.height,
                 sram_words, free_device_bytes() + held, device_name_);
    MachineState s = load_machine(image);
    const DeviceMemoryPlan plan = plan_device_memory(s);
    require_fits(plan, s.width, s.height, s.sram_words, free_device_bytes() + held, device_name_);
    graph_.reset();
    state_.release();
    host_ = MachineState{};
    cycle_ = 0;
    stopped_.reset();
    needs_reload_.clear();
    // The exact figure against what is free now that the old state is gone.
    require_fits(plan, s.width, s.height, s.sram_words, free_device_bytes(), device_name_);
    state_.upload(s, stream_);
    // Keep the host copy small: per-PE arrays and SRAM live on the device only (a wafer's state is tens of
    // GB). What stays: the shape, the tables, names, the small edge and stream arrays (snapshot resizes the
    // rest), and `kernel`, which the cycle function never writes and activate() validates against.
#define WAFER_DROP_FIELD(type, name, count) \
  if (std::string_view(#name) != "kernel") std::vector<type>().swap(s.name);
    WAFER_PE_FIELDS(WAFER_DROP_FIELD)
#undef WAFER_DROP_FIELD
    std::vector<uint32_t>().swap(s.sram);
    host_ = std::move(s);
    held_bytes_ = plan.total();
    if (launch_.graph_at_load && launch_.use_graph && !debug_sync_) {
      graph_.build(state_.view(), control_.as<DeviceControl>(), {launch_.block_size, launch_.permute_threads},
                   launch_.batch_cycles, stream_);
    }
  }

  RunResult run(const RunRequest& request) override {
    require_loaded();
    require_consistent();
    const RunLimits limits = run_limits(request, host_.out_info.size());
    if (auto r = result_without_running(stopped_, limits)) return *r;
    select_device();
    // A traced run gathers a frame after every cycle (cuda/device_trace.h): no graphs, batches that fit
    // the frame buffer, and the frames of each batch handed to the recorder once it has run.
    // A recorder its limit has cut takes no more frames: the run goes untraced (graphs, whole batches).
    std::optional<DeviceTraceFrames> trace;
    if (request.trace && request.trace->recording()) {
      trace.emplace(*request.trace, host_, launch_.batch_cycles, stream_);
      trace->baseline(state_.view(), cycle_, debug_sync_);
    }
    DeviceControl c{};
    c.limits = limits;
    c.cycle = cycle_;
    auto* control = control_.as<DeviceControl>();
    WAFER_CUDA_CHECK(cudaMemcpyAsync(control, &c, sizeof c, cudaMemcpyHostToDevice, stream_));
    const bool graphs = launch_.use_graph && !debug_sync_ && !trace;
    const StepLaunch step{launch_.block_size, launch_.permute_threads};
    uint32_t batches = 0;
    uint64_t done = 0;  // cycles of this run before the current batch
    const RunProgress progress = run_batches(
        limits.max_cycles, trace ? trace->frames_per_batch() : launch_.batch_cycles,
        [&](uint32_t cycles, bool whole) {
          if (graphs && whole) {
            if (!graph_.ready()) graph_.build(state_.view(), control, step, cycles, stream_);
            graph_.launch(stream_);
          } else {
            for (uint32_t i = 0; i < cycles; ++i) {
              enqueue_cycle(state_.view(), control, step, stream_, debug_sync_);
              if (trace) trace->enqueue(state_.view(), i, debug_sync_);
            }
          }
        },
        [&] {
          WAFER_CUDA_CHECK(cudaMemcpyAsync(&c, control, sizeof c, cudaMemcpyDeviceToHost, stream_));
          WAFER_CUDA_CHECK(cudaStreamSynchronize(stream_));
          if (trace) trace->deliver(c.progress.cycles_done - done, cycle_ + done);
          done = c.progress.cycles_done;
          if (++batches == launch_.test_fail_after_batches) {
            throw Error("injected failure after " + std::to_string(batches) + " batches (test hook)");
          }
          // Progress once per batch (the host sees the device only here), at most as often as asked.
          if (request.on_progress && request.progress_every) request.on_progress(cycle_ + c.progress.cycles_done);
          return c.progress;
        },
        [&]() noexcept { resync_after_error(); });
    cycle_ += progress.cycles_done;
    // Traps and stalls are rare and their reports read the state (all but SRAM): download it then, not per
    // batch.
    std::optional<MachineState> stopped_state;
    if (progress.stop == kStopTrap || progress.stop == kStopStall) stopped_state = download(false);
    RunResult r = make_run_result(progress.stop, progress.cycles_done, cycle_, progress.quiet_cycles,
                                  stopped_state ? *stopped_state : host_);
    if (r.reason == StopReason::kTrap || r.reason == StopReason::kStall) stopped_ = r;
    return r;
  }

  uint64_t cycle() const override {
    return cycle_;
  }

  // After a failed run: the batches that did run advanced the device's cycle count (and the parity of the
  // link buffers with it). Read it back so the next run starts on the device's cycle; if even that fails,
  // the host cannot know where the device is, and every later call must say so until a reload.
  void resync_after_error() noexcept {
    try {
      graph_.reset();  // a graph from a broken capture or context is not to be replayed
      DeviceControl c{};
      WAFER_CUDA_CHECK(cudaMemcpyAsync(&c, control_.get(), sizeof c, cudaMemcpyDeviceToHost, stream_));
      WAFER_CUDA_CHECK(cudaStreamSynchronize(stream_));
      cycle_ = c.cycle;
      // A trap or stall during the failed run has no report here; the host cannot build one without the
      // state, so the engine asks for a reload rather than run on from a stopped machine.
      if (c.progress.stop == kStopTrap || c.progress.stop == kStopStall)
        needs_reload_ = "the machine stopped (" + std::string(c.progress.stop == kStopTrap ? "trap" : "stall") +
                        ") during a run that failed";
    } catch (const std::exception& e) {
      needs_reload_ = std::string("the device's cycle count could not be read after an error (") + e.what() + ")";
    } catch (...) {
      needs_reload_ = "the device's cycle count could not be read after an error";
    }
  }
  void require_consistent() const {
    if (!needs_reload_.empty()) throw Error("CUDA engine needs a reload: " + needs_reload_);
  }

  // SRAM word w of PE p is at [w * n + p]: `count` words of one PE are a column of a pitched 2D array
  // (pitch n words, width one word), one cudaMemcpy2D.
  std::vector<uint32_t> read_sram(uint32_t x, uint32_t y, uint32_t addr, uint32_t count) const override {
    const uint64_t p = checked_pe(x, y);
    check_sram_range(x, y, addr, count);
    std::vector<uint32_t> out(count);
    if (count == 0) return out;
    select_device();
    WAFER_CUDA_CHECK(cudaMemcpy2DAsync(
        out.data(), sizeof(uint32_t), view().sram + uint64_t(addr) * host_.n + p,
        uint64_t(host_.n) * sizeof(uint32_t), sizeof(uint32_t), count, cudaMemcpyDeviceToHost, stream_));
    WAFER_CUDA_CHECK(cudaStreamSynchronize(stream_));
    return out;
  }
  void write_sram(uint32_t x, uint32_t y, uint32_t addr, const std::vector<uint32_t>& words) override {
    const uint64_t p = checked_pe(x, y);
    check_sram_range(x, y, addr, uint32_t(words.size()));
    if (words.empty()) return;
    select_device();
    WAFER_CUDA_CHECK(cudaMemcpy2DAsync(view().sram + uint64_t(addr) * host_.n + p,
                                       uint64_t(host_.n) * sizeof(uint32_t), words.data(), sizeof(uint32_t),
                                       sizeof(uint32_t), words.size(), cudaMemcpyHostToDevice, stream_));
    WAFER_CUDA_CHECK(cudaStreamSynchronize(stream_));
  }
  // Over a rectangle: each run of neighbouring PEs in a row that share an address is a 2D block of the
  // word-major SRAM (count rows of `len` words, pitch n words): one cudaMemcpy2DAsync per run into (or from)
  // a word-major staging buffer, one synchronisation for the whole rectangle, the transposition on the host.
  void read_sram_rect(Rect r, const std::vector<uint32_t>& addr, uint32_t count, uint32_t* words) const override {
    require_loaded();
    check_sram_rect(host_, r, addr, count);
    if (count == 0 || addr.empty()) return;
    select_device();
    std::vector<uint32_t> staging(addr.size() * uint64_t(count));
    const std::vector<SramRun> runs = sram_runs(r, addr);
    for (const SramRun& u : runs) {
      WAFER_CUDA_CHECK(cudaMemcpy2DAsync(staging.data() + u.first * count, u.len * sizeof(uint32_t),
                                         view().sram + uint64_t(u.addr) * host_.n + u.pe, host_.n * sizeof(uint32_t),
                                         u.len * sizeof(uint32_t), count, cudaMemcpyDeviceToHost, stream_));
    }
    WAFER_CUDA_CHECK(cudaStreamSynchronize(stream_));
    for (const SramRun& u : runs) {
      const uint32_t* block = staging.data() + u.first * count;  // [k][i]
      for (uint64_t i = 0; i < u.len; ++i)
        for (uint32_t k = 0; k < count; ++k) words[(u.first + i) * count + k] = block[k * u.len + i];
    }
  }
  void write_sram_rect(Rect r, const std::vector<uint32_t>& addr, uint32_t count, const uint32_t* words) override {
    require_loaded();
    check_sram_rect(host_, r, addr, count);
    if (count == 0 || addr.empty()) return;
    select_device();
    std::vector<uint32_t> staging(addr.size() * uint64_t(count));
    for (const SramRun& u : sram_runs(r, addr)) {
      uint32_t* block = staging.data() + u.first * count;
      for (uint64_t i = 0; i < u.len; ++i)
        for (uint32_t k = 0; k < count; ++k) block[k * u.len + i] = words[(u.first + i) * count + k];
      WAFER_CUDA_CHECK(cudaMemcpy2DAsync(view().sram + uint64_t(u.addr) * host_.n + u.pe, host_.n * sizeof(uint32_t),
                                         block, u.len * sizeof(uint32_t), u.len * sizeof(uint32_t), count,
                                         cudaMemcpyHostToDevice, stream_));
    }
    WAFER_CUDA_CHECK(cudaStreamSynchronize(stream_));  // the staging buffer lives until the copies are done
  }
  uint32_t read_reg(uint32_t x, uint32_t y, uint32_t reg) const override {
    const uint64_t p = checked_pe(x, y);
    check_reg(reg);
    uint32_t value = 0;
    copy_out(&value, view().regs + uint64_t(reg) * host_.n + p, sizeof value);
    return value;
  }
  void write_reg(uint32_t x, uint32_t y, uint32_t reg, uint32_t value) override {
    const uint64_t p = checked_pe(x, y);
    check_reg(reg);
    select_device();
    WAFER_CUDA_CHECK(cudaMemcpyAsync(view().regs + uint64_t(reg) * host_.n + p, &value, sizeof value,
                                     cudaMemcpyHostToDevice, stream_));
    WAFER_CUDA_CHECK(cudaStreamSynchronize(stream_));
  }

  void activate(Rect rect, uint32_t task) override {
    require_loaded();
    check_activate(host_, rect, task);
    select_device();
    enqueue_activate(view(), rect, task, stream_, debug_sync_);
    WAFER_CUDA_CHECK(cudaStreamSynchronize(stream_));
  }

  std::vector<Wavelet> output(uint32_t stream) const override {
    require_loaded();
    if (stream >= host_.out_info.size())
      throw Error("output stream " + std::to_string(stream) + " does not exist");
    const OutStreamInfo& o = host_.out_info[stream];
    uint64_t received = 0;
    copy_out(&received, view().out_received + stream, sizeof received);
    const uint64_t k = std::min<uint64_t>(received, o.capacity);
    std::vector<uint32_t> pay(k), meta(k);
    if (k > 0) {
      copy_out(pay.data(), view().out_data_pay + o.offset, k * sizeof(uint32_t));
      copy_out(meta.data(), view().out_data_meta + o.offset, k * sizeof(uint32_t));
    }
    std::vector<Wavelet> out(k);
    for (uint64_t i = 0; i < k; ++i) out[i] = {pay[i], meta[i]};
    return out;
  }

  // State dumps: each device array through one bounded host staging buffer, so a full wafer's dump never
  // holds a second copy of the state in host memory.
  void read_state(const StateChunkFn& f) const override {
    require_loaded();
    std::vector<char> staging;
    for (const DeviceArray& a : state_.arrays()) {
      const uint64_t bytes = a.count * a.elem_size;
      state_chunks(bytes, [&](uint64_t off, uint64_t n) {
        staging.resize(n);
        if (n) copy_out(staging.data(), static_cast<const char*>(a.data) + off, n);
        f(a.name.c_str(), bytes, off, staging.data(), n);
      });
    }
  }
  void write_state(const StateChunkFn& f, uint64_t cycle) override {
    require_loaded();
    select_device();
    std::vector<char> staging;
    for (const DeviceArray& a : state_.arrays()) {
      const uint64_t bytes = a.count * a.elem_size;
      state_chunks(bytes, [&](uint64_t off, uint64_t n) {
        staging.resize(n);
        f(a.name.c_str(), bytes, off, staging.data(), n);
        if (n == 0) return;
        WAFER_CUDA_CHECK(cudaMemcpyAsync(static_cast<char*>(a.data) + off, staging.data(), n,
                                         cudaMemcpyHostToDevice, stream_));
        WAFER_CUDA_CHECK(cudaStreamSynchronize(stream_));
      });
    }
    cycle_ = cycle;  // the next run's control block starts here; the link-buffer parity follows the cycle
    stopped_.reset();
    needs_reload_.clear();
  }

  std::vector<uint64_t> counter_totals() const override {
    require_loaded();
    select_device();
    return device_counter_totals(view(), stream_);
  }
  std::vector<uint64_t> counter_per_pe(Counter c) const override {
    require_loaded();
    if (uint32_t(c) >= uint32_t(kCounterCount))
      throw Error("counter " + std::to_string(uint32_t(c)) + " does not exist");
    std::vector<uint64_t> out(host_.n);
    copy_out(out.data(), view().ctr + uint64_t(c) * host_.n, out.size() * sizeof(uint64_t));
    return out;
  }

  uint64_t state_hash() const override {
    require_loaded();
    select_device();
    return device_state_hash(state_, stream_);
  }

  MachineState snapshot() const override { return download(true); }
  void inspect(const std::function<void(const MachineState&)>& f) const override { f(download(false)); }

 private:
  const MachineView& view() const {
    return state_.view();
  }
  // A run of neighbouring PEs in one row of a rectangle that share an SRAM address.
  struct SramRun {
    uint64_t first;  // index of its first PE in the rectangle (row-major)
    uint64_t len;
    uint64_t pe;     // that PE's index in the grid
    uint32_t addr;
  };
  std::vector<SramRun> sram_runs(Rect r, const std::vector<uint32_t>& addr) const {
    std::vector<SramRun> runs;
    for (uint32_t j = 0; j < r.h; ++j) {
      for (uint32_t i = 0; i < r.w;) {
        const uint64_t first = uint64_t(j) * r.w + i;
        uint32_t len = 1;
        while (i + len < r.w && addr[first + len] == addr[first]) ++len;
        runs.push_back({first, len, uint64_t(r.y + j) * host_.width + r.x + i, addr[first]});
        i += len;
      }
    }
    return runs;
  }
  // The whole state, or all but SRAM (which stays empty): what the reports read.
  MachineState download(bool with_sram) const {
    require_loaded();
    MachineState s = host_;
#define WAFER_RESIZE_FIELD(type, name, count) s.name.resize(uint64_t(count) * s.n);
    WAFER_PE_FIELDS(WAFER_RESIZE_FIELD)
#undef WAFER_RESIZE_FIELD
    if (with_sram) s.sram.resize(uint64_t(s.sram_words) * s.n);
    select_device();
    state_.download(s, stream_, with_sram);
    return s;
  }
  uint64_t free_device_bytes() const {
    size_t free_bytes = 0, total_bytes = 0;
    WAFER_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
    return free_bytes;
  }
  void select_device() const {
    WAFER_CUDA_CHECK(cudaSetDevice(device_));
  }
  void require_loaded() const {
    if (!state_.loaded()) throw Error("no image loaded");
  }
  void copy_out(void* dst, const void* src, uint64_t bytes) const {
    select_device();
    WAFER_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, stream_));
    WAFER_CUDA_CHECK(cudaStreamSynchronize(stream_));
  }
  // The same checks and messages as the CPU engine: callers see one behaviour whatever the engine.
  uint64_t checked_pe(uint32_t x, uint32_t y) const {
    require_loaded();
    return wafer::checked_pe(host_, x, y);
  }
  void check_sram_range(uint32_t x, uint32_t y, uint32_t addr, uint32_t count) const {
    wafer::check_sram_range(host_, x, y, addr, count);
  }

  CudaLaunchConfig launch_;
  bool debug_sync_ = false;
  int device_ = 0;
  std::string device_name_;
  cudaStream_t stream_ = nullptr;
  DeviceBuffer control_;
  DeviceState state_;
  CycleGraph graph_;
  MachineState host_;        // shape, tables and names; per-PE arrays dropped after upload (see load)
  uint64_t held_bytes_ = 0;  // plan total of the loaded image
  uint64_t cycle_ = 0;
  std::optional<RunResult> stopped_;
  std::string needs_reload_;  // why the host no longer knows the device's state ("" = it does)
};

}  // namespace

std::unique_ptr<Engine> make_cuda_engine(const EngineOptions& options) {
  return make_cuda_engine(options, CudaLaunchConfig{});
}

std::unique_ptr<Engine> make_cuda_engine(const EngineOptions& options, const CudaLaunchConfig& launch) {
  return std::make_unique<CudaEngine>(options, launch);
}

}  // namespace wafer
