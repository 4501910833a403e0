#!/usr/bin/env bash
# Fuzzes the text assembler with libFuzzer (AddressSanitizer + UBSan) for a bounded time.
#
#   scripts/fuzz_asm.sh [SECONDS]      (default 60)
#
# Needs clang with libFuzzer (Debian: apt-get install -y clang libclang-rt-14-dev). Builds in build-fuzz/
# (override with WAFER_FUZZ_BUILD). The seeds are tests/asm/fuzz/corpus and data/programs; the corpus the
# run grows stays in the build tree. A finding (crash-*, timeout-*, oom-*) is written to the build tree
# and makes the script fail: minimise it and add it to tests/asm/fuzz/regressions/, which the ordinary
# test suite replays (FuzzCorpus.ReplaysWithoutFindings) in every build.
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${WAFER_FUZZ_BUILD:-$root/build-fuzz}
jobs=${WAFER_FUZZ_JOBS:-2}

if ! command -v clang++ >/dev/null; then
  echo "fuzz_asm.sh: clang++ not found (apt-get install -y clang libclang-rt-14-dev)" >&2
  exit 2
fi
cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWAFER_CUDA=OFF \
      -DWAFER_FUZZ=ON -DWAFER_FUZZ_SECONDS="$seconds" >/dev/null
cmake --build "$build" -j"$jobs" --target fuzz_assembler

work="$build/fuzz-corpus"
findings="$build/fuzz-findings"
mkdir -p "$work" "$findings"
echo "fuzz_asm.sh: fuzzing the assembler for ${seconds}s"
ASAN_OPTIONS=detect_leaks=1 "$build/tests/asm/fuzz/fuzz_assembler" \
  -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -dict="$root/tests/asm/fuzz/wasm.dict" -artifact_prefix="$findings/" \
  "$work" "$root/tests/asm/fuzz/corpus" "$root/data/programs"
