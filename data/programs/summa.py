#!/usr/bin/env python3
"""summa.wasm from Python: C = A B by SUMMA on P x P PEs, checked against NumPy in float64.

    PYTHONPATH=build/python python3 data/programs/summa.py [--P 4 --T 4 --seed 71]

PE(x, y) holds the T x T tiles A(y, x) and B(y, x) row-major and computes C(y, x). One copy per matrix
moves every tile: the row-major order over the P x P rectangle is the array of shape (P, P, T*T).
"""
import argparse
import os
import sys

import numpy as np
import wafer

HERE = os.path.dirname(os.path.abspath(__file__))


def gamma(k):
    u = 2.0 ** -24
    return k * u / (1 - k * u)


def to_tiles(m, P, T):  # (P*T, P*T) -> (P, P, T*T): [y][x] holds tile (y, x) row-major
    return np.ascontiguousarray(m.reshape(P, T, P, T).transpose(0, 2, 1, 3)).reshape(P, P, T * T)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in (("P", 4), ("T", 4), ("seed", 71)):
        ap.add_argument("--" + name, type=int, default=default)
    ap.add_argument("--engine", default="cpu")
    a = ap.parse_args()
    P, T = a.P, a.T
    n = P * T
    rng = np.random.default_rng(a.seed)
    A = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    B = rng.uniform(-1, 1, (n, n)).astype(np.float32)

    rt = wafer.Runtime(a.engine)
    rt.load(os.path.join(HERE, "summa.wasm"), params={"P": P, "T": T})
    rt.memcpy_h2d("A", to_tiles(A, P, T), (0, 0, P, P))
    rt.memcpy_h2d("B", to_tiles(B, P, T), (0, 0, P, P))
    result = rt.run()
    result.check()
    C = rt.memcpy_d2h("C", (0, 0, P, P)).reshape(P, P, T, T).transpose(0, 2, 1, 3).reshape(n, n)

    A64, B64 = A.astype(np.float64), B.astype(np.float64)
    ref = A64 @ B64
    bound = gamma(n) * (np.abs(A64) @ np.abs(B64))  # n fused multiply-adds from 0 per element
    err = np.abs(C - ref)
    ok = (err <= bound).all() and np.abs(C).sum() > 0
    print(f"summa {n}x{n} on {P}x{P} PEs: {result.cycles} cycles, max |C - C_ref| {err.max():.3g}: "
          f"{'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
