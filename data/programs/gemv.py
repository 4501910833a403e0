#!/usr/bin/env python3
"""gemv.wasm from Python: y = A x + b on a P x Q rectangle of PEs, checked against NumPy in float64.

    PYTHONPATH=build/python python3 data/programs/gemv.py [--M 32 --N 24 --P 4 --Q 3 --seed 41]

PE(q, p) holds the block A[p*m:(p+1)*m, q*n:(q+1)*n] column-major (column j at A + j*m); x arrives on the
input streams x[q] (down column q), b's blocks are written into acc at column 0, and the row blocks of y
leave on the output streams y[p]. The A blocks are copied in the SDK's column-major order.
"""
import argparse
import os
import sys

import numpy as np
import wafer

HERE = os.path.dirname(os.path.abspath(__file__))


def gamma(k):
    u = 2.0 ** -24  # unit roundoff of float32
    return k * u / (1 - k * u)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in (("M", 32), ("N", 24), ("P", 4), ("Q", 3), ("seed", 41)):
        ap.add_argument("--" + name, type=int, default=default)
    ap.add_argument("--engine", default="cpu")
    a = ap.parse_args()
    M, N, P, Q = a.M, a.N, a.P, a.Q
    m, n = M // P, N // Q
    rng = np.random.default_rng(a.seed)
    A = rng.uniform(-1, 1, (M, N)).astype(np.float32)
    x = rng.uniform(-1, 1, N).astype(np.float32)
    b = rng.uniform(-1, 1, M).astype(np.float32)

    rt = wafer.Runtime(a.engine)
    rt.load(os.path.join(HERE, "gemv.wasm"), params={"M": M, "N": N, "P": P, "Q": Q},
            inputs={f"x[{q}]": x[q * n:(q + 1) * n] for q in range(Q)})
    # The SDK's column-major order over the Q x P rectangle: word k of PE(q, p) at p + P * (q + Q * k), i.e.
    # C order of shape (m*n, Q, P); word k = j*m + i of PE(q, p) is A[p*m + i, q*n + j].
    blocks = A.reshape(P, m, Q, n).transpose(3, 1, 2, 0).reshape(n * m, Q, P)
    rt.memcpy_h2d("A", blocks, (0, 0, Q, P), order="col")
    rt.memcpy_h2d("acc", b.reshape(P, 1, m), (0, 0, 1, P))  # row-major (h, w, words) = (P, 1, m)
    result = rt.run()
    result.check()

    y = np.concatenate([rt.output(f"y[{p}]") for p in range(P)])
    idx = np.concatenate([rt.output_indices(f"y[{p}]") for p in range(P)])
    ref = A.astype(np.float64) @ x.astype(np.float64) + b
    # The longest chain of float32 roundings on each y_i: n fmas and Q-1 partial-sum adds, plus b.
    bound = gamma(N + Q + 1) * (np.abs(b) + np.abs(A.astype(np.float64)) @ np.abs(x.astype(np.float64)))
    err = np.abs(y - ref)
    ok = y.shape == (M,) and (idx == np.tile(np.arange(m), P)).all() and (err <= bound).all() and np.abs(y).sum() > 0
    print(f"gemv {M}x{N} on {Q}x{P} PEs: {result.cycles} cycles, max |y - y_ref| {err.max():.3g}, "
          f"bound {bound.min():.3g}..{bound.max():.3g}: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
