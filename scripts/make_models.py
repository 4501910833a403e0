#!/usr/bin/env python3
"""Writes the mapper's models and test fixtures; run it through scripts/make_models.sh.

data/models/:
  digits_mlp.onnx          64 -> 128 (ReLU) -> 10, trained on scikit-learn's digits, with its test split
                           (digits_test_x.npy, digits_test_labels.npy) and PyTorch's logits on it
  mlp_784_1024_10.onnx     784 -> 1024 (ReLU) -> 10, PyTorch's default init (seeded, untrained), with an
                           input and PyTorch's output
  fc34_relu_256.json       34 layers 256 -> 256, JSON layer list (weights drawn by the importer from seeds),
                           with an input and a float64 reference output (the draw redone in numpy)
  wide_8x4096.json         8 layers 4096 -> 4096, JSON layer list, likewise
  README.md                generated: what each file is, sizes, the digits accuracy
tests/mapper/fixtures/:    small ONNX models as users export them (bias-free Linear, Flatten, Dropout,
                           dynamic batch, opset 17, a Conv the mapper must refuse), each with an input and
                           PyTorch's output; README.md generated.

Deterministic: fixed seeds (printed), torch.manual_seed before every model, one thread, a fixed opset, so a
rerun writes the same bytes. Every ONNX file is checked with onnx.checker, and every supported one is
re-evaluated from the file by a small float64 numpy interpreter and compared with PyTorch's output.
"""
import collections
import json
import os
import sys
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import helper, numpy_helper
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "data" / "models"
FIXTURES = ROOT / "tests" / "mapper" / "fixtures"
OPSET = 14  # torch 1.13's default, written out so that another torch version writes the same files
MAX_COMMITTED_BYTES = 3_500_000
REGENERATE = "scripts/make_models.sh"

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


# ---------------------------------------------------------------------------------------------- helpers
def save_npy(path, array):
    array = np.ascontiguousarray(array, dtype=np.float32)
    np.save(path, array)
    return array


def uniform01(seed, shape):
    """float32 uniform in [0, 1) from numpy's PCG64 with a fixed seed."""
    return np.random.default_rng(seed).random(shape, dtype=np.float32)


def torch_forward(model, x):
    model.eval()
    with torch.no_grad():
        return model(torch.from_numpy(x)).numpy().astype(np.float32)


def export(model, path, example_shape, opset=OPSET, dynamic_batch=False):
    """Exports as a user would: eval mode, named input/output, a batch-1 example (or a symbolic batch)."""
    model.eval()
    example = torch.zeros(example_shape, dtype=torch.float32)
    kwargs = {}
    if dynamic_batch:
        kwargs["dynamic_axes"] = {"input": {0: "batch"}, "output": {0: "batch"}}
    torch.onnx.export(model, example, str(path), input_names=["input"], output_names=["output"],
                      opset_version=opset, **kwargs)
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto)
    return proto


def numpy_eval(proto, x):
    """Evaluates the graph in float64 with numpy: Gemm, MatMul, Add, Relu, Flatten, Identity only.
    Raises NotImplementedError naming the first other op (that is what the mapper must refuse)."""
    graph = proto.graph
    env = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in graph.initializer}
    inputs = [i.name for i in graph.input if i.name not in env]
    assert len(inputs) == 1, inputs
    env[inputs[0]] = x.astype(np.float64)
    for node in graph.node:
        attr = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        args = [env[name] for name in node.input if name]
        op = node.op_type
        if op == "Gemm":
            a = args[0].T if attr.get("transA", 0) else args[0]
            b = args[1].T if attr.get("transB", 0) else args[1]
            y = attr.get("alpha", 1.0) * (a @ b)
            if len(args) > 2:
                y = y + attr.get("beta", 1.0) * args[2]
        elif op == "MatMul":
            y = args[0] @ args[1]
        elif op == "Add":
            y = args[0] + args[1]
        elif op == "Relu":
            y = np.maximum(args[0], 0.0)
        elif op == "Flatten":
            axis = attr.get("axis", 1)
            y = args[0].reshape(int(np.prod(args[0].shape[:axis])), -1)
        elif op == "Identity":
            y = args[0]
        else:
            raise NotImplementedError(f"{node.name}: {op}")
        env[node.output[0]] = y
    return env[graph.output[0].name]


