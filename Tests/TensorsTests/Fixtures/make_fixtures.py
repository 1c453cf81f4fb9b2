#!/usr/bin/env python3
"""Regenerates the numpy-computed fixtures the Tensors tests compare against.

Run from this folder: python3 make_fixtures.py  (needs numpy; no other package).
Outputs (all committed): cases.json (broadcasting, unary maps, matmul, indexing, assignment,
reductions, printing) and npy/*.npy + npy/index.json, safetensors/*.safetensors + index.json.
"""
import json, os, struct
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261125)


def enc(a):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "data": [float(x) if np.isfinite(x) else repr(float(x)) for x in a.ravel(order="C")]}


def ints(shape, lo=-4, hi=5):
    return rng.integers(lo, hi, size=shape).astype(np.float64)


# ---- broadcasting ---------------------------------------------------------------------------
pairs = [((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((4, 1, 3), (2, 1)), ((), (2, 2)),
         ((1,), (3, 2)), ((2, 3, 4), (3, 1)), ((5, 1, 1), (1, 4, 2)), ((2, 2), ()), ((0, 3), (1, 3)),
         ((2, 3), (2,)), ((3, 4), (4, 3)), ((2, 1, 3), (4, 2)), ((0,), (2,))]
ops = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply, "divide": np.divide,
       "power": np.power, "equal": np.equal, "notEqual": np.not_equal, "less": np.less,
       "lessEqual": np.less_equal, "greater": np.greater, "greaterEqual": np.greater_equal,
       "maximum": np.maximum, "minimum": np.minimum}
broadcast = []
for sa, sb in pairs:
    a = ints(sa, 1, 5)
    b = ints(sb, -2, 4)
    for name, f in ops.items():
        case = {"op": name, "a": enc(a), "b": enc(b)}
        try:
            with np.errstate(all="ignore"):
                case["result"] = enc(f(a, b))
        except ValueError:
            case["error"] = True
        broadcast.append(case)

# ---- unary maps -----------------------------------------------------------------------------
x = np.array([-2.5, -1.0, -0.0, 0.0, 0.3, 1.0, 2.0, 7.25])
pos = np.array([0.1, 0.5, 1.0, 2.0, 3.5, 10.0, 1e-3, 123.0])
unary = []
for name, f, data in [("exp", np.exp, x), ("log", np.log, pos), ("sqrt", np.sqrt, pos), ("abs", np.abs, x),
                      ("tanh", np.tanh, x), ("relu", lambda v: np.maximum(v, 0), x), ("sin", np.sin, x),
                      ("cos", np.cos, x), ("square", np.square, x), ("sign", np.sign, x), ("negate", np.negative, x)]:
    unary.append({"function": name, "input": enc(data), "result": enc(f(data))})

# ---- matmul ---------------------------------------------------------------------------------
matmul = []
for sa, sb in [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)), ((2, 3, 4), (4, 5)),
               ((2, 1, 3, 4), (5, 4, 2)), ((4,), (2, 4, 3)), ((2, 3, 4), (4,)), ((3, 0), (0, 2)),
               ((3, 4), (3, 4)), ((2, 3, 4), (3, 4, 2))]:
    a, b = ints(sa), ints(sb)
    case = {"a": enc(a), "b": enc(b)}
    try:
        case["result"] = enc(np.matmul(a, b))
    except ValueError:
        case["error"] = True
    matmul.append(case)

# ---- indexing -------------------------------------------------------------------------------
base = np.arange(60, dtype=np.float64).reshape(3, 4, 5)


def component(c):
    if c == "all":
        return slice(None)
    if c == "newaxis":
        return np.newaxis
    if "at" in c:
        return c["at"]
    return slice(*c["slice"])


