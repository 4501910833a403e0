#!/usr/bin/env bash
# README's test command: installs what the build needs, builds (with the CUDA engine when nvcc is found),
# runs the whole test suite. GPU tests skip, saying why, where no GPU is present.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD=${BUILD:-build}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release ${WAFER_CMAKE_ARGS:-}
cmake --build "$BUILD" -j"$(nproc)"
ctest --test-dir "$BUILD" --output-on-failure -j"$(nproc)" --timeout 600
