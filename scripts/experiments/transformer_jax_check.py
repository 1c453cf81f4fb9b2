#!/usr/bin/env python3
"""An independent JAX oracle for entk's one-layer transformer on modular addition (issue 15).

The model, loss and optimiser are written here from SCIENCE.md §4 and TransformerLens'
conventions, not from entk's code: tokens (a, b, "=" = 29); x0 = W_E[token] + W_pos[t];
causal attention (4 heads of 16, scores / √16, a position sees itself and earlier ones),
x1 = x0 + attn(x0); x2 = x1 + W_out·ReLU(W_in·x1); logits = x2[position 2] · W_U (30 logits);
cross-entropy over the first 29 logits, mean over the batch; AdamW exactly as PyTorch defines it
(θ ← θ(1 − lr·wd), then the bias-corrected Adam step, every tensor decayed, one param group).
No LayerNorm, no biases. Everything is float64.

Requirements (a throwaway venv outside the repository):
    python3 -m venv /tmp/jaxenv && /tmp/jaxenv/bin/pip install jax numpy safetensors

Two commands:

  check   Runs entk (--entk, default .build/release/entk) on a small script that exports the
          seed's initial weights, the data split, and weights after a few trainings into --work
          (default /tmp/transformer-jax-check), then loads the initial weights into JAX and
          compares:
            1. the logits on all 841 inputs at init;
            2. the loss and the gradient of every tensor, on all 420 train rows and on the
               first 64 (entk's gradient is read as θ0 − θ1 after one SGD step with lr 1);
            3. 200 full-batch AdamW steps (lr 3e-4, wd 1): the loss curve and the final
               weights, tensor by tensor;
            4. 10 minibatch epochs (batch 64, 70 steps) in entk's own shuffle order, which is
               reproduced here from its documented generator (xoshiro256** seeded by SplitMix64,
               Fisher–Yates from the end with Lemire's bounded integers): losses and weights.

  grok    The full experiment, SCIENCE.md §4: minibatches of 64 reshuffled every epoch, 4000
          epochs (--epochs); logs train/test accuracy every 100 epochs and the first epoch at
          which train accuracy reaches 100%. Each ingredient can come from JAX/numpy or from
          entk, to tell which one matters:
            --init jax|numpy|entk   the N(0, 1) init entries: jax.random, numpy's default_rng,
                                    or entk's generator (bit for bit entk's transformer(seed:));
                                    --init-from FILE.safetensors loads them instead;
            --split numpy|entk      numpy's default_rng(--split-seed).permutation, or entk's
                                    modular_sequences split (420 train, 421 test);
            --shuffle jax|entk      the per-epoch order: jax.random, or entk's for shuffle_seed
                                    = --seed.
          --init entk --split entk --shuffle entk replays entk's transformer_grokking(seed:).

    /tmp/jaxenv/bin/python scripts/experiments/transformer_jax_check.py check
    nice -n 10 /tmp/jaxenv/bin/python scripts/experiments/transformer_jax_check.py grok --seed 0
    nice -n 10 /tmp/jaxenv/bin/python scripts/experiments/transformer_jax_check.py grok --seed 0 \
        --init entk --split entk --shuffle entk

Not part of scripts/test (it needs JAX and takes minutes). Results:
Documentation/experiments/transformer-jax-check.md.
"""

import argparse
import math
import os
import subprocess
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
from safetensors.numpy import load_file

jax.config.update("jax_enable_x64", True)

P = 29                    # modulus; token P is "="
VOCAB, D, H, E, M, T = P + 1, 64, 4, 16, 256, 3
NAMES = ["embed.W_E", "pos_embed.W_pos", "blocks.0.attn.W_Q", "blocks.0.attn.W_K", "blocks.0.attn.W_V",
         "blocks.0.attn.W_O", "blocks.0.mlp.W_in", "blocks.0.mlp.W_out", "unembed.W_U"]
LR, BETAS, EPS, WD = 3e-4, (0.9, 0.999), 1e-8, 1.0


# ---------------------------------------------------------------- model, loss, optimiser