S = lambda *a: {"slice": list(a)}
A = lambda i: {"at": i}
index_lists = [
    [A(0)], [A(-1)], [A(1), A(2)], [A(2), A(3), A(4)], [A(-3), A(-4), A(-5)], [S(None, None, -1)],
    [S(1, None, None)], ["all", S(None, None, 2)], ["all", "all", S(None, None, -2)], [S(-2, None, None), A(1)],
    [S(5, 1, -1)], [S(10, -10, None)], [S(None, None, None), S(3, 0, -1), S(-1, 0, -2)], [S(2, 1, None)],
    ["newaxis", A(1)], [A(1), "newaxis", S(None, None, 3)], [S(-100, 100, 7)], ["all", A(-2), "newaxis"],
    [S(None, None, 1000)], [S(None, None, -1000)], [S(-1, -100, -1)], [A(3)], [A(0), A(-5)], [A(0), A(0), A(5)],
    [A(0), A(0), A(0), A(0)], [S(0, 3, 0)],
]
indexing = []
for idx in index_lists:
    case = {"index": idx}
    try:
        case["result"] = enc(base[tuple(component(c) for c in idx)])
    except (IndexError, ValueError):
        case["error"] = True
    indexing.append(case)

assignment = []
for idx, value in [([A(0)], np.array(7.0)), ([S(None, None, -1), A(1)], np.arange(5.0)),
                   (["all", "all", S(None, None, 2)], np.array([[1.0], [2.0], [3.0], [4.0]])),
                   ([S(1, 3)], np.ones((1, 1, 4, 5)) * -1), ([A(-1), S(None, None, -2), A(0)], np.array([9.0, 8.0])),
                   ([A(0)], np.ones((3, 5))), ([A(1), A(1)], np.ones((1, 1, 5)) * 5)]:
    target = base.copy()
    case = {"index": idx, "value": enc(value)}
    try:
        target[tuple(component(c) for c in idx)] = value
        case["result"] = enc(target)
    except ValueError:
        case["error"] = True
    assignment.append(case)

# ---- reductions -----------------------------------------------------------------------------
r = np.round(rng.normal(size=(3, 4, 5)) * 4) / 4
r[1, 2, 3] = r.max()       # a tie: argmax must report the first occurrence
reductions = []
for axis in [None, 0, 1, 2, -1, -3]:
    for keep in [False, True]:
        for name, f in [("sum", np.sum), ("mean", np.mean), ("max", np.max), ("min", np.min),
                        ("argmax", np.argmax), ("argmin", np.argmin),
                        ("norm", lambda v, axis, keepdims: np.sqrt(np.sum(v * v, axis=axis, keepdims=keepdims)))]:
            res = f(r, axis=axis, keepdims=keep)
            reductions.append({"reduction": name, "axis": axis, "keepdims": keep, "result": enc(res)})


# ---- printing -------------------------------------------------------------------------------
def fmt(v):
    v = float(v)
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    return "%.6g" % v


