#!/usr/bin/env python3
"""`import wafer`: exact round trips through SRAM on 1x1, 1x37, 37x1, 7x5 and 100x100 rectangles in both
orders and both dtypes, the orders against NumPy's C and F ravel, copies into a caller's array, launch by
name, the run verdicts, and the pinned messages for a bad symbol, rect, order and dtype.

    PYTHONPATH=build/python /usr/bin/python3 tests/python/test_runtime.py   (ctest: python.runtime)
"""
import os
import sys

import numpy as np
import wafer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COPY_GRID = os.path.join(ROOT, "tests", "runtime", "copy_grid.wasm")
SHORT = os.path.join(ROOT, "tests", "runtime", "short_output.wasm")
WORDS = 6  # N in copy_grid.wasm
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def error_of(f):
    try:
        f()
    except wafer.Error as e:
        return str(e)
    return ""


def runtime(w=100, h=100, other=0):
    rt = wafer.Runtime("cpu", threads=2)
    rt.load(COPY_GRID, params={"GW": w, "GH": h, "OTHER": other})
    return rt


def round_trips():
    rt = runtime()
    for seed, (x, y, w, h) in enumerate([(3, 4, 1, 1), (0, 9, 1, 37), (5, 0, 37, 1), (11, 13, 7, 5), (0, 0, 100, 100)]):
        rect = (x, y, w, h)
        rng = np.random.default_rng(seed)
        # The logical tensor A[h][w][n]: word k of PE(x + i, y + j) is A[j, i, k].
        A = rng.integers(0, 2**32, (h, w, WORDS), dtype=np.uint64).astype(np.uint32)
        rt.memcpy_h2d("a", A, rect, order="row")
        check((rt.memcpy_d2h("a", rect, dtype="uint32") == A).all(), f"uint32 row-major round trip on {rect}")
        # Column-major is A flattened in Fortran order; reading it back gives shape (n, w, h), i.e. A.T.
        rt.memcpy_h2d("b", A.ravel(order="F"), rect, order="col")
        col = rt.memcpy_d2h("b", rect, order="col", dtype=np.uint32)
        check(col.shape == (WORDS, w, h) and (col.T == A).all(), f"uint32 column-major round trip on {rect}")
        check((rt.memcpy_d2h("b", rect) .view(np.uint32) == A).all(), f"column-major write, row-major read on {rect}")
        F = rng.uniform(-1, 1, (h, w, WORDS)).astype(np.float32)
        rt.memcpy_h2d("a", F, rect)
        check((rt.memcpy_d2h("a", rect) == F).all(), f"float32 round trip on {rect}")
        rt.memcpy_h2d("a", np.ascontiguousarray(F.T), rect, order="col")
        check((rt.memcpy_d2h("a", rect, order="col").T == F).all(), f"float32 column-major round trip on {rect}")


def copies_in_place_and_strided_input():
    rt = runtime(7, 5)
    rect = (0, 0, 7, 5)
    F = np.arange(5 * 7 * WORDS, dtype=np.float32).reshape(5, 7, WORDS)
    wide = np.zeros((5, 7, 2 * WORDS), dtype=np.float32)
    wide[:, :, ::2] = F  # a strided view: copied once to contiguous, then read
    rt.memcpy_h2d("a", wide[:, :, ::2], rect)
    out = np.empty((5, 7, WORDS), dtype=np.float32)
    back = rt.memcpy_d2h("a", rect, out=out)
    check(back is out and (out == F).all(), "memcpy_d2h(out=) fills the caller's array in place")
    # Offset and count: words 2..4 only.
    rt.memcpy_h2d("a", np.full((5, 7, 3), -2.0, np.float32), rect, offset=2)
    part = rt.memcpy_d2h("a", rect, offset=1, count=4)
    check(part.shape == (5, 7, 4) and (part[:, :, 0] == F[:, :, 1]).all() and (part[:, :, 1:] == -2).all(),
          "offset and count select the words")


def launch_and_run():
    rt = runtime(7, 5)
    a = np.arange(35 * WORDS, dtype=np.uint32).reshape(5, 7, WORDS)
    rt.memcpy_h2d("a", a, (0, 0, 7, 5))
    rt.memcpy_h2d("b", np.ones_like(a), (0, 0, 7, 5))
    rt.launch("add", (2, 1, 3, 2))
    r = rt.run()
    check(r.ok() and r.reason == "quiescent" and r.cycles > 0, f"the launched run succeeds: {r}")
    b = rt.memcpy_d2h("b", (0, 0, 7, 5), dtype="uint32")
    want = np.ones_like(a)
    want[1:3, 2:5] += a[1:3, 2:5]
    check((b == want).all(), "add ran on the rect (2,1) 3x2 only")
    check(rt.counters()["busy"] > 0, "counters by name")