def forward(params, tokens):
    """All 30 logits at the last position, N × 30, for N × 3 integer tokens."""
    x = params["embed.W_E"][tokens] + params["pos_embed.W_pos"][None, :, :]          # N T D
    q = jnp.einsum("ntd,hde->nhte", x, params["blocks.0.attn.W_Q"])
    k = jnp.einsum("ntd,hde->nhte", x, params["blocks.0.attn.W_K"])
    v = jnp.einsum("ntd,hde->nhte", x, params["blocks.0.attn.W_V"])
    scores = jnp.einsum("nhqe,nhke->nhqk", q, k) / jnp.sqrt(E)
    causal = jnp.tril(jnp.ones((T, T), dtype=bool))                                  # key ≤ query
    scores = jnp.where(causal, scores, -jnp.inf)
    pattern = jax.nn.softmax(scores, axis=-1)
    z = jnp.einsum("nhqk,nhke->nhqe", pattern, v)
    x = x + jnp.einsum("nhqe,hed->nqd", z, params["blocks.0.attn.W_O"])
    x = x + jax.nn.relu(x @ params["blocks.0.mlp.W_in"]) @ params["blocks.0.mlp.W_out"]
    return x[:, -1, :] @ params["unembed.W_U"]


def loss_fn(params, tokens, labels):
    """Cross-entropy over the first P logits, mean over the batch."""
    logp = jax.nn.log_softmax(forward(params, tokens)[:, :P], axis=-1)
    return -jnp.mean(jnp.take_along_axis(logp, labels[:, None], axis=1))


value_and_grad = jax.jit(jax.value_and_grad(loss_fn))


def accuracy(params, tokens, labels):
    return float(jnp.mean(jnp.argmax(forward(params, tokens)[:, :P], axis=-1) == labels))


def adamw_init(params):
    zeros = {n: jnp.zeros_like(w) for n, w in params.items()}
    return {"t": 0, "m": zeros, "v": dict(zeros)}


def adamw_update(params, grads, state):
    """torch.optim.AdamW (amsgrad off, maximize off): decoupled decay, then the Adam step."""
    t = state["t"] + 1
    b1, b2 = BETAS
    new_p, new_m, new_v = {}, {}, {}
    for n, w in params.items():
        g = grads[n]
        w = w * (1 - LR * WD)
        m = b1 * state["m"][n] + (1 - b1) * g
        v = b2 * state["v"][n] + (1 - b2) * g * g
        step_size = LR / (1 - b1 ** t)
        denom = jnp.sqrt(v) / jnp.sqrt(1 - b2 ** t) + EPS
        new_p[n], new_m[n], new_v[n] = w - step_size * m / denom, m, v
    return new_p, {"t": t, "m": new_m, "v": new_v}


@jax.jit
def train_step(params, state, tokens, labels):
    loss, grads = jax.value_and_grad(loss_fn)(params, tokens, labels)
    params, state = adamw_update(params, grads, state)
    return params, state, loss


# ---------------------------------------------------------------- data

def all_pairs():
    """All P² sequences (a, b, P) in the order a·P + b, and their labels (a + b) mod P."""
    a, b = np.divmod(np.arange(P * P), P)
    return np.stack([a, b, np.full_like(a, P)], axis=1), (a + b) % P


class EntkGenerator:
    """entk's RandomGenerator (Sources/Tensors/RandomGenerator.swift, as documented there):
    xoshiro256** seeded by SplitMix64; Lemire's bounded integers; Box–Muller normals."""
    MASK = (1 << 64) - 1

    def __init__(self, seed):
        x, self.s, self.spare = seed, [], None
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & self.MASK
            z = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & self.MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.MASK
            self.s.append(z ^ (z >> 31))

    def _rotl(self, v, k):
        return ((v << k) | (v >> (64 - k))) & self.MASK

    def next_u64(self):
        s0, s1, s2, s3 = self.s
        result = (self._rotl((s1 * 5) & self.MASK, 7) * 9) & self.MASK
        t = (s1 << 17) & self.MASK
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        self.s = [s0, s1, s2, self._rotl(s3, 45)]
        return result

    def next_below(self, bound):
        threshold = ((1 << 64) - bound) % bound
        while True:
            full = self.next_u64() * bound
            if full & self.MASK >= threshold:
                return full >> 64

    def next_normal(self):
        if self.spare is not None:
            z, self.spare = self.spare, None
            return z
        u1 = 1.0 - (self.next_u64() >> 11) * 2.0 ** -53
        u2 = (self.next_u64() >> 11) * 2.0 ** -53
        r, theta = math.sqrt(-2.0 * math.log(u1)), 2.0 * math.pi * u2
        self.spare = r * math.sin(theta)
        return r * math.cos(theta)

    def permutation(self, n):
        """Fisher–Yates from the end, as entk's permutation(n) and its per-epoch shuffle."""
        order = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.next_below(i + 1)
            order[i], order[j] = order[j], order[i]
        return np.array(order)


