"""Writes tl_one_layer.safetensors: a one-layer transformer in TransformerLens' state-dict layout
(biases, LayerNorm, GELU, its attn.mask and attn.IGNORE buffers included), 5 token sequences,
and the logits numpy computes for them with TransformerLens' conventions, written independently
of entk's code. Run from this directory: python3 make_transformerlens_fixture.py (numpy only)."""
import json, struct
import numpy as np
from math import erf

rng = np.random.default_rng(7)
V, D, H, E, M, T = 7, 8, 2, 4, 12, 3
W = {
    "embed.W_E": rng.normal(size=(V, D)), "pos_embed.W_pos": rng.normal(size=(T, D)),
    "blocks.0.ln1.w": 1 + 0.2 * rng.normal(size=D), "blocks.0.ln1.b": 0.2 * rng.normal(size=D),
    "blocks.0.attn.W_Q": rng.normal(size=(H, D, E)) / np.sqrt(D), "blocks.0.attn.W_K": rng.normal(size=(H, D, E)) / np.sqrt(D),
    "blocks.0.attn.W_V": rng.normal(size=(H, D, E)) / np.sqrt(D), "blocks.0.attn.W_O": rng.normal(size=(H, E, D)) / np.sqrt(E),
    "blocks.0.attn.b_Q": 0.3 * rng.normal(size=(H, E)), "blocks.0.attn.b_K": 0.3 * rng.normal(size=(H, E)),
    "blocks.0.attn.b_V": 0.3 * rng.normal(size=(H, E)), "blocks.0.attn.b_O": 0.3 * rng.normal(size=D),
    "blocks.0.ln2.w": 1 + 0.2 * rng.normal(size=D), "blocks.0.ln2.b": 0.2 * rng.normal(size=D),
    "blocks.0.mlp.W_in": rng.normal(size=(D, M)) / np.sqrt(D), "blocks.0.mlp.b_in": 0.3 * rng.normal(size=M),
    "blocks.0.mlp.W_out": rng.normal(size=(M, D)) / np.sqrt(M), "blocks.0.mlp.b_out": 0.3 * rng.normal(size=D),
    "ln_final.w": 1 + 0.2 * rng.normal(size=D), "ln_final.b": 0.2 * rng.normal(size=D),
    "unembed.W_U": rng.normal(size=(D, V)) / np.sqrt(D), "unembed.b_U": 0.3 * rng.normal(size=V),
}
tokens = rng.integers(0, V, size=(5, T))

def ln(x, w, b):
    mu = x.mean(-1, keepdims=True)
    sigma = np.sqrt(((x - mu) ** 2).mean(-1, keepdims=True) + 1e-5)
    return (x - mu) / sigma * w + b

gelu = np.vectorize(lambda z: 0.5 * z * (1 + erf(z / np.sqrt(2))))
x = W["embed.W_E"][tokens] + W["pos_embed.W_pos"][None]
h = ln(x, W["blocks.0.ln1.w"], W["blocks.0.ln1.b"])
q = np.einsum("btd,hde->bthe", h, W["blocks.0.attn.W_Q"]) + W["blocks.0.attn.b_Q"]
k = np.einsum("btd,hde->bthe", h, W["blocks.0.attn.W_K"]) + W["blocks.0.attn.b_K"]
v = np.einsum("btd,hde->bthe", h, W["blocks.0.attn.W_V"]) + W["blocks.0.attn.b_V"]
scores = np.einsum("bqhe,bkhe->bhqk", q, k) / np.sqrt(E)
scores = np.where(np.tril(np.ones((T, T), bool)), scores, -1e5)   # TransformerLens' IGNORE
a = np.exp(scores - scores.max(-1, keepdims=True)); a /= a.sum(-1, keepdims=True)
z = np.einsum("bhqk,bkhe->bqhe", a, v)
x = x + np.einsum("bqhe,hed->bqd", z, W["blocks.0.attn.W_O"]) + W["blocks.0.attn.b_O"]
h = ln(x, W["blocks.0.ln2.w"], W["blocks.0.ln2.b"])
x = x + gelu(h @ W["blocks.0.mlp.W_in"] + W["blocks.0.mlp.b_in"]) @ W["blocks.0.mlp.W_out"] + W["blocks.0.mlp.b_out"]
logits = ln(x, W["ln_final.w"], W["ln_final.b"])[:, -1] @ W["unembed.W_U"] + W["unembed.b_U"]

entries = [(n, "F64", np.asarray(t, dtype="<f8")) for n, t in W.items()]
entries += [("blocks.0.attn.mask", "BOOL", np.tril(np.ones((T, T), dtype=np.uint8))),
            ("blocks.0.attn.IGNORE", "F32", np.asarray(-1e5, dtype="<f4")),
            ("test.tokens", "F64", tokens.astype("<f8")), ("test.logits", "F64", logits.astype("<f8"))]
header, blobs, offset = {}, [], 0
for name, dtype, array in entries:
    data = array.tobytes()
    header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
    blobs.append(data); offset += len(data)
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * (-len(text) % 8)
with open("tl_one_layer.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
