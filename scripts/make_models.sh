#!/usr/bin/env bash
# Regenerates data/models/ and tests/mapper/fixtures/ (ONNX models, JSON layer lists, .npy inputs and
# PyTorch's reference outputs, the two READMEs). Installs Debian's PyTorch, ONNX, scikit-learn and numpy
# when missing. Deterministic: fixed seeds, one thread, so a rerun writes the same bytes.
# The build and the tests need none of this: the generated files are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for pkg in python3-torch python3-onnx python3-sklearn python3-numpy; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if ((${#need[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y python3-torch python3-onnx python3-sklearn python3-numpy
fi
# Debian's packages install for the system interpreter; a python3 earlier on PATH may not see them.
# One thread everywhere (torch's intra-op pool, OpenMP, BLAS) so float sums come out the same each run.
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONHASHSEED=0
exec /usr/bin/python3 scripts/make_models.py "$@"