def printed(a):
    """numpy's own layout with our element rule, each element padded to the widest shown."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0:
        return fmt(a)
    if a.size == 0:
        return "[]"
    shown = np.ravel(np._core.arrayprint._leading_trailing(a, 3)) if a.size > 1000 else a.ravel()
    width = max(len(fmt(v)) for v in shown)
    return np.array2string(a, separator=", ", threshold=1000, edgeitems=3, max_line_width=75,
                           formatter={"float_kind": lambda v: fmt(v).rjust(width)})


printing = []
for a in [np.array(3.5), np.array(-0.0), np.array([1.0, 2.0, 3.0]), np.array([[1.0, 2.0], [3.0, 4.0]]),
          np.array([[1.5, -20.0], [300.25, 4e-7]]), np.array([np.nan, np.inf, -np.inf, -0.0, 1234567.0, 0.1]),
          np.arange(24.0).reshape(2, 3, 4), np.arange(40.0) * 1.5, np.arange(2000.0).reshape(100, 20),
          np.arange(1001.0), np.arange(3000.0).reshape(10, 10, 30) / 7, np.zeros((0, 3)),
          np.arange(16.0).reshape(2, 2, 2, 2), np.linspace(-1, 1, 30).reshape(3, 10) ** 3,
          np.arange(1200.0).reshape(2, 3, 200), np.ones((1, 1, 1))]:
    printing.append({"tensor": enc(a), "text": printed(a)})

with open(os.path.join(HERE, "cases.json"), "w") as f:
    json.dump({"broadcast": broadcast, "unary": unary, "matmul": matmul, "indexing": indexing,
               "indexingBase": enc(base), "assignment": assignment, "reductionInput": enc(r),
               "reductions": reductions, "printing": printing}, f, indent=0)

# ---- .npy files -----------------------------------------------------------------------------
npy_dir = os.path.join(HERE, "npy")
os.makedirs(npy_dir, exist_ok=True)
npy_index = []
values = np.array([[0, 1, -2, 3], [4, -5, 6, 7], [-8, 9, 10, -11]], dtype=np.float64)
for code in ["f8", "f4", "i8", "i4", "i2", "i1", "u1", "u2", "u4", "u8", "b1"]:
    orders = ["|"] if code[1] == "1" else ["<", ">"]
    for bo in orders:
        for fortran in [False, True]:
            v = values.copy()
            if code[0] == "u":
                v = np.abs(v)
            if code == "b1":
                v = (v > 0).astype(np.float64)
            if code[0] == "f":
                v = v * 0.75 + 0.125
            arr = v.astype(np.dtype(bo + code))
            arr = np.asfortranarray(arr) if fortran else np.ascontiguousarray(arr)
            name = "%s_%s_%s.npy" % (code, {"<": "le", ">": "be", "|": "na"}[bo], "F" if fortran else "C")
            np.save(os.path.join(npy_dir, name), arr)
            npy_index.append({"file": name, "expected": enc(arr.astype(np.float64))})
extremes = np.array([np.iinfo(np.int64).min, -1, 0, np.iinfo(np.int64).max], dtype="<i8")
np.save(os.path.join(npy_dir, "i8_extremes.npy"), extremes)
npy_index.append({"file": "i8_extremes.npy", "expected": enc(extremes.astype(np.float64))})
for version in [(2, 0), (3, 0)]:
    arr = np.arange(6.0).reshape(2, 3) / 3
    name = "f8_v%d.npy" % version[0]
    with open(os.path.join(npy_dir, name), "wb") as f:
        np.lib.format.write_array(f, arr, version=version)
    npy_index.append({"file": name, "expected": enc(arr)})
for name, arr in [("scalar.npy", np.array(2.5)), ("empty.npy", np.zeros((0, 3))), ("vector.npy", np.linspace(0, 1, 7)),
                  ("cube_F.npy", np.asfortranarray(np.arange(24.0).reshape(2, 3, 4)))]:
    np.save(os.path.join(npy_dir, name), arr)
    npy_index.append({"file": name, "expected": enc(arr)})
# Unsupported dtypes, to check the error names them.
np.save(os.path.join(npy_dir, "unsupported_c16.npy"), np.zeros(3, dtype=np.complex128))
np.save(os.path.join(npy_dir, "unsupported_f2.npy"), np.zeros(3, dtype=np.float16))
np.save(os.path.join(npy_dir, "unsupported_struct.npy"), np.zeros(2, dtype=[("a", "<f8"), ("b", "<i4")]))
with open(os.path.join(npy_dir, "index.json"), "w") as f:
    json.dump(npy_index, f, indent=0)

# ---- .safetensors, written by hand (the safetensors package may be absent) ------------------
st_dir = os.path.join(HERE, "safetensors")
os.makedirs(st_dir, exist_ok=True)
tensors = [("weight", "F64", "<f8", np.arange(6.0).reshape(2, 3) / 4),
           ("bias", "F32", "<f4", np.array([0.5, -1.25, 3.0])),
           ("steps", "I64", "<i8", np.array([[1, -2], [3, 2 ** 40]])),
           ("labels", "I32", "<i4", np.array([7, -8, 9, 10])),
           ("scalar", "F64", "<f8", np.array(1.5))]
header, blob = {"__metadata__": {"format": "pt", "note": "hand written"}}, b""
for name, dtype, code, arr in tensors:
    raw = np.ascontiguousarray(arr.astype(code)).tobytes()
    header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [len(blob), len(blob) + len(raw)]}
    blob += raw
text = json.dumps(header).encode()
text += b" " * ((8 - len(text) % 8) % 8)
with open(os.path.join(st_dir, "mixed.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + blob)
with open(os.path.join(st_dir, "index.json"), "w") as f:
    json.dump({"file": "mixed.safetensors", "metadata": header["__metadata__"],
               "tensors": [{"name": n, "expected": enc(a.astype(c).astype(np.float64))} for n, _, c, a in tensors]}, f, indent=0)
print("fixtures written to", HERE)
