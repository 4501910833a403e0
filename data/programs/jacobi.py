#!/usr/bin/env python3
"""jacobi.wasm from Python: ITERS Jacobi sweeps with halo exchange, checked against NumPy in float64.

    PYTHONPATH=build/python python3 data/programs/jacobi.py [--PW 4 --PH 4 --T 4 --ITERS 20]

The program sets its own boundary (1.0 on the north edge); the host reads every PE's tile u0 (with its
one-cell halo) in one copy over the whole PW x PH rectangle and assembles the global grid with NumPy.
"""
import argparse
import os
import sys

import numpy as np
import wafer

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in (("PW", 4), ("PH", 4), ("T", 4), ("ITERS", 20)):
        ap.add_argument("--" + name, type=int, default=default)
    ap.add_argument("--engine", default="cpu")
    a = ap.parse_args()
    PW, PH, T, ITERS = a.PW, a.PH, a.T, a.ITERS
    S = T + 2

    rt = wafer.Runtime(a.engine)
    rt.load(os.path.join(HERE, "jacobi.wasm"), params={"PW": PW, "PH": PH, "T": T, "ITERS": ITERS})
    result = rt.run()
    result.check()
    # ITERS is even: the result is in u0. Row-major (PH, PW, S*S) -> tiles (PH, PW, S, S) -> interiors
    # -> the global (PH*T) x (PW*T) grid.
    tiles = rt.memcpy_d2h("u0", (0, 0, PW, PH)).reshape(PH, PW, S, S)[:, :, 1:T + 1, 1:T + 1]
    got = tiles.transpose(0, 2, 1, 3).reshape(PH * T, PW * T)

    u = np.zeros((PH * T + 2, PW * T + 2))
    u[0, 1:-1] = 1.0  # the fixed boundary: 1 on the north edge, 0 elsewhere
    for _ in range(ITERS):
        v = u.copy()
        v[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
        u = v
    ref = u[1:-1, 1:-1]
    # Each sweep adds at most 3.25 u of error (three roundings of partial sums <= 4, times 0.25, plus one
    # of the result <= 1) and averaging never enlarges old error: 4 ITERS u allowed.
    bound = 4.0 * ITERS * 2.0 ** -24
    err = np.abs(got - ref).max()
    ok = err <= bound and got.sum() > 0
    print(f"jacobi {PW * T}x{PH * T} on {PW}x{PH} PEs, {ITERS} sweeps: {result.cycles} cycles, "
          f"mean u {got.mean():.6f}, max |u - u_ref| {err:.3g} (bound {bound:.3g}): {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
