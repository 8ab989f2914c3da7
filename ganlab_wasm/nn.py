"""Dense networks with hand-written backprop, vectorized over the batch.

All parameters of a network live in one flat float32 vector (`params`), and
all gradients in another (`grads`); each layer's weights and biases are views
into them. An optimizer then updates a whole network with a few numpy calls
instead of a few per layer, which matters in Pyodide where every call costs
several microseconds.
"""

import copy
import math

import numpy as np

from .backend import NUMPY

LEAK = np.float32(0.2)   # slope of leaky ReLU below zero


ZERO = np.float32(0)


def _relu(z):
    np.maximum(z, ZERO, out=z)


def _relu_back(d, a):
    # a is the ReLU's output (>= 0), so sign(a) is its derivative, 0 or 1; a
    # float32 mask multiplies faster than a boolean one (no casting loop)
    np.multiply(d, np.sign(a), out=d)


def _leaky(z):
    np.maximum(z, z * LEAK, out=z)


def _leaky_back(d, a):
    # max(sign(a), LEAK) is 1 where a > 0 and LEAK elsewhere, the same factors
    # as np.where(a > 0, 1, LEAK) in two plain passes (a quarter faster)
    factor = np.sign(a)
    np.maximum(factor, LEAK, out=factor)
    np.multiply(d, factor, out=d)


def _tanh(z):
    np.tanh(z, out=z)


def _tanh_back(d, a):
    d *= 1 - a * a


# name -> (in-place forward on pre-activations, in-place backward given the
# post-activation output; every derivative is expressed through the output so
# that the forward pass keeps one array per layer)
HIDDEN = {"relu": (_relu, _relu_back), "leaky_relu": (_leaky, _leaky_back), "tanh": (_tanh, _tanh_back)}


