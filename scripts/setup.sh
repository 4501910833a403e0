#!/usr/bin/env bash
# Installs what the build needs on a fresh Debian machine: compiler, CMake, GoogleTest, cxxopts, ONNX and
# protobuf (the mapper's import), nlohmann-json, libpng (pictures of a plan), pybind11 + Python headers +
# NumPy (the `import wafer` module and its tests, for Debian's /usr/bin/python3). Safe to run again: it only
# installs what is missing.
# nvcc is optional (the CUDA engine is AUTO). Python packages for scripts/make_models.py are installed by
# that script itself.
set -euo pipefail
need=()
for pkg in build-essential cmake libgtest-dev libcxxopts-dev libonnx-dev libprotobuf-dev protobuf-compiler \
           nlohmann-json3-dev libpng-dev pybind11-dev python3-dev python3-numpy "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if ((${#need[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
