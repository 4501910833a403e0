#!/usr/bin/env bash
# The device check of the CUDA engine, in two steps (docs/cuda-engine.md, "Running the device check"):
#
#   scripts/gpu_check.sh prepare   here (nvcc, no GPU): build the CUDA tests, the CUDA benchmark and `wafer`
#                                  for sm_90 into gpu_check/ (git-ignored) with every shared library they need
#                                  but glibc, since the GPU machine has no package registry, GoogleTest or
#                                  cxxopts. Prints the folder's size (it must travel: under 64 MiB).
#   scripts/gpu_check.sh run       on the GPU machine, from the repository root with gpu_check/ carried: every
#                                  GPU test with WAFER_EXPECT_GPU=1 (a skip is a failure), compute-sanitizer
#                                  memcheck on small grids, the benchmark, `wafer info`, and `wafer run` of
#                                  every example program on the CUDA engine against the CPU engine. Writes
#                                  logs and summary.txt to $OUT (gpu_check/out when OUT is unset); exits 1 if
#                                  any step failed. Budget: under 8 minutes (each step has its own timeout).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUNDLE="$ROOT/gpu_check"
BUILD="${WAFER_GPU_CHECK_BUILD:-$ROOT/build-gpu-check}"  # matches .gitignore's /build*/: not carried

die() {
  echo "gpu_check: $*" >&2
  exit 1
}

prepare() {
  command -v nvcc >/dev/null || [ -x /usr/local/cuda/bin/nvcc ] || die "prepare needs nvcc (the CUDA toolkit)"
  local launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
  fi
  mkdir -p "$BUILD"
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DWAFER_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
    "${launcher[@]}" >"$BUILD/configure.log" 2>&1 || { cat "$BUILD/configure.log"; die "configure failed"; }
  cmake --build "$BUILD" -j "${JOBS:-2}" --target wafer_cuda_tests wafer_bench_cuda wafer
  rm -rf "$BUNDLE"
  mkdir -p "$BUNDLE/bin" "$BUNDLE/lib"
  cp "$BUILD/tests/cuda/wafer_cuda_tests" "$BUILD/bench/cuda/wafer_bench_cuda" "$BUILD/host/wafer" "$BUNDLE/bin/"
  strip "$BUNDLE"/bin/*
  # Every library the binaries load except the C library's own (libc, libm, libdl, libpthread, librt, the
  # loader), which must come from the machine they run on. libstdc++ and libgcc_s travel too: the GPU
  # machine's may be older than the ones these binaries were linked against.
  local lib
  for lib in $(ldd "$BUNDLE"/bin/* | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u); do
    case "$(basename "$lib")" in
      libc.so.* | libm.so.* | libdl.so.* | libpthread.so.* | librt.so.* | ld-linux*) ;;
      *) cp -L "$lib" "$BUNDLE/lib/" ;;
    esac
  done
  git -C "$ROOT" rev-parse HEAD >"$BUNDLE/commit" 2>/dev/null || echo unknown >"$BUNDLE/commit"
  git -C "$ROOT" status --porcelain --untracked-files=no | grep -q . && echo "+dirty" >>"$BUNDLE/commit"
  local bytes
  bytes=$(du -sb "$BUNDLE" | cut -f1)
  echo "gpu_check: $BUNDLE: $((bytes / 1048576)) MiB ($bytes bytes): $(ls "$BUNDLE/bin" | tr '\n' ' ')"
  echo "gpu_check: libraries: $(ls "$BUNDLE/lib" | tr '\n' ' ')"
  [ "$bytes" -lt $((64 * 1048576)) ] || die "the folder is over 64 MiB and cannot travel"
}

# step NAME SECONDS COMMAND...: runs one check with a timeout, its output in $OUT/NAME.log, a line in the
# summary. A failure does not stop the other steps: one run should say everything it can.
step() {
  local name="$1" limit="$2"
  shift 2
  local t0 rc=0
  t0=$(date +%s)
  timeout --kill-after=10 "$limit" "$@" >"$OUT/$name.log" 2>&1 || rc=$?
  local took=$(($(date +%s) - t0)) verdict=PASS
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    verdict="TIMEOUT after ${limit}s"
  elif [ "$rc" -ne 0 ]; then
    verdict="FAIL (exit $rc)"
  fi
  [ "$verdict" = PASS ] || FAILED=$((FAILED + 1))
  printf '%-22s %-20s %4ss  %s\n' "$name" "$verdict" "$took" "$*" | tee -a "$OUT/summary.txt"
}


run() {
  [ -x "$BUNDLE/bin/wafer_cuda_tests" ] || die "no $BUNDLE/bin: run 'scripts/gpu_check.sh prepare' first (and carry gpu_check)"
  OUT="${OUT:-$BUNDLE/out}"
  mkdir -p "$OUT"
  : >"$OUT/summary.txt"
  export LD_LIBRARY_PATH="$BUNDLE/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export ROOT WAFER_DATA_DIR="$ROOT/data" WAFER_EXPECT_GPU=1
  cd "$BUNDLE"
  {
    echo "gpu_check run: $(date -u +%FT%TZ) on $(hostname), bundle commit $(tr '\n' ' ' <commit)"
    if command -v nvidia-smi >/dev/null; then
      nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used --format=csv,noheader 2>&1 || true
    fi
  } | tee -a "$OUT/summary.txt"
  FAILED=0
  # First: is there a device at all? Without one every other step would only repeat that.
  step wafer_info 10 bin/wafer info
  if grep -q "^GPU: no CUDA device" "$OUT/wafer_info.log" || ! grep -q "^GPU" "$OUT/wafer_info.log"; then
    echo "gpu_check: $(grep '^GPU' "$OUT/wafer_info.log" || echo 'wafer info printed no GPU line'): nothing checked" |
      tee -a "$OUT/summary.txt" >&2
    exit 1
  fi
  local sanitizer
  sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
  # Budget (s): 10 + 150 + 120 + 30 + 80 + 90 = 480 at most: 8 minutes. $OUT gets 8 files, the most
  # that come back: summary.txt, six logs, bench.json.
  step cuda_tests 150 bin/wafer_cuda_tests --gtest_filter='-CudaFullWafer.*:CudaMappedModels.*'
  # The full 762 x 1172 wafer: the CPU reference side takes most of this step (all hardware threads).
  step cuda_tests_wafer 120 bin/wafer_cuda_tests --gtest_filter='CudaFullWafer.*:CudaMappedModels.*'
  step cpu_vs_cuda_run 30 "$ROOT/scripts/compare_engines.sh" bin/wafer "$ROOT/data"
  # Small grids only: memcheck slows kernels down many times. racecheck would see nothing (it checks shared
  # memory, which the engine does not use): the CPU race checker (tests/race) covers the global state.
  step memcheck 80 "$sanitizer" --tool memcheck --error-exitcode 9 bin/wafer_cuda_tests \
    --gtest_filter='CudaCopyMode.*:RunError.*:CudaStops.SameCycleSameReportAsCpu:CudaTrace.OneSmallTracedRun'
  # --quick: few cycles per workload; the traffic columns record one cycle of a full wafer.
  step bench 90 bin/wafer_bench_cuda --quick --traffic-pe-cycles 1000000 --json "$OUT/bench.json"
  echo "failed steps: $FAILED" | tee -a "$OUT/summary.txt"
  [ "$FAILED" -eq 0 ]
}

case "${1:-}" in
  prepare) prepare ;;
  run) run ;;
  *) die "usage: scripts/gpu_check.sh prepare|run" ;;
esac