class MLP:
    """Input -> hidden layers (same width, same activation) -> output.

    `output` is "linear" (the discriminator's score) or "canvas": 0.5 + 0.5*tanh,
    which maps the generator onto the [0, 1]^2 canvas. GAN Lab used a plain tanh
    there, whose range [-1, 1] puts three quarters of it off the canvas; scaling
    it onto the canvas keeps every sample visible and centres the untrained
    generator. The price: it flattens near the edges, so a sample pushed hard
    against an edge moves slowly (the presets keep their data off the edges).
    """

    def __init__(self, n_in, n_hidden, width, n_out, activation, output, rng, backend=NUMPY):
        sizes = [n_in] + [width] * n_hidden + [n_out]
        self.shapes = list(zip(sizes[:-1], sizes[1:]))
        self.activation = activation
        self.output = output
        self.backend = backend
        self._act, self._act_back = HIDDEN[activation]
        total = sum((fan_in + 1) * fan_out for fan_in, fan_out in self.shapes)
        self.params = np.zeros(total, np.float32)
        self.grads = np.zeros(total, np.float32)
        self._bind()
        for w, (fan_in, _) in zip(self.weights, self.shapes):
            w[...] = rng.standard_normal(w.shape, dtype=np.float32) / np.float32(math.sqrt(fan_in))
        self._ones = {}
        self._trace = None

    def _bind(self):
        """Make each layer's weights, biases and their gradients views into
        the flat `params` and `grads`."""
        self.weights, self.biases, self.weight_grads, self.bias_grads = [], [], [], []
        offset = 0
        for fan_in, fan_out in self.shapes:
            end = offset + fan_in * fan_out
            self.weights.append(self.params[offset:end].reshape(fan_in, fan_out))
            self.weight_grads.append(self.grads[offset:end].reshape(fan_in, fan_out))
            self.biases.append(self.params[end:end + fan_out])
            # bias gradients are computed as ones(1, n) @ d, a matmul being
            # cheaper than a reduction on small arrays
            self.bias_grads.append(self.grads[end:end + fan_out].reshape(1, fan_out))
            offset = end + fan_out
        self._hidden = list(zip(self.weights[:-1], self.biases[:-1]))

    def clone(self):
        """A network of the same shape and backend holding a copy of these
        weights (its own buffers: nothing it does touches this one)."""
        twin = copy.copy(self)
        twin.params, twin.grads = self.params.copy(), np.zeros_like(self.grads)
        twin._bind()
        twin._ones, twin._trace = {}, None
        return twin

    @property
    def size(self):
        return self.params.size

    def trace(self, x):
        """Run the network; return the input and every layer's output."""
        return run_steps(self._forward_pass(x))

    def forward(self, x):
        """Run the network and keep what backward() needs."""
        self._trace = self.trace(x)
        return self._trace[-1]

    def __call__(self, x):
        """Run the network without touching the kept trace (for views)."""
        return self.trace(x)[-1]

    def backward(self, d_out, weight_grads=True, input_grad=False, trace=None):
        """Backprop d(loss)/d(output) through the last forward() (or `trace`).

        Fills `self.grads` when weight_grads is set, and returns
        d(loss)/d(input) when input_grad is set.
        """
        outputs = self._trace if trace is None else trace
        return run_steps(self._backward_pass(d_out, weight_grads, input_grad, outputs))

    # --- the same passes, one product at a time --------------------------
    # The lab drives these when an epoch is too long for one training slice,
    # so that pause and commands never wait for a whole update of a big model
    # (tests/core/test_sliced.py checks cut epochs equal whole ones bit for
    # bit). Each returns its result through StopIteration.
    def forward_steps(self, x):
        self._trace = yield from self._forward_pass(x)
        return self._trace[-1]

    def backward_steps(self, d_out, weight_grads=True, input_grad=False, trace=None):
        outputs = self._trace if trace is None else trace
        return (yield from self._backward_pass(d_out, weight_grads, input_grad, outputs))

    def trace_steps(self, x):
        """trace(x) a product at a time, leaving the kept trace alone (frames
        of a big model are built in steps too, between training's)."""
        return (yield from self._forward_pass(x))

    @property
    def widest(self):
        """Multiply-adds per input row of the largest product (to cut batches by)."""
        return max(fan_in * fan_out for fan_in, fan_out in self.shapes)

    # One generator per pass, pausing after each matrix product: trace() and
    # backward() run them to the end, the *_steps versions one product at a time.
    def _forward_pass(self, x):
        mm, act = self.backend.matmul, self._act
        outputs = [x]
        a = x
        for w, b in self._hidden:
            a = mm(a, w)
            a += b
            act(a)
            outputs.append(a)
            yield
        a = mm(a, self.weights[-1])
        a += self.biases[-1]
        if self.output == "canvas":
            np.tanh(a, out=a)
            a *= 0.5
            a += 0.5
        outputs.append(a)
        yield
        return outputs

    def _backward_pass(self, d_out, weight_grads, input_grad, outputs):
        mm, act_back = self.backend.matmul, self._act_back
        d = d_out
        if self.output == "canvas":
            o = outputs[-1]
            d = o * -2.0      # d(0.5 + 0.5 tanh)/dz = 2 o (1 - o)
            d += 2.0
            d *= o
            d *= d_out
        ones = self._ones_row(len(d)) if weight_grads else None
        for i in range(len(self.weights) - 1, -1, -1):
            a_in = outputs[i]
            if weight_grads:
                mm(a_in.T, d, out=self.weight_grads[i])
                mm(ones, d, out=self.bias_grads[i])
                yield
            if i == 0 and not input_grad:
                return None
            d = mm(d, self.weights[i].T)
            if i > 0:
                act_back(d, a_in)
            yield
        return d

    def _ones_row(self, n):
        row = self._ones.get(n)
        if row is None:
            row = self._ones[n] = np.ones((1, n), np.float32)
        return row


def run_steps(steps):
    """Run a generator of steps to its end and return its result."""
    try:
        while True:
            next(steps)
    except StopIteration as done:
        return done.value

