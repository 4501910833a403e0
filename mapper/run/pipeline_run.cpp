#include "mapper/run/pipeline_run.h"

#include <algorithm>
#include <chrono>

#include "host/kernels/block_split.h"
#include "host/model/constants.h"
#include "host/model/error.h"
#include "mapper/image/pipeline_image.h"

namespace wafer::mapper {

double PipelineRun::samples_per_second() const {
  return interval > 0 ? replicas * kClockHz / interval : 0.0;
}

double steady_interval(const std::vector<uint64_t>& done) {
  if (done.size() < 4) return 0;
  // The mean spacing over the second half, without the last sample: the first half fills the pipeline, and
  // the last sample can leave early (nothing behind it competes for the cores). The mean, not the median:
  // with the sparse kernel a sample's work depends on its zeros, so completions jitter around the
  // bottleneck's rate (gaps of 620 to 880 cycles at a 709-cycle bottleneck in the 34-layer network), and
  // only the mean is that rate. With equal gaps (dense inputs) both are the same.
  const size_t first = done.size() / 2 - 1, last = done.size() - 2;
  return double(done[last] - done[first]) / double(last - first);
}

namespace {

void check(const RunResult& r, StopReason want, uint64_t limit) {
  if (r.reason == want) return;
  if (r.reason == StopReason::kCycleLimit)
    throw Error("the pipeline did not finish within " + std::to_string(limit) + " cycles (" + r.describe() +
                "); raise --max-cycles");
  throw Error("the pipeline stopped: " + r.describe());
}

LayerMeasurement measure(const std::vector<std::vector<uint64_t>>& per_pe, uint32_t width, const Rect& r,
                         uint64_t cycles, uint32_t batch) {
  LayerMeasurement m;
  for (uint32_t y = r.y; y < r.y + r.h; ++y)
    for (uint32_t x = r.x; x < r.x + r.w; ++x) {
      const uint64_t p = uint64_t(y) * width + x;
      m.slot_per_sample = std::max(m.slot_per_sample, per_pe[kCtrArith][p]);
      m.busy += per_pe[kCtrBusy][p];
      m.stall_in += per_pe[kCtrStallFabricIn][p];
      m.stall_out += per_pe[kCtrStallFabricOut][p];
      m.stall_other += per_pe[kCtrStallSlot][p] + per_pe[kCtrStallThread][p];
      m.pe_cycles += cycles;
    }
  m.slot_per_sample = batch ? m.slot_per_sample / batch : 0;
  return m;
}

}  // namespace

PipelineRun run_pipeline(Engine& engine, const LayerGraph& g, const Plan& plan, uint32_t batch,
                         const PipelineRunOptions& options) {
  PipelineRun run;
  run.grid_pes = uint64_t(plan.grid_width) * plan.grid_height;
  run.mapped_pes = plan.pes();
  run.replicas = plan.replicas;
  const uint64_t limit =
      options.max_cycles ? options.max_cycles : 4 * (plan.latency + uint64_t(replica_batch(batch, plan.replicas, 0) + 2) * plan.interval) + 100000;
  const BlockSplit rows{g.output_size(), plan.layers.back().lanes};
  const uint32_t m0 = rows.size(0);
  const auto t0 = std::chrono::steady_clock::now();
  // Completions are timed on replica 0 (every replica runs the same pipeline on its share of the batch).
  // With bands, replica 0's first output stream also carries the outputs of the replicas below it (one per
  // band, fed at the same pace): sample s counts as done when every band there has sent its s-th.
  const uint32_t timed = replica_batch(batch, plan.replicas, 0);
  auto outputs_by_round = [&](uint32_t s) {
    uint64_t n = 0;
    for (uint32_t r = 0; r < plan.replicas; r += plan.replicas_per_band)
      n += uint64_t(std::min(s + 1, replica_batch(batch, plan.replicas, r))) * m0;
    return n;
  };
  for (uint32_t s = 0; s < timed; ++s) {
    const uint64_t left = limit > engine.cycle() ? limit - engine.cycle() : 0;
    const RunResult r = engine.run({.max_cycles = left,
                                    .output_stream = int32_t(output_stream_of_lane(plan, 0, 0)),
                                    .output_count = outputs_by_round(s),
                                    .watchdog_cycles = options.watchdog_cycles,
                                    .trace = options.trace});
    check(r, StopReason::kOutputs, limit);
    run.sample_done.push_back(engine.cycle());
    if (options.on_sample) options.on_sample(s + 1, engine.cycle());
  }
  const uint64_t left = limit > engine.cycle() ? limit - engine.cycle() : 0;
  const RunResult r =
      engine.run({.max_cycles = left, .until_quiescent = true, .watchdog_cycles = options.watchdog_cycles,
                  .trace = options.trace});
  check(r, StopReason::kQuiescent, limit);
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  run.cycles = engine.cycle();
  run.interval = steady_interval(run.sample_done);
  run.outputs = collect_outputs(engine, g, plan, batch);

  std::vector<std::vector<uint64_t>> per_pe(kCounterCount);
  for (uint32_t c : {kCtrBusy, kCtrStallFabricIn, kCtrStallFabricOut, kCtrStallSlot, kCtrStallThread, kCtrArith})
    per_pe[c] = engine.counter_per_pe(Counter(c));
  for (const auto& l : plan.layers) {
    run.layers.push_back(measure(per_pe, plan.grid_width, l.rect(), run.cycles, replica_batch(batch, plan.replicas, 0)));
    const LayerMeasurement& m = run.layers.back();
    run.total.busy += m.busy, run.total.stall_in += m.stall_in, run.total.stall_out += m.stall_out;
    run.total.stall_other += m.stall_other, run.total.pe_cycles += m.pe_cycles;
  }
  return run;
}

}  // namespace wafer::mapper
