#!/usr/bin/env bash
# README's test command: installs what the build needs, builds (with the CUDA engine when nvcc is found),
# runs the whole test suite. GPU tests skip, saying why, where no GPU is present. Then the CUDA engine's host
# code is built again on the emulated device (WAFER_CUDA=EMULATED, cuda/emulated/) and the GPU tests run
# on the CPU, none allowed to skip for want of a device (WAFER_EMULATED=0 leaves this part out).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD=${BUILD:-build}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release ${WAFER_CMAKE_ARGS:-}
cmake --build "$BUILD" -j"$(nproc)"
ctest --test-dir "$BUILD" --output-on-failure -j"$(nproc)" --timeout 600
if [ "${WAFER_EMULATED:-1}" != 0 ]; then
  EMULATED_BUILD=${EMULATED_BUILD:-build-emulated}
  cmake -S . -B "$EMULATED_BUILD" -DCMAKE_BUILD_TYPE=Release ${WAFER_CMAKE_ARGS:-} -DWAFER_CUDA=EMULATED
  cmake --build "$EMULATED_BUILD" -j"$(nproc)" --target wafer_cuda_tests wafer
  WAFER_EXPECT_GPU=1 ctest --test-dir "$EMULATED_BUILD" --output-on-failure -j"$(nproc)" -L cuda --timeout 1200
fi
