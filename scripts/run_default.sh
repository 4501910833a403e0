#!/usr/bin/env bash
# README's main job: builds wafer if needed, maps the bundled digits MLP (data/models/digits_mlp.onnx, an
# ONNX model exported from PyTorch) onto a wse3 wafer, streams its 360 test samples through the layer
# pipeline (the CUDA engine where a GPU is present, else the CPU engine) and checks the outputs against
# the float64 evaluation of the model and against the fp32 host replay; prints accuracy and throughput.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD=${BUILD:-build}
if [ ! -x "$BUILD/host/wafer" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release ${WAFER_CMAKE_ARGS:-}
fi
cmake --build "$BUILD" -j"$(nproc)" --target wafer
exec "$BUILD/host/wafer" infer data/models/digits_mlp.onnx --input data/models/digits_test_x.npy \
  --labels data/models/digits_test_labels.npy --grid wse3 --engine auto --check \
  --output "$BUILD/digits_test_y.npy" "$@"