def entk_permutation_stream(seed):
    """entk's per-epoch orders for shuffle_seed `seed` (Trainer+Epochs.swift): one generator,
    one permutation per epoch."""
    def permutations(n):
        g = EntkGenerator(seed)
        while True:
            yield g.permutation(n)
    return permutations


def entk_normals(seed):
    """A function shape -> array of entk's N(0, 1) draws, continuing one stream."""
    g = EntkGenerator(seed)
    return lambda shape: np.array([g.next_normal() for _ in range(int(np.prod(shape)))]).reshape(shape)


# ---------------------------------------------------------------- training loops

def epoch(params, state, tokens, labels, order, batch=64):
    for start in range(0, len(order), batch):
        rows = order[start:start + batch]
        params, state, _ = train_step(params, state, tokens[rows], labels[rows])
    return params, state


def log_training(params, state, train, test, epochs, orders, every=100, label=""):
    """Minibatch training for `epochs`, printing train/test accuracy every `every` epochs.
    Returns the first epoch with 100% train accuracy (checked every epoch until it is reached)."""
    (xtr, ytr), (xte, yte) = train, test
    first_full, t0 = None, time.time()
    for e in range(epochs + 1):
        if e % every == 0 or (first_full is None and e > 0):
            tr = accuracy(params, xtr, ytr)
            if first_full is None and tr == 1.0:
                first_full = e
            if e % every == 0:
                te = accuracy(params, xte, yte)
                print(f"{label}epoch {e:5d}  train {100 * tr:6.2f}%  test {100 * te:6.2f}%  "
                      f"({time.time() - t0:.0f} s)", flush=True)
        if e < epochs:
            params, state = epoch(params, state, xtr, ytr, next(orders))
    print(f"{label}train accuracy first 100% at epoch {first_full}", flush=True)
    return first_full


# ---------------------------------------------------------------- check against entk

ENTK_EXPORT = """
data = modular_sequences(p: 29, op: "add", train: 0.5, seed: 0)
save(data.x, "train_x.npy")
save(data.y, "train_y.npy")
save(data.test_x, "test_x.npy")
save(data.test_y, "test_y.npy")
m = transformer(vocab: 30, seed: SEED)
save(m, "init.safetensors")
save(m.predict(data.all_x), "init_logits.npy")
g = transformer(vocab: 30, seed: SEED)
train(g, data, steps: 1, opt: sgd(lr: 1), loss: "cross_entropy", classes: 29)
save(g, "sgd1_all.safetensors")
save(g.history.loss, "loss0_all.npy")
g = transformer(vocab: 30, seed: SEED)
train(g, dataset(data.x[0:64], data.y[0:64], classification: true), steps: 1, opt: sgd(lr: 1), loss: "cross_entropy", classes: 29)
save(g, "sgd1_64.safetensors")
save(g.history.loss, "loss0_64.npy")
f = transformer(vocab: 30, seed: SEED)
train(f, data, steps: 200, opt: adamw(lr: 3e-4, weight_decay: 1.0), loss: "cross_entropy", classes: 29)
save(f, "adamw200_full.safetensors")
save(f.history.loss, "adamw200_full_loss.npy")
b = transformer(vocab: 30, seed: SEED)
train(b, data, epochs: 10, batch: 64, shuffle_seed: SEED, opt: adamw(lr: 3e-4, weight_decay: 1.0), loss: "cross_entropy", classes: 29, every: 1)
save(b, "adamw_mb10.safetensors")
save(b.history.loss, "adamw_mb10_loss.npy")
"""


def rel(a, b):
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)) / np.linalg.norm(np.asarray(b)))


def per_tensor(jax_params, entk_params, title, start=None):
    """Relative difference per tensor; with `start`, also relative to the change from it
    (|Δθ_JAX − Δθ_entk| / |Δθ_entk|, the stricter measure after a few small steps)."""
    print(f"{title}: relative difference per tensor" + (" (of θ; of θ − θ0)" if start else ""))
    worst = 0.0
    for n in NAMES:
        r = rel(jax_params[n], entk_params[n])
        line = f"    {n:22s} {r:.2e}"
        if start:
            r = rel(jax_params[n] - start[n], entk_params[n] - start[n])
            line += f"   {r:.2e}"
        worst = max(worst, r)
        print(line)
    print(f"    worst {worst:.2e}")
    return worst


