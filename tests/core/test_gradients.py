"""Every layer, activation, output map and loss against central finite differences."""

import numpy as np
import pytest

from ganlab_wasm.config import ACTIVATIONS, LOSSES
from ganlab_wasm.losses import make_loss
from ganlab_wasm.nn import MLP


def numeric_grad(f, x, eps=1e-6):
    """Central differences of scalar f at every entry of x (x modified in place)."""
    grad = np.zeros_like(x, dtype=np.float64)
    flat, g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f()
        flat[i] = old - eps
        down = f()
        flat[i] = old
        g[i] = (up - down) / (2 * eps)
    return grad


def as_float64(net):
    """Swap a network's parameters to float64 so finite differences are precise."""
    net.params = net.params.astype(np.float64)
    net.grads = net.grads.astype(np.float64)
    net._bind()
    net._ones = {}
    return net


def rel_error(a, b):
    return np.max(np.abs(a - b)) / max(1e-8, np.max(np.abs(a)) + np.max(np.abs(b)))


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output", ["linear", "canvas"])
@pytest.mark.parametrize("layers", [1, 3])
def test_mlp_gradients(activation, output, layers):
    rng = np.random.default_rng(1)
    net = as_float64(MLP(2, layers, 5, 2, activation, output, rng))
    net.params += rng.normal(0, 0.1, net.params.shape)   # non-zero biases too
    x = rng.normal(0, 1, (7, 2))
    upstream = rng.normal(0, 1, (7, 2))

    def loss():
        return float(np.sum(net(x) * upstream))

    net.forward(x)
    dx = net.backward(upstream.copy(), input_grad=True)
    assert rel_error(net.grads, numeric_grad(loss, net.params)) < 1e-6
    assert rel_error(dx, numeric_grad(loss, x)) < 1e-6


def test_input_grad_only_leaves_weight_grads_alone():
    rng = np.random.default_rng(2)
    net = MLP(2, 2, 4, 1, "relu", "linear", rng)
    net.grads[...] = 7
    net.forward(rng.random((5, 2), dtype=np.float32))
    dx = net.backward(np.ones((5, 1), np.float32), weight_grads=False, input_grad=True)
    assert dx.shape == (5, 2)
    assert np.all(net.grads == 7)


@pytest.mark.parametrize("name", LOSSES)
def test_loss_gradients(name):
    rng = np.random.default_rng(3)
    loss = make_loss(name, real_label=0.9, clip=0.1)
    n = 6
    s = rng.normal(0, 1.5, (2 * n, 1))
    s[s.ravel() == 1] = 1.3                     # keep away from hinge kinks
    d = loss.d_grad(s.copy(), n)
    assert rel_error(d, numeric_grad(lambda: loss.d_value(s, n), s)) < 1e-6
    f = s[n:].copy()
    g = loss.g_grad(f.copy())
    assert rel_error(g, numeric_grad(lambda: loss.g_value(f), f)) < 1e-6


def test_hinge_ignores_samples_past_the_margin():
    loss = make_loss("hinge")
    s = np.array([[2.0], [0.5], [-2.0], [-0.5]])
    d = loss.d_grad(s, 2)
    assert d[0, 0] == 0 and d[2, 0] == 0
    assert d[1, 0] < 0 and d[3, 0] > 0


def test_minimax_generator_gradient_saturates():
    """The saturating loss gives G almost nothing when D rejects its samples."""
    confident_fake = np.full((4, 1), -8.0)
    saturating = np.abs(make_loss("minimax").g_grad(confident_fake)).max()
    non_saturating = np.abs(make_loss("log").g_grad(confident_fake)).max()
    assert saturating < 1e-3 * non_saturating
