"""Optimizers over a network's flat parameter and gradient vectors.

Each one updates `params` in place from `grads` (which it may overwrite).
Changing `lr` keeps the optimizer's moments; switching optimizer starts fresh
moments but keeps the weights.
"""

import math

import numpy as np


class SGD:
    """Plain gradient descent: p -= lr * g."""

    name = "sgd"

    def __init__(self, size, lr):
        self.lr = lr
        self.size = size

    def step(self, params, grads):
        grads *= self.lr
        params -= grads

    def state(self):
        return {}

    def set_state(self, state):
        pass


class Momentum(SGD):
    """Heavy-ball momentum (0.9): a velocity that averages recent gradients."""

    name = "momentum"
    beta = 0.9

    def __init__(self, size, lr):
        super().__init__(size, lr)
        self.velocity = np.zeros(size, np.float32)

    def step(self, params, grads):
        v = self.velocity
        v *= self.beta
        v += grads
        grads[...] = v
        grads *= self.lr
        params -= grads

    def state(self):
        return {"velocity": self.velocity}

    def set_state(self, state):
        self.velocity[...] = state["velocity"]


class Adam(SGD):
    """Adam (0.9, 0.999): per-parameter steps scaled by running moments."""

    name = "adam"
    beta1, beta2, eps = 0.5, 0.999, 1e-8

    def __init__(self, size, lr):
        super().__init__(size, lr)
        self.m = np.zeros(size, np.float32)
        self.v = np.zeros(size, np.float32)
        self.t = 0

    def step(self, params, grads):
        self.t += 1
        m, v = self.m, self.v
        m *= self.beta1
        m += (1 - self.beta1) * grads
        grads *= grads
        v *= self.beta2
        grads *= 1 - self.beta2
        v += grads
        lr_t = self.lr * math.sqrt(1 - self.beta2 ** self.t) / (1 - self.beta1 ** self.t)
        denom = np.sqrt(v)
        denom += self.eps
        np.divide(m, denom, out=denom)
        denom *= lr_t
        params -= denom

    def state(self):
        return {"m": self.m, "v": self.v, "t": np.array(self.t)}

    def set_state(self, state):
        self.m[...], self.v[...] = state["m"], state["v"]
        self.t = int(state["t"])


class RMSprop(SGD):
    """RMSprop (0.9): steps divided by a running root mean square of gradients."""

    name = "rmsprop"
    rho, eps = 0.9, 1e-7

    def __init__(self, size, lr):
        super().__init__(size, lr)
        self.v = np.zeros(size, np.float32)

    def step(self, params, grads):
        v = self.v
        v *= self.rho
        v += (1 - self.rho) * grads * grads
        denom = np.sqrt(v)
        denom += self.eps
        np.divide(grads, denom, out=grads)
        grads *= self.lr
        params -= grads

    def state(self):
        return {"v": self.v}

    def set_state(self, state):
        self.v[...] = state["v"]


OPTIMIZERS = {cls.name: cls for cls in (SGD, Momentum, Adam, RMSprop)}


def make_optimizer(name, size, lr):
    return OPTIMIZERS[name](size, lr)