def verdicts():
    rt = wafer.Runtime()
    rt.load(SHORT, params={"SENT": 2, "CAP": 4})
    r = rt.run()
    msg = "output stream 'out' received 2 of the 4 wavelets the program expects, and the run ended quiescent"
    check(not r.ok() and r.failure() == msg and r.short_streams[0].received == 2, "a short output stream fails")
    check(error_of(r.check) == msg, "check() raises the failure")
    rt.load(SHORT, params={"SENT": 4, "LOOP": 1000})
    r = rt.run(max_cycles=100)
    check(r.cycle_limit_with_work_pending and not r.ok() and r.ok(allow_partial=True), "the cycle limit as a budget")
    rt.load(os.path.join(ROOT, "data", "programs", "stream_bandwidth.wasm"), params={"N": 16},
            inputs={"in_x": np.arange(16, dtype=np.float32)})
    check(rt.run().ok() and (rt.output("out_y") == 0.5 * np.arange(16)).all(), "input stream by name")


def observability():
    import json, tempfile
    rt = runtime(7, 5)
    rt.memcpy_h2d("a", np.ones((5, 7, WORDS), np.float32), (0, 0, 7, 5))
    rt.launch("add")
    path = os.path.join(tempfile.mkdtemp(), "trace.json")
    check(rt.run(trace=(1, 1, 2, 2), trace_out=path).ok(), "traced run")
    with open(path) as f:
        events = json.load(f)["traceEvents"]
    pes = {e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "process_name"}
    check(pes == {"PE(1,1) k", "PE(2,1) k", "PE(1,2) k", "PE(2,2) k"}, f"trace names the 4 PEs: {pes}")
    check(sum(e["ph"] == "X" and e["name"].startswith("task add") for e in events) == 4, "one 'add' task per PE")
    busy = rt.counter("busy")
    check(busy.shape == (5, 7) and busy.dtype == np.uint64, f"counter shape {busy.shape} {busy.dtype}")
    check(int(busy.sum()) == rt.counters()["busy"], "per-PE busy sums to the total")
    core = sum(rt.counter(n) for n in ("busy", "stall_fabric_in", "stall_fabric_out", "stall_slot", "stall_thread"))
    check(((core + rt.counter("idle")) == rt.cycle).all(), "busy + stalls + idle = cycles on every PE")
    check(error_of(lambda: rt.counter("bsy")).startswith("no counter named 'bsy' (counters: busy, "), "bad counter name")
    check(error_of(lambda: rt.run(trace=(0, 0, 1, 1), trace_out="/nonexistent_dir/t.json")) ==
          "/nonexistent_dir/t.json: cannot write the trace", "unwritable trace refused before the run")


def messages():
    rt = runtime(5, 5, other=1)
    pinned = {
        "symbol 'b' has 6 words per PE; asked for 20 from offset 0 on rect (0,0) 4x4 (at PE(0,0))":
            lambda: rt.memcpy_h2d("b", np.zeros((4, 4, 20), np.float32), (0, 0, 4, 4)),
        "rect (3,0) 4x1 leaves the 5x5 grid": lambda: rt.memcpy_d2h("a", (3, 0, 4, 1)),
        "PE(4,4) runs kernel 'other', which exports no 'a' (it exports: z)": lambda: rt.memcpy_d2h("a", (3, 3, 2, 2)),
        "order 'diag' is not one of: row-major (row), column-major (col)":
            lambda: rt.memcpy_d2h("a", (0, 0), order="diag"),
        "memcpy_h2d to 'a': dtype float64 is neither float32 nor uint32 (convert with .astype(np.float32) or "
        ".astype(np.uint32))": lambda: rt.memcpy_h2d("a", np.zeros(6), (0, 0)),
        "dtype int16: the runtime moves float32 or uint32": lambda: rt.memcpy_d2h("a", (0, 0), dtype="int16"),
        "rect (0, 0, 4) is not (x, y, w, h) or (x, y)": lambda: rt.memcpy_d2h("a", (0, 0, 4)),
        "7 values for symbol 'a' do not split evenly over the 4 PEs of rect (0,0) 2x2":
            lambda: rt.memcpy_h2d("a", np.zeros(7, np.float32), (0, 0, 2, 2)),
        "PE(4,4) runs kernel 'other', which has no task 'add' (its tasks: idle)": lambda: rt.launch("add", (4, 4)),
        "the program has no output stream 'y' (it has: none)": lambda: rt.output("y"),
    }
    for want, f in pinned.items():
        got = error_of(f)
        check(got == want, f"message: wanted {want!r}, got {got!r}")


for test in (round_trips, copies_in_place_and_strided_input, launch_and_run, verdicts, observability, messages):
    test()
print(f"python runtime tests: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
