"""A plain numpy GAN, the yardstick bench_site.py runs in a bare Pyodide worker.

Written the way a numpy user would write it from a textbook, with nothing of
ganlab_wasm: float32 arrays, a list of (W, b) per network, ReLU hidden layers,
the log loss on D's logits, plain SGD, two Gaussians as the real data, uniform
noise. One epoch: k_d discriminator updates, then one generator update, each on
a fresh batch. It runs in CPython too: `python3 benchmarks/reference_gan.py`.
"""

import time

import numpy as np

rng = np.random.default_rng(0)
model = {}


def _net(sizes):
    return [(rng.standard_normal((a, b)).astype(np.float32) / np.float32(np.sqrt(a)), np.zeros(b, np.float32))
            for a, b in zip(sizes[:-1], sizes[1:])]


def setup(g_layers=2, g_neurons=16, d_layers=3, d_neurons=32, batch=150, k_d=2, lr=0.1):
    """Networks of the shapes given (the lab's default shapes unless told)."""
    model.update(G=_net([2] + [g_neurons] * g_layers + [2]), D=_net([2] + [d_neurons] * d_layers + [1]),
                 batch=batch, k_d=k_d, lr=np.float32(lr), epochs=0)


def _forward(net, x):
    acts = [x]
    for i, (w, b) in enumerate(net):
        x = x @ w + b
        if i < len(net) - 1:
            x = np.maximum(x, 0)
        acts.append(x)
    return acts


def _backward(net, acts, grad, lr, update=True):
    """Backpropagate grad (d loss / d output); SGD-update net if asked; return d loss / d input."""
    for i in range(len(net) - 1, -1, -1):
        w, b = net[i]
        if i < len(net) - 1:
            grad = grad * (acts[i + 1] > 0)
        grad_in = grad @ w.T
        if update:
            w -= lr * (acts[i].T @ grad)
            b -= lr * grad.sum(axis=0)
        grad = grad_in
    return grad


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _real(n):
    centers = np.array([[0.3, 0.3], [0.7, 0.7]], np.float32)
    return centers[rng.integers(0, 2, n)] + np.float32(0.05) * rng.standard_normal((n, 2), dtype=np.float32)


def _noise(n):
    return rng.random((n, 2), dtype=np.float32)


def epoch():
    G, D, n, lr = model["G"], model["D"], model["batch"], model["lr"]
    for _ in range(model["k_d"]):
        fake = _forward(G, _noise(n))[-1]
        x = np.concatenate([_real(n), fake])
        acts = _forward(D, x)
        target = np.concatenate([np.ones((n, 1), np.float32), np.zeros((n, 1), np.float32)])
        _backward(D, acts, (_sigmoid(acts[-1]) - target) / np.float32(2 * n), lr)
    g_acts = _forward(G, _noise(n))
    d_acts = _forward(D, g_acts[-1])
    # non-saturating generator loss -log D(G(z)): d/dlogit = sigmoid - 1
    push = _backward(D, d_acts, (_sigmoid(d_acts[-1]) - 1) / np.float32(n), lr, update=False)
    _backward(G, g_acts, push, lr)
    model["epochs"] += 1


def train_for(seconds):
    """Train until `seconds` have passed; return epochs per second."""
    epoch()   # warm-up: first calls allocate
    start = time.perf_counter()
    done = 0
    while True:
        epoch()
        done += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


if __name__ == "__main__":
    for case in [dict(k_d=1), dict(k_d=2), dict(g_layers=3, g_neurons=64, d_layers=3, d_neurons=64, batch=512, k_d=2)]:
        setup(**case)
        print(case, f"{train_for(2):.0f} epochs/s (CPython)")