def check(args):
    os.makedirs(args.work, exist_ok=True)
    script = os.path.join(args.work, "export.entk")
    with open(script, "w") as f:
        f.write(ENTK_EXPORT.replace("SEED", str(args.seed)))
    subprocess.run([os.path.abspath(args.entk), "--no-history", "export.entk"], cwd=args.work, check=True)
    path = lambda name: os.path.join(args.work, name)
    load = lambda name: {n: jnp.asarray(w, dtype=jnp.float64) for n, w in load_file(path(name)).items()}

    xtr = np.load(path("train_x.npy")).astype(np.int64)
    ytr = np.argmax(np.load(path("train_y.npy")), axis=1)
    xte = np.load(path("test_x.npy")).astype(np.int64)
    yte = np.argmax(np.load(path("test_y.npy")), axis=1)
    assert np.all(xtr[:, 2] == P) and np.all(ytr == (xtr[:, 0] + xtr[:, 1]) % P) and np.all(yte == (xte[:, 0] + xte[:, 1]) % P)
    assert len(xtr) == 420 and len(xte) == 421
    init = load("init.safetensors")
    ported = init_params("entk", args.seed)
    for (n, _, fan) in INIT:
        w = np.asarray(init[n])
        print(f"init {n:22s} shape {list(w.shape)!s:13s} std·√fan {w.std() * np.sqrt(fan):.4f}  "
              f"max |entk − this script's port of its generator| {np.abs(w - np.asarray(ported[n])).max():.1e}")
    tokens, _ = all_pairs()
    split = next(entk_permutation_stream(0)(P * P))
    print("split: entk's train/test rows equal the port's permutation:",
          np.array_equal(tokens[split[:420]], xtr) and np.array_equal(tokens[split[420:]], xte))

    logits = np.asarray(forward(init, tokens))
    entk_logits = np.load(path("init_logits.npy"))
    print(f"\n1. logits on all 841 inputs at init: max |diff| {np.abs(logits - entk_logits).max():.2e}, "
          f"relative {rel(logits, entk_logits):.2e} (max |logit| {np.abs(entk_logits).max():.3f})")

    for name, rows in [("all 420 train rows", slice(None)), ("the first 64 train rows", slice(0, 64))]:
        tag = "all" if rows == slice(None) else "64"
        loss, grads = value_and_grad(init, xtr[rows], ytr[rows])
        after = load(f"sgd1_{tag}.safetensors")
        entk_grads = {n: init[n] - after[n] for n in NAMES}
        entk_loss = float(np.load(path(f"loss0_{tag}.npy"))[0])
        print(f"\n2. on {name}: loss JAX {float(loss):.15f}, entk {entk_loss:.15f}, "
              f"relative difference {abs(float(loss) - entk_loss) / entk_loss:.1e}")
        per_tensor(grads, entk_grads, "   gradient (entk: θ0 − θ1 after one SGD step, lr 1)")

    params, state, losses = init, adamw_init(init), []
    for _ in range(200):
        params, state, loss = train_step(params, state, xtr, ytr)
        losses.append(float(loss))
    losses.append(float(loss_fn(params, xtr, ytr)))
    entk_losses = np.load(path("adamw200_full_loss.npy"))
    print(f"\n3. 200 full-batch AdamW steps: loss {losses[0]:.6f} → {losses[-1]:.12f} (entk {entk_losses[-1]:.12f}); "
          f"max relative loss difference over the 201 steps {np.max(np.abs(np.array(losses) - entk_losses) / entk_losses):.1e}")
    print(f"   train accuracy {100 * accuracy(params, xtr, ytr):.2f}%, test {100 * accuracy(params, xte, yte):.2f}%")
    per_tensor(params, load("adamw200_full.safetensors"), "   weights after 200 steps", init)

    orders = entk_permutation_stream(args.seed)(len(xtr))
    params, state, losses = init, adamw_init(init), [float(loss_fn(init, xtr, ytr))]
    for _ in range(10):
        params, state = epoch(params, state, xtr, ytr, next(orders))
        losses.append(float(loss_fn(params, xtr, ytr)))
    entk_losses = np.load(path("adamw_mb10_loss.npy"))
    print(f"\n4. 10 minibatch epochs (70 steps) in entk's shuffle order: full-train loss {losses[-1]:.12f} "
          f"(entk {entk_losses[-1]:.12f}); max relative loss difference over the 11 epochs "
          f"{np.max(np.abs(np.array(losses) - entk_losses) / entk_losses):.1e}")
    per_tensor(params, load("adamw_mb10.safetensors"), "   weights after 10 epochs", init)