def check_against_torch(proto, x, y_torch, what):
    y = numpy_eval(proto, x)
    assert y.shape == y_torch.shape, (what, y.shape, y_torch.shape)
    err = np.max(np.abs(y - y_torch.astype(np.float64)))
    scale = max(1.0, np.max(np.abs(y)))
    assert err <= 1e-4 * scale, f"{what}: numpy float64 vs torch float32 differ by {err}"
    return err


def describe(proto):
    """One line per node: op type and attributes, the way the importer sees them."""
    lines = []
    for node in proto.graph.node:
        attrs = ", ".join(f"{a.name}={helper.get_attribute_value(a)}" for a in node.attribute)
        ins = ", ".join(node.input)
        lines.append(f"{node.op_type}({attrs})[{ins}]" if attrs else f"{node.op_type}[{ins}]")
    return lines


def io_shapes(proto):
    def shape(value):
        dims = value.type.tensor_type.shape.dim
        return "x".join(d.dim_param if d.dim_param else str(d.dim_value) for d in dims)
    init = {t.name for t in proto.graph.initializer}
    ins = [f"{v.name}[{shape(v)}]" for v in proto.graph.input if v.name not in init]
    outs = [f"{v.name}[{shape(v)}]" for v in proto.graph.output]
    return ", ".join(ins), ", ".join(outs)


def print_model(path, proto):
    print(f"--- {path.relative_to(ROOT)}: ir_version {proto.ir_version}, opset "
          f"{[(o.domain or 'ai.onnx', o.version) for o in proto.opset_import]}, "
          f"producer {proto.producer_name} {proto.producer_version}")
    print(helper.printable_graph(proto.graph))


def size_str(path):
    return f"{os.path.getsize(path):,} B"


# ----------------------------------------------------------------------------------------------- digits
DIGITS_SEED = 0          # torch init and batch order
DIGITS_SPLIT_STATE = 0   # sklearn train_test_split random_state
DIGITS_EPOCHS = 60
DIGITS_BATCH = 32
DIGITS_LR = 1e-3


