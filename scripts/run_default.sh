#!/usr/bin/env bash
# README's main job: builds wafer if needed and runs the default GEMV job bundled in data/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD=${BUILD:-build}
if [ ! -x "$BUILD/host/wafer" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release ${WAFER_CMAKE_ARGS:-}
fi
cmake --build "$BUILD" -j"$(nproc)" --target wafer
exec "$BUILD/host/wafer" gemv --config data/gemv_default.conf "$@"