# ---------------------------------------------------------------- grokking with JAX's RNG

INIT = [("embed.W_E", [VOCAB, D], D), ("pos_embed.W_pos", [T, D], D),
        ("blocks.0.attn.W_Q", [H, D, E], D), ("blocks.0.attn.W_K", [H, D, E], D),
        ("blocks.0.attn.W_V", [H, D, E], D), ("blocks.0.attn.W_O", [H, E, D], D),
        ("blocks.0.mlp.W_in", [D, M], M), ("blocks.0.mlp.W_out", [M, D], D), ("unembed.W_U", [D, VOCAB], VOCAB)]


def init_params(kind, seed):
    """SCIENCE.md §4: N(0, 1)/√64 for W_E, W_pos, W_Q, W_K, W_V, W_O, W_out; /√256 W_in; /√30 W_U,
    the N(0, 1) entries drawn by jax.random (one key per tensor), numpy's default_rng, or entk's
    generator (Box–Muller pairs from xoshiro256**, tensor after tensor in this order: the same
    numbers as entk's transformer(seed: seed))."""
    if kind == "jax":
        keys = jax.random.split(jax.random.split(jax.random.PRNGKey(seed))[0], len(INIT))
        draws = [jax.random.normal(k, shape, dtype=jnp.float64) for k, (_, shape, _) in zip(keys, INIT)]
    else:
        normal = np.random.default_rng(seed).standard_normal if kind == "numpy" else entk_normals(seed)
        draws = [normal(shape) for _, shape, _ in INIT]
    return {n: jnp.asarray(z) / np.sqrt(fan) for (n, _, fan), z in zip(INIT, draws)}


def grok(args):
    tokens, labels = all_pairs()
    if args.split == "entk":    # modular_sequences(seed: 0): the first permutation of entk's generator
        split = next(entk_permutation_stream(args.split_seed)(P * P))
    else:
        split = np.random.default_rng(args.split_seed).permutation(P * P)
    tr, te = split[:420], split[420:]
    shuffle_key = jax.random.split(jax.random.PRNGKey(args.seed))[1]    # [0] is the init's
    if args.init_from:
        params = {n: jnp.asarray(w, dtype=jnp.float64) for n, w in load_file(args.init_from).items()}
    else:
        params = init_params(args.init, args.seed)

    def jax_orders():
        k = shuffle_key
        while True:
            k, sub = jax.random.split(k)
            yield np.asarray(jax.random.permutation(sub, len(tr)))

    orders = entk_permutation_stream(args.seed)(len(tr)) if args.shuffle == "entk" else jax_orders()
    print(f"seed {args.seed}: init {args.init_from or args.init}, split {args.split} (seed {args.split_seed}), "
          f"shuffle {args.shuffle}; {len(tr)} train, {len(te)} test, {args.epochs} epochs", flush=True)
    log_training(params, adamw_init(params), (tokens[tr], labels[tr]), (tokens[te], labels[te]),
                 args.epochs, orders, label=f"[seed {args.seed}] ")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="compare with entk step by step")
    c.add_argument("--entk", default=".build/release/entk")
    c.add_argument("--work", default="/tmp/transformer-jax-check")
    c.add_argument("--seed", type=int, default=0, help="entk's model and shuffle seed")
    g = sub.add_parser("grok", help="the 4000-epoch experiment (init, split and shuffle from JAX/numpy or entk)")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--split-seed", type=int, default=0)
    g.add_argument("--epochs", type=int, default=4000)
    g.add_argument("--split", choices=["numpy", "entk"], default="numpy",
                   help="numpy: default_rng(split seed).permutation; entk: entk's modular_sequences split")
    g.add_argument("--shuffle", choices=["jax", "entk"], default="jax",
                   help="per-epoch order: jax.random, or entk's (shuffle_seed = --seed)")
    g.add_argument("--init", choices=["jax", "numpy", "entk"], default="jax",
                   help="the generator of the N(0, 1) init entries (entk: bit for bit entk's transformer(seed:))")
    g.add_argument("--init-from", help="initial weights from a .safetensors file (e.g. entk's) instead of jax.random")
    args = parser.parse_args()
    check(args) if args.command == "check" else grok(args)


if __name__ == "__main__":
    sys.exit(main())