def make_digits():
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    labels = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(x, labels, test_size=0.2,
                                                        random_state=DIGITS_SPLIT_STATE)
    torch.manual_seed(DIGITS_SEED)
    model = nn.Sequential(collections.OrderedDict(
        fc1=nn.Linear(64, 128), relu1=nn.ReLU(), fc2=nn.Linear(128, 10)))
    optimizer = torch.optim.Adam(model.parameters(), lr=DIGITS_LR)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    order_gen = torch.Generator().manual_seed(DIGITS_SEED)
    for epoch in range(DIGITS_EPOCHS):
        model.train()
        perm = torch.randperm(len(xt), generator=order_gen)
        total = 0.0
        for start in range(0, len(xt), DIGITS_BATCH):
            idx = perm[start:start + DIGITS_BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        if epoch % 10 == 9 or epoch == DIGITS_EPOCHS - 1:
            print(f"digits epoch {epoch + 1}: train loss {total / len(xt):.4f}")

    x_test = save_npy(MODELS / "digits_test_x.npy", x_test)
    save_npy(MODELS / "digits_test_labels.npy", y_test.astype(np.float32))
    logits = save_npy(MODELS / "digits_test_logits.npy", torch_forward(model, x_test))
    accuracy = float(np.mean(np.argmax(logits, axis=1) == y_test))
    train_logits = torch_forward(model, x_train)
    train_accuracy = float(np.mean(np.argmax(train_logits, axis=1) == y_train))
    print(f"digits: test accuracy {accuracy:.4f} ({int(round(accuracy * len(y_test)))}/{len(y_test)}), "
          f"train accuracy {train_accuracy:.4f}")
    assert accuracy > 0.95, accuracy

    path = MODELS / "digits_mlp.onnx"
    proto = export(model, path, (1, 64))
    check_against_torch(proto, x_test, logits, path.name)
    print_model(path, proto)
    return {"accuracy": accuracy, "n_test": len(y_test), "n_train": len(y_train),
            "correct": int(np.sum(np.argmax(logits, axis=1) == y_test)), "train_accuracy": train_accuracy}


# ------------------------------------------------------------------------------------ 784 -> 1024 -> 10
MLP784_SEED = 784
MLP784_INPUT_SEED = 7841


def make_mlp_784():
    torch.manual_seed(MLP784_SEED)
    model = nn.Sequential(collections.OrderedDict(
        fc1=nn.Linear(784, 1024), relu1=nn.ReLU(), fc2=nn.Linear(1024, 10)))
    x = save_npy(MODELS / "mlp_784_1024_10_x.npy", uniform01(MLP784_INPUT_SEED, (8, 784)))
    y = save_npy(MODELS / "mlp_784_1024_10_y.npy", torch_forward(model, x))
    path = MODELS / "mlp_784_1024_10.onnx"
    proto = export(model, path, (1, 784))
    check_against_torch(proto, x, y, path.name)
    print_model(path, proto)


# -------------------------------------------------------------------------------- JSON layer lists
# The format is mapper/import/json_import.h's (docs/mapper-import.md). "random" weights and bias are drawn
# by the importer; splitmix_uniform and json_layer_weights below redo that draw in numpy, independently, so
# that the committed reference outputs check the C++ generator too. Every layer has "bias": "random", like
# PyTorch's nn.Linear: with zero bias, 34 layers at the format's 1/sqrt(N) scale shrink the signal to
# ~1e-13 (each ReLU layer keeps about 1/sqrt(6) of its input's magnitude), and the output would be ~0.
SPLITMIX_GAMMA = np.uint64(0x9E3779B97F4A7C15)


def splitmix_uniform(seed, count):
    """The first `count` draws of json_import.cpp's SplitMix::uniform(): float32 in [-1, 1), on a 2^-23
    grid. Draw k (from 1) mixes the state seed + k * gamma (mod 2^64)."""
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + np.arange(1, count + 1, dtype=np.uint64) * SPLITMIX_GAMMA
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return ((z >> np.uint64(40)).astype(np.int64) - (1 << 23)).astype(np.float32) / np.float32(1 << 23)


def json_layer_weights(doc):
    """Yields (layer, W [M, N] float32, b [M] float32) as the importer draws them: seeded SplitMix64, the
    M x N weights row by row, then the M bias entries, each float32(u * float32(1 / sqrt(N)))."""
    n = doc["input"]
    for layer in doc["layers"]:
        m = layer["out"]
        assert layer["weights"] == "random" and layer.get("bias") == "random", layer
        scale = np.float32(1.0 / np.sqrt(float(n)))
        values = splitmix_uniform(layer["seed"], m * n + m) * scale
        yield layer, values[:m * n].reshape(m, n), values[m * n:]
        n = m


def json_reference(doc, x):
    """float64 forward pass, like mapper/reference.cpp: y_i = act(sum_j W_ij x_j + b_i)."""
    h = x.astype(np.float64)
    for layer, w, b in json_layer_weights(doc):
        h = h @ w.astype(np.float64).T + b.astype(np.float64)
        if layer["activation"] == "relu":
            h = np.maximum(h, 0.0)
    return h


def json_model(path, width, depth, first_seed, comment):
    layers = []
    for i in range(depth):
        last = i == depth - 1
        layers.append({"name": f"fc{i + 1}", "out": width, "activation": "none" if last else "relu",
                       "weights": "random", "bias": "random", "seed": first_seed + i})
    doc = {"comment": comment, "input": width, "layers": layers}
    path.write_text(json.dumps(doc, indent=2) + "\n")
    return json.loads(path.read_text())


JSON_MODELS = [
    # name, width, depth, input rows, input seed
    ("fc34_relu_256", 256, 34, 4, 34256),
    ("wide_8x4096", 4096, 8, 2, 84096),
]


def make_json_models():
    stats = {}
    for name, width, depth, rows, x_seed in JSON_MODELS:
        comment = (f"{depth} fully connected layers {width} -> {width}, ReLU on all but the last; weights and "
                   f"bias drawn by the importer from each layer's seed. Written by scripts/make_models.py.")
        doc = json_model(MODELS / f"{name}.json", width, depth, 1, comment)
        x = save_npy(MODELS / f"{name}_x.npy", uniform01(x_seed, (rows, width)))
        y = json_reference(doc, x)
        save_npy(MODELS / f"{name}_y.npy", y)
        print(f"{name}: reference output max |y| {np.max(np.abs(y)):.4g}, mean |y| {np.mean(np.abs(y)):.4g}")
        stats[name] = (float(np.max(np.abs(y))), float(np.mean(np.abs(y))))
    return stats


# ------------------------------------------------------------------------------------------ fixtures
# Awkward sizes (20 -> 33 -> 7) so that an importer mixing up rows and columns fails loudly.
IN, HIDDEN, OUT = 20, 33, 7


def mlp(bias=True, dropout=False):
    mods = [("fc1", nn.Linear(IN, HIDDEN, bias=bias)), ("relu1", nn.ReLU())]
    if dropout:
        mods.append(("drop1", nn.Dropout(0.5)))
    mods.append(("fc2", nn.Linear(HIDDEN, OUT, bias=bias)))
    return nn.Sequential(collections.OrderedDict(mods))


def flatten_mlp():
    return nn.Sequential(collections.OrderedDict(
        flatten=nn.Flatten(), fc1=nn.Linear(64, HIDDEN), relu1=nn.ReLU(), fc2=nn.Linear(HIDDEN, 10)))


def conv_net():
    return nn.Sequential(collections.OrderedDict(
        conv1=nn.Conv2d(1, 4, 3), relu1=nn.ReLU(), flatten=nn.Flatten(), fc1=nn.Linear(4 * 6 * 6, 10)))


# name, builder, example shape (batch 1 unless dynamic), input shape of the .npy, opset, dynamic batch,
# whether the mapper must accept it, description for the README
FIXTURE_TABLE = [
    ("mlp_gemm", lambda: mlp(), (1, IN), (3, IN), OPSET, False, True,
     "baseline: `nn.Linear` with bias -> `Gemm(alpha=1, beta=1, transB=1)`, weight [out, in]"),
    ("mlp_nobias", lambda: mlp(bias=False), (1, IN), (3, IN), OPSET, False, True,
     "`nn.Linear(bias=False)` -> `MatMul` against an initializer already transposed to [in, out], "
     "named `onnx::MatMul_N` by the exporter (not `fc1.weight`); no bias"),
    ("mlp_flatten", flatten_mlp, (1, 1, 8, 8), (3, 1, 8, 8), OPSET, False, True,
     "`nn.Flatten()` in front of the MLP: input [B, 1, 8, 8] -> `Flatten(axis=1)` -> [B, 64]"),
    ("mlp_dropout", lambda: mlp(dropout=True), (1, IN), (3, IN), OPSET, False, True,
     "`nn.Dropout(0.5)` after the ReLU, exported in eval mode: the exporter drops it, so the graph has no "
     "Dropout node and equals mlp_gemm's (torch 1.13 writes a `Dropout` node, with `training_mode` = true, "
     "only under `training=TrainingMode.TRAINING`; not made here)"),
    ("mlp_dynamic_batch", lambda: mlp(), (1, IN), (5, IN), OPSET, True, True,
     "exported with `dynamic_axes={'input': {0: 'batch'}, 'output': {0: 'batch'}}`: "
     "the batch dimension is the symbol `batch` (dim_param), not a number"),
    ("mlp_opset17", lambda: mlp(), (1, IN), (3, IN), 17, False, True,
     "exported with `opset_version=17`: same nodes as mlp_gemm, ir_version 8 instead of 7"),
    ("conv_refused", conv_net, (1, 1, 8, 8), (2, 1, 8, 8), OPSET, False, False,
     "`nn.Conv2d(1, 4, 3)` -> ReLU -> Flatten -> Linear(144, 10): has a `Conv` node, "
     "**the mapper must refuse it** naming the node"),
]


def make_fixtures():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, (name, build, example_shape, x_shape, opset, dynamic, supported, text) in enumerate(FIXTURE_TABLE):
        seed = 100 + i
        torch.manual_seed(seed)
        model = build()
        x = save_npy(FIXTURES / f"{name}_x.npy", uniform01(1000 + i, x_shape))
        y = save_npy(FIXTURES / f"{name}_y.npy", torch_forward(model, x))
        path = FIXTURES / f"{name}.onnx"
        proto = export(model, path, example_shape, opset=opset, dynamic_batch=dynamic)
        if supported:
            check_against_torch(proto, x, y, name)
        else:
            try:
                numpy_eval(proto, x)
                raise AssertionError(f"{name}: expected an unsupported op")
            except NotImplementedError as e:
                print(f"{name}: unsupported as intended: {e}")
        print_model(path, proto)
        rows.append((name, seed, 1000 + i, x.shape, y.shape, proto, text, supported))
    return rows


# ------------------------------------------------------------------------------------------- READMEs
def shape_str(shape):
    return "[" + ", ".join(str(d) for d in shape) + "]"


def write_models_readme(digits, json_stats):
    m = MODELS
    onnx_rows = []
    for name in ("digits_mlp.onnx", "mlp_784_1024_10.onnx"):
        proto = onnx.load(str(m / name))
        ins, outs = io_shapes(proto)
        onnx_rows.append((name, proto, ins, outs))
    lines = [
        "# Models for the mapper",
        "",
        f"Generated by `{REGENERATE}` (which runs `scripts/make_models.py` with Debian's python3-torch 1.13,",
        "python3-onnx 1.12, python3-sklearn, python3-numpy, installing them when missing). Fixed seeds and one",
        "thread: a rerun writes the same bytes. Do not edit by hand; this README is generated too.",
        "",
        "All `.npy` files are float32, C order. ONNX models are exported with `torch.onnx.export`, opset 14,",
        "input `input`, output `output`, from a batch-1 example: the declared input shape is [1, N] while the",
        "`.npy` inputs hold several rows; the importer takes dimension 0 as the batch whatever its declared value.",
        "",
        "## digits_mlp.onnx: 64 -> 128 (ReLU) -> 10, trained",
        "",
        "scikit-learn's handwritten digits (`sklearn.datasets.load_digits`: 1797 8x8 images, pixels 0..16",
        "scaled to [0, 1] by /16), split 80/20 with `train_test_split(test_size=0.2, random_state=0)` "
        f"({digits['n_train']} train, {digits['n_test']} test).",
        f"Trained with PyTorch: Adam lr {DIGITS_LR}, batch {DIGITS_BATCH}, {DIGITS_EPOCHS} epochs, cross-entropy,",
        f"`torch.manual_seed({DIGITS_SEED})`.",
        "",
        f"**Test accuracy measured by PyTorch (float32): {digits['accuracy'] * 100:.2f}% "
        f"({digits['correct']}/{digits['n_test']})**; train accuracy {digits['train_accuracy'] * 100:.2f}%.",
        "",
        "| file | contents | size |",
        "| --- | --- | --- |",
        f"| `digits_mlp.onnx` | Gemm(fc1) -> Relu -> Gemm(fc2); fc1.weight [128, 64], fc2.weight [10, 128] | "
        f"{size_str(m / 'digits_mlp.onnx')} |",
        f"| `digits_test_x.npy` | the test images, [{digits['n_test']}, 64] in [0, 1] | {size_str(m / 'digits_test_x.npy')} |",
        f"| `digits_test_labels.npy` | the true labels 0..9 as float32, [{digits['n_test']}] | "
        f"{size_str(m / 'digits_test_labels.npy')} |",
        f"| `digits_test_logits.npy` | PyTorch's float32 output on the test images, [{digits['n_test']}, 10] | "
        f"{size_str(m / 'digits_test_logits.npy')} |",
        "",
        "## mlp_784_1024_10.onnx: 784 -> 1024 (ReLU) -> 10, untrained",
        "",
        f"PyTorch's default `nn.Linear` initialisation after `torch.manual_seed({MLP784_SEED})`; not trained.",
        "",
        "| file | contents | size |",
        "| --- | --- | --- |",
        f"| `mlp_784_1024_10.onnx` | Gemm(fc1) -> Relu -> Gemm(fc2); fc1.weight [1024, 784], fc2.weight [10, 1024] | "
        f"{size_str(m / 'mlp_784_1024_10.onnx')} |",
        f"| `mlp_784_1024_10_x.npy` | input [8, 784], uniform [0, 1) (numpy PCG64 seed {MLP784_INPUT_SEED}) | "
        f"{size_str(m / 'mlp_784_1024_10_x.npy')} |",
        f"| `mlp_784_1024_10_y.npy` | PyTorch's float32 output, [8, 10] | {size_str(m / 'mlp_784_1024_10_y.npy')} |",
        "",
        "## JSON layer lists: fc34_relu_256.json, wide_8x4096.json",
        "",
        "Too big to commit as ONNX (34 x 256 x 256 weights are 8.9 MB of float32; 8 x 4096 x 4096 are 537 MB),",
        "so they are layer lists (format: `mapper/import/json_import.h`, `docs/mapper-import.md`) whose weights",
        "and biases the C++ importer draws at run time from each layer's seed (SplitMix64, uniform in",
        "[-1/sqrt(N), 1/sqrt(N)), PyTorch's nn.Linear range, every value exactly a float32).",
        "",
        "Every layer has `\"bias\": \"random\"`: with zero bias the 34-layer output would be ~1e-13 (at this",
        "scale each ReLU layer keeps about 1/sqrt(6) of its input's magnitude). Even so, the input's influence",
        "fades the same way: in fc34_relu_256 it is below float32 resolution after ~20 layers, so that model's",
        "output checks every layer's weights and bias but not the first layers' handling of the input;",
        "wide_8x4096 still depends on its input (8 layers).",
        "",
        "The `_y.npy` reference outputs are not the importer's: `scripts/make_models.py` redraws the weights in",
        "numpy (its own SplitMix64) and evaluates the layers in float64, stored as float32. A mismatch means",
        "the draw or the evaluation disagrees with the format's definition.",
        "",
        "| file | contents | size |",
        "| --- | --- | --- |",
        f"| `fc34_relu_256.json` | 34 layers `fc1`..`fc34`, each 256 -> 256 (the last too: output width 256), "
        f"ReLU on all but the last (`none`), random weights and bias, seeds 1..34 | {size_str(m / 'fc34_relu_256.json')} |",
        f"| `fc34_relu_256_x.npy` | input [4, 256], uniform [0, 1) (numpy PCG64 seed 34256) | "
        f"{size_str(m / 'fc34_relu_256_x.npy')} |",
        f"| `fc34_relu_256_y.npy` | float64 reference output [4, 256] as float32; max abs "
        f"{json_stats['fc34_relu_256'][0]:.3g}, mean abs {json_stats['fc34_relu_256'][1]:.3g} | "
        f"{size_str(m / 'fc34_relu_256_y.npy')} |",
        f"| `wide_8x4096.json` | 8 layers `fc1`..`fc8`, each 4096 -> 4096, ReLU on all but the last (`none`), "
        f"random weights and bias, seeds 1..8 | {size_str(m / 'wide_8x4096.json')} |",
        f"| `wide_8x4096_x.npy` | input [2, 4096], uniform [0, 1) (numpy PCG64 seed 84096) | "
        f"{size_str(m / 'wide_8x4096_x.npy')} |",
        f"| `wide_8x4096_y.npy` | float64 reference output [2, 4096] as float32; max abs "
        f"{json_stats['wide_8x4096'][0]:.3g}, mean abs {json_stats['wide_8x4096'][1]:.3g} | "
        f"{size_str(m / 'wide_8x4096_y.npy')} |",
        "",
        "## The ONNX graphs as PyTorch 1.13 wrote them",
        "",
    ]
    for name, proto, ins, outs in onnx_rows:
        lines.append(f"- `{name}`: ir_version {proto.ir_version}, opset {proto.opset_import[0].version}, "
                     f"input {ins}, output {outs}; nodes: " + "; ".join(f"`{d}`" for d in describe(proto)))
    lines += ["", f"Regenerate everything (these files and `tests/mapper/fixtures/`): `{REGENERATE}`", ""]
    (m / "README.md").write_text("\n".join(lines))


def write_fixtures_readme(rows):
    lines = [
        "# ONNX fixtures for the mapper's import tests",
        "",
        "Small MLPs exported the way a user exports them from PyTorch (`torch.onnx.export`, eval mode, input",
        "`input`, output `output`, a batch-1 example unless the batch is dynamic), by `scripts/make_models.py`",
        f"(run `{REGENERATE}`; Debian's python3-torch 1.13, python3-onnx 1.12). Fixed seeds, one thread: a",
        "rerun writes the same bytes. Do not edit by hand; this README is generated too.",
        "",
        "For each `NAME.onnx`: `NAME_x.npy` is an input (float32, uniform [0, 1), more rows than the declared",
        "batch of 1) and `NAME_y.npy` PyTorch's float32 output for it. The script re-evaluates every accepted",
        "model from the file in float64 with numpy and checks it against PyTorch's output (max error < 1e-4).",
        f"Sizes: in {IN}, hidden {HIDDEN} (ReLU), out {OUT}, awkward on purpose, unless said otherwise.",
        "",
        "| file | mapper | input x | output y | size |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, seed, x_seed, x_shape, y_shape, proto, text, supported in rows:
        lines.append(f"| `{name}.onnx` | {'accept' if supported else '**refuse**'} | {shape_str(x_shape)} | "
                     f"{shape_str(y_shape)} | {size_str(FIXTURES / (name + '.onnx'))} |")
    for name, seed, x_seed, x_shape, y_shape, proto, text, supported in rows:
        ins, outs = io_shapes(proto)
        lines += ["", f"## {name}.onnx", "", f"{text}.", "",
                  f"- ir_version {proto.ir_version}, opset {proto.opset_import[0].version}; declared input {ins}, "
                  f"output {outs}",
                  f"- `torch.manual_seed({seed})`; `{name}_x.npy` {shape_str(x_shape)} from numpy seed {x_seed}; "
                  f"`{name}_y.npy` {shape_str(y_shape)}",
                  "- nodes, as `op(attributes)[inputs]`:"]
        lines += [f"  - `{d}`" for d in describe(proto)]
    lines.append("")
    (FIXTURES / "README.md").write_text("\n".join(lines))


# ---------------------------------------------------------------------------------------------- main
def check_outputs():
    for folder in (MODELS, FIXTURES):
        for path in sorted(folder.iterdir()):
            size = path.stat().st_size
            assert size <= MAX_COMMITTED_BYTES, f"{path}: {size} bytes is over {MAX_COMMITTED_BYTES}"
            if path.suffix == ".onnx":
                onnx.checker.check_model(onnx.load(str(path)))
            elif path.suffix == ".npy":
                a = np.load(path)
                assert a.dtype == np.float32 and a.flags["C_CONTIGUOUS"], path
            print(f"{str(path.relative_to(ROOT)):55s} {size:>10,d} B")


def main():
    print(f"torch {torch.__version__}, onnx {onnx.__version__}, numpy {np.__version__}, "
          f"threads {torch.get_num_threads()}, python {sys.version.split()[0]}")
    MODELS.mkdir(parents=True, exist_ok=True)
    digits = make_digits()
    make_mlp_784()
    json_stats = make_json_models()
    rows = make_fixtures()
    write_models_readme(digits, json_stats)
    write_fixtures_readme(rows)
    check_outputs()
    print(f"digits test accuracy (torch, float32): {digits['accuracy']:.4f}")


if __name__ == "__main__":
    main()
