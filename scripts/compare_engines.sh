#!/usr/bin/env bash
# Every example program through `wafer run` on the CPU and the CUDA engine: JSON (stop, cycles, counters,
# every output value) equal but for the engine's name and timings, and two traced runs writing the same
# file. Used by scripts/gpu_check.sh run (on a GPU) and by CI on the emulated device (tests/cuda).
#   scripts/compare_engines.sh WAFER_BINARY DATA_DIR
# Writes its trace files in the current folder. Exit status 1 if any run differs or fails.
set -uo pipefail
wafer=$1
data=$2

# The engine's name and timings: the only fields of `wafer run --json` that may differ between engines.
strip_timing() { sed -E 's/"engine":"[a-z]+",//; s/"seconds":[^,]*,"pe_cycles_per_second":[^,]*,//'; }

status=0
for f in "$data"/programs/*.wasm; do
  json_cpu=$("$wafer" run --engine cpu --json --outputs 100000 "$f")
  json_cuda=$("$wafer" run --engine cuda --json --outputs 100000 "$f") || { echo "FAILED: $f"; status=1; continue; }
  if [ "$(strip_timing <<<"$json_cpu")" == "$(strip_timing <<<"$json_cuda")" ]; then
    echo "same: $(basename "$f"): $(grep -o '"stop":"[a-z_]*","cycles":[0-9]*' <<<"$json_cuda")"
  else
    echo "DIFFERENT: $(basename "$f")"
    echo "  cpu:  $json_cpu"
    echo "  cuda: $json_cuda"
    status=1
  fi
done
# Traces through the command line: the same file from both engines.
for f in jacobi summa; do
  "$wafer" run --engine cpu --trace 0,0,2x2 --trace-out "trace_$f.cpu.json" "$data/programs/$f.wasm" >/dev/null &&
    "$wafer" run --engine cuda --trace 0,0,2x2 --trace-out "trace_$f.cuda.json" "$data/programs/$f.wasm" >/dev/null ||
    { echo "FAILED: trace of $f"; status=1; continue; }
  if cmp -s "trace_$f.cpu.json" "trace_$f.cuda.json"; then
    echo "same trace: $f ($(wc -c <"trace_$f.cuda.json") bytes)"
  else
    echo "DIFFERENT trace: $f"
    status=1
  fi
done
echo "compare_engines: $([ $status = 0 ] && echo all the same || echo DIFFERENCES)"
exit $status
