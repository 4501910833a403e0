// wafer infer MODEL --input X.npy --output Y.npy: map the model, stream the batch through the layer
// pipeline on an engine, write Y, report emulated throughput against the cost model and, with --check,
// the worst error against the float64 reference evaluation of the model.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cxxopts.hpp>
#include <optional>
#include <stdexcept>

#include "host/cli/commands.h"
#include "host/cli/observe_options.h"
#include "host/cli/output_paths.h"
#include "host/cli/progress.h"
#include "host/cli/model_commands_common.h"
#include "host/io/npy.h"
#include "host/model/constants.h"
#include "host/model/error.h"
#include "host/runtime/rect_copy.h"
#include "mapper/check/ordered_fp32.h"
#include "mapper/check/tolerance.h"
#include "mapper/image/pipeline_image.h"
#include "mapper/import/onnx_reference.h"
#include "mapper/observe/plan_regions.h"
#include "mapper/reference.h"
#include "mapper/run/batch_input.h"
#include "mapper/run/pipeline_run.h"
#include "mapper/sparsity/setup.h"

namespace wafer::cli {

namespace {

uint32_t argmax(const double* v, uint32_t n) {
  return uint32_t(std::max_element(v, v + n) - v);
}

double pct(uint64_t part, uint64_t whole) {
  return whole ? 100.0 * double(part) / double(whole) : 0.0;
}

// --trace: X,Y,WxH, or L<layer>[r<replica>]: the layer's block in that replica (0 unless named).
Rect trace_target(const std::string& spec, const mapper::Plan& plan) {
  if (spec.empty() || spec[0] != 'L') return parse_rect(spec);
  const std::string bad = "--trace '" + spec + "': expected X,Y,WxH or L<layer>[r<replica>]";
  size_t used = 0;
  uint64_t layer = 0, replica = 0;
  try {
    layer = std::stoull(spec.substr(1), &used);
    used += 1;
    if (used < spec.size()) {
      if (spec[used] != 'r' || used + 1 == spec.size() || !std::isdigit(static_cast<unsigned char>(spec[used + 1])))
        throw Error(bad);
      size_t more = 0;
      replica = std::stoull(spec.substr(used + 1), &more);
      used += 1 + more;
    }
  } catch (const std::logic_error&) {
    throw Error(bad);
  }
  if (used != spec.size() || !std::isdigit(static_cast<unsigned char>(spec[1]))) throw Error(bad);
  if (layer >= plan.layers.size())
    throw Error("--trace '" + spec + "': the plan has layers 0.." + std::to_string(plan.layers.size() - 1));
  if (replica >= plan.replicas)
    throw Error("--trace '" + spec + "': the plan has replicas 0.." + std::to_string(plan.replicas - 1));
  return plan.layer_of_replica(uint32_t(layer), uint32_t(replica)).rect();
}

}  // namespace

int infer_command(int argc, char** argv) {
  cxxopts::Options opts("wafer infer", "Map a network, stream a batch through it on the wafer, write the outputs");
  opts.add_options()("model", "ONNX model (.onnx) or JSON layer list (.json)", cxxopts::value<std::string>())(
      "input", "samples (.npy, [batch, features])", cxxopts::value<std::string>())(
      "output", "write the outputs here (.npy, float32 [batch, outputs])", cxxopts::value<std::string>())(

      "engine", "cpu, cuda or auto (cuda when a GPU is present)", cxxopts::value<std::string>()->default_value("auto"))(
      "threads", "CPU engine threads (0 = all)", cxxopts::value<unsigned>()->default_value("0"))(

      "check", "compare with the float64 reference evaluation of the model")(
      "labels", "true classes (.npy, [batch]): report the accuracy of argmax", cxxopts::value<std::string>())(
      "max-cycles", "give up after this many cycles (0: from the prediction)", cxxopts::value<uint64_t>()->default_value("0"))(
      "induce-sparsity", "zero the fraction F in [0,1) of each hidden layer's non-zero activations, smallest first "
      "(per-layer thresholds calibrated on the input batch)", cxxopts::value<double>())(
      "sparsity-threshold", "zero hidden activations with |a| < T (T >= 0)", cxxopts::value<float>())(
      "dense-kernel", "the dense FC kernel (zeros travel and cost like any value) instead of the sparse one")(
      "h,help", "show help");
  add_plan_options(opts);
  add_observe_options(opts);
  add_trace_options(opts, "X,Y,WxH, or L<layer>[r<replica>] for a layer's block (replica 0 unless named)");
  opts.parse_positional({"model"});
  opts.positional_help("MODEL");
  const auto args = opts.parse(argc, argv);
  if (args.count("help") || !args.count("model") || !args.count("input")) {
    std::printf("%s\n", opts.help().c_str());
    return args.count("help") ? 0 : 2;
  }
  const std::string model = args["model"].as<std::string>(), in_path = args["input"].as<std::string>();
  const GridSize grid = parse_grid(args["grid"].as<std::string>());
  mapper::LayerGraph g = mapper::import_model(model);
  const NpyArray in = read_npy(in_path);
  const mapper::Batch batch = mapper::batch_from_npy(in, g, in_path);
  const bool induced = args.count("induce-sparsity") || args.count("sparsity-threshold");
  const mapper::SparsitySetup sparsity = mapper::setup_sparsity(
      g, batch.values, batch.size,
      {.dense_kernel = args.count("dense-kernel") > 0,
       .fraction = args.count("induce-sparsity") ? args["induce-sparsity"].as<double>() : -1.0,
       .threshold = args.count("sparsity-threshold") ? args["sparsity-threshold"].as<float>() : -1.0f,
       .fraction_given = args.count("induce-sparsity") > 0,
       .threshold_given = args.count("sparsity-threshold") > 0});
  NpyArray labels;
  if (args.count("labels")) {
    labels = read_npy(args["labels"].as<std::string>());
    if (labels.data.size() != batch.size)
      throw Error(args["labels"].as<std::string>() + ": " + std::to_string(labels.data.size()) + " labels for " +
                  std::to_string(batch.size) + " samples");
  }
  // The steady state is measured on replica 0's completions: give every replica at least
  // kSamplesPerReplica of the batch (a batch of 360 gets at most 45 replicas). A replica with fewer would
  // finish the batch sooner but show only its latency; --replicas N forces any count.
  constexpr uint32_t kSamplesPerReplica = 8;
  const uint32_t max_replicas = std::max(1u, batch.size / kSamplesPerReplica);
  PlanChoice choice = choose_plan(g, grid, args, max_replicas);
  if (!args["replicas"].as<uint32_t>() && choice.plan.replicas == max_replicas)
    std::printf("replicas capped at %u: each gets at least %u of the %u samples, so that the steady state is "
                "measured (--replicas N forces a count)\n",
                max_replicas, kSamplesPerReplica, batch.size);
  // The search costs shapes with each position's expected work; the chosen plan's interval is then
  // predicted over the batch's own samples (the coupling model, mapper/cost/coupling.h).
  const mapper::CoupledPlan coupled = mapper::couple_plan(g, choice.plan, batch.values, batch.size);
  const mapper::Plan& plan = choice.plan;
  const std::optional<Rect> trace_rect =
      args.count("trace") ? std::optional<Rect>(trace_target(args["trace"].as<std::string>(), plan)) : std::nullopt;
  // Output files before the run: a long run must not end on a typo in an output path.
  if (trace_rect) require_writable(args["trace-out"].as<std::string>(), "--trace-out");
  if (args.count("heatmap")) require_writable(args["heatmap"].as<std::string>(), "--heatmap");
  if (args.count("output")) require_writable(args["output"].as<std::string>(), "--output");
  const std::string engine_name = pick_engine(args["engine"].as<std::string>());
  std::printf("%s: %zu layers, %llu weights; %u sample(s) from %s; grid %ux%u; engine %s\n", model.c_str(),
              g.layers.size(), (unsigned long long)g.weight_count(), batch.size, in_path.c_str(), grid.width,
              grid.height, engine_name.c_str());
  std::printf("%s", mapper::plan_table(g, plan).c_str());
  std::printf("%s", describe_choice(choice).c_str());
  std::printf("%s", mapper::describe_sparsity(g, sparsity).c_str());
  std::printf("%s", mapper::describe_coupled(coupled).c_str());
  std::fflush(stdout);

  check_image_fits_memory(model, plan, engine_name == "cpu");
  const Image im = mapper::build_pipeline_image(g, plan, batch.values, batch.size);
  auto engine = make_engine(engine_name, {.threads = args["threads"].as<unsigned>()});
  engine->load(im);
  // The progress line counts replica 0's samples; the end in cycles is the plan's prediction.
  const uint32_t timed = mapper::replica_batch(batch.size, plan.replicas, 0);
  ProgressLine progress(im.pe_count(), plan.latency + uint64_t(timed) * plan.interval, ProgressLine::on_terminal());
  std::optional<TraceRecorder> trace;
  if (trace_rect) trace.emplace(im, *trace_rect, args["trace-limit"].as<uint64_t>());
  std::optional<mapper::PipelineRun> ran;
  try {
    ran = mapper::run_pipeline(*engine, g, plan, batch.size,
                               {.max_cycles = args["max-cycles"].as<uint64_t>(),
                                .on_sample = [&](uint32_t, uint64_t cycle) { progress.update(cycle); },
                                .trace = trace ? &*trace : nullptr});
  } catch (const Error&) {
    progress.finish();
    if (trace) {  // what led to the stall or trap; a trace that cannot be written must not hide that error
      try {
        write_trace(*trace, args, *trace_rect, engine->cycle());
      } catch (const std::exception& e) {
        std::fprintf(stderr, "wafer infer: warning: %s\n", e.what());
      }
    }
    throw;
  }
  progress.finish();
  const mapper::PipelineRun& run = *ran;
  if (trace) write_trace(*trace, args, *trace_rect, engine->cycle());

  std::printf("ran %u sample(s) in %llu cycles (%.2f s wall)\n", batch.size, (unsigned long long)run.cycles, run.seconds);
  if (run.interval > 0) {
    std::printf("steady state: %.1f cycles/sample measured, %llu predicted (%+.1f%%): %.4g samples/s at 850 MHz\n",
                run.interval, (unsigned long long)plan.interval,
                100.0 * (double(plan.interval) - run.interval) / run.interval, run.samples_per_second());
    if (coupled.applied)
      std::printf("  (predicted by the coupling model; the expected-work model alone: %llu, %+.1f%%)\n",
                  (unsigned long long)coupled.expected,
                  100.0 * (double(coupled.expected) - run.interval) / run.interval);
  } else {
    std::printf("steady state: not measured (fewer than 4 samples); predicted %llu cycles/sample\n",
                (unsigned long long)plan.interval);
  }
  std::printf("first sample out after %llu cycles (predicted latency %llu)\n",
              (unsigned long long)run.sample_done.front(), (unsigned long long)plan.latency);
  std::printf("per layer, busiest PE's arithmetic-slot work per sample (measured / predicted):");
  for (size_t i = 0; i < run.layers.size(); ++i)
    std::printf("%s %zu: %llu/%llu", i ? "," : "", i, (unsigned long long)run.layers[i].slot_per_sample,
                (unsigned long long)plan.layers[i].cost.slot_work);
  std::printf("\n");
  const auto& t = run.total;
  const uint64_t idle = t.pe_cycles - std::min(t.pe_cycles, t.busy + t.stall_in + t.stall_out + t.stall_other);
  std::printf("mapped PEs' cycles: busy %.1f%%, waiting on fabric input %.1f%%, on fabric output %.1f%%, "
              "on the slot or a microthread %.1f%%, idle %.1f%%\n",
              pct(t.busy, t.pe_cycles), pct(t.stall_in, t.pe_cycles), pct(t.stall_out, t.pe_cycles),
              pct(t.stall_other, t.pe_cycles), pct(idle, t.pe_cycles));
  std::printf("emulator: %.3g PE-cycles/s over the grid (%llu PEs), %.3g over the mapped PEs (%llu)\n",
              run.pe_cycles_per_second(), (unsigned long long)run.grid_pes,
              run.seconds > 0 ? double(run.cycles) * double(run.mapped_pes) / run.seconds : 0.0,
              (unsigned long long)run.mapped_pes);

  const Observation observed = observe_run(args, *engine, im.width, im.height, mapper::plan_regions(plan), model,
                                           "in no layer");
  if (args.count("counters")) std::printf("%s", region_table(observed).c_str());
  if (args.count("heatmap")) std::printf("wrote %s\n", args["heatmap"].as<std::string>().c_str());

  if (!g.dense_kernel) {
    // What the hidden layers produced: the replay computes the wafer's arithmetic bit for bit (--check
    // verifies the outputs), so its zeros are the wafer's.
    mapper::ReplayDetail detail;
    mapper::ordered_fp32_forward(g, plan, batch.values, batch.size, &detail);
    std::printf("%s", mapper::describe_measured_sparsity(g, detail).c_str());
  }
  if (args.count("output")) {
    std::vector<double> y(run.outputs.begin(), run.outputs.end());
    write_npy(args["output"].as<std::string>(), {batch.size, g.output_size()}, y, true);
    std::printf("wrote %s (float32 [%u, %u])\n", args["output"].as<std::string>().c_str(), batch.size, g.output_size());
  }
  int status = 0;
  std::vector<double> ref;
  if (args.count("check")) {
    // Induced sparsity changes the network: the graph's own evaluation applies it, the ONNX file cannot.
    ref = mapper::is_onnx_path(model) && !induced ? mapper::evaluate_onnx_reference(model, in.data, in.shape)
                                                  : mapper::evaluate_layer_graph(g, batch.values, batch.size);
    const auto bound = mapper::output_error_bound(g, plan, batch.values, batch.size);
    const mapper::CheckResult c = mapper::compare_with_reference(run.outputs, ref, bound, g.output_size());
    std::printf("check against the float64 reference: worst error %.3g (bound %.3g, sample %llu output %llu, "
                "%.2f of its bound); %llu of %zu outside: %s\n",
                c.worst_error, c.worst_bound, (unsigned long long)c.worst_sample, (unsigned long long)c.worst_index,
                c.worst_ratio, (unsigned long long)c.outside, ref.size(), c.pass() ? "PASS" : "FAIL");
    if (!c.pass()) status = 1;
    const mapper::BitCompare bits =
        mapper::compare_bits(run.outputs, mapper::ordered_fp32_forward(g, plan, batch.values, batch.size));
    if (bits.equal())
      std::printf("check against the fp32 host replay in the kernel's order: all %zu outputs bit-identical\n",
                  run.outputs.size());
    else {
      std::printf("check against the fp32 host replay in the kernel's order: %llu of %zu outputs differ (first: "
                  "sample %llu output %llu, wafer %.9g, host %.9g): FAIL\n",
                  (unsigned long long)bits.differing, run.outputs.size(), (unsigned long long)(bits.first / g.output_size()),
                  (unsigned long long)(bits.first % g.output_size()), bits.got, bits.want);
      status = 1;
    }
  }
  if (args.count("labels")) {
    const uint32_t m = g.output_size();
    std::vector<double> y(run.outputs.begin(), run.outputs.end());
    uint64_t right = 0, agree = 0;
    for (uint32_t s = 0; s < batch.size; ++s) {
      const uint32_t k = argmax(&y[uint64_t(s) * m], m);
      right += k == uint32_t(labels.data[s]);
      if (!ref.empty()) agree += k == argmax(&ref[uint64_t(s) * m], m);
    }
    std::printf("accuracy: %llu/%u = %.2f%%", (unsigned long long)right, batch.size, 100.0 * double(right) / batch.size);
    if (!ref.empty()) std::printf("; same class as the reference: %llu/%u", (unsigned long long)agree, batch.size);
    std::printf("\n");
  }
  return status;
}

}  // namespace wafer::cli
