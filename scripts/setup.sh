#!/usr/bin/env bash
# Installs what the build needs on a fresh Debian machine: compiler, CMake, GoogleTest, cxxopts.
# Safe to run again: it only installs what is missing. nvcc is optional (the CUDA engine is AUTO).
set -euo pipefail
need=()
for pkg in build-essential cmake libgtest-dev libcxxopts-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if ((${#need[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
