#!/usr/bin/env bash
# Fuzzes the .npy reader (host/io/npy.cpp) with libFuzzer (AddressSanitizer + UBSan) for a bounded time.
#
#   scripts/fuzz_npy.sh [SECONDS]      (default 60)
#
# Needs clang with libFuzzer (Debian: apt-get install -y clang libclang-rt-14-dev). Builds in build-fuzz/
# (override with WAFER_FUZZ_BUILD), the same configuration as scripts/fuzz_asm.sh. The seeds are
# tests/io/fuzz/corpus and tests/io/fixtures; the corpus the run grows stays in the build tree. A finding
# (crash-*, timeout-*, oom-*, or a malloc over -malloc_limit_mb) is written to the build tree and makes the
# script fail: minimise it (fuzz_npy -minimize_crash=1 FILE) and add it to tests/io/fuzz/regressions/,
# which the ordinary test suite replays (NpyFuzzCorpus.ReplaysWithoutFindings) in every build.
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${WAFER_FUZZ_BUILD:-$root/build-fuzz}
jobs=${WAFER_FUZZ_JOBS:-2}

if ! command -v clang++ >/dev/null; then
  echo "fuzz_npy.sh: clang++ not found (apt-get install -y clang libclang-rt-14-dev)" >&2
  exit 2
fi
cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWAFER_CUDA=OFF \
      -DWAFER_FUZZ=ON -DWAFER_FUZZ_SECONDS="$seconds" >/dev/null
cmake --build "$build" -j"$jobs" --target fuzz_npy

work="$build/fuzz-npy-corpus"
findings="$build/fuzz-npy-findings"
mkdir -p "$work" "$findings"
echo "fuzz_npy.sh: fuzzing the .npy reader for ${seconds}s"
ASAN_OPTIONS=detect_leaks=1 "$build/tests/io/fuzz/fuzz_npy" \
  -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=64 \
  -print_final_stats=1 -dict="$root/tests/io/fuzz/npy.dict" -artifact_prefix="$findings/" \
  "$work" "$root/tests/io/fuzz/corpus" "$root/tests/io/fixtures"
