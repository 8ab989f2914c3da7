"""Real data distributions on the [0, 1]^2 canvas, input noise, and the
batch streams that feed training.

The first four shapes follow GAN Lab's presets (line, two Gaussians, ring,
three disjoint clusters); the others go beyond them. Every sampler takes a
numpy Generator and a count and returns float32 points of shape (n, 2).
"""

import math

import numpy as np

F32 = np.float32


def _jitter(rng, points, std):
    points += rng.standard_normal(points.shape, dtype=F32) * F32(std)
    return points


def _mixture(rng, n, centers, stds):
    """n points from equally weighted Gaussians with per-axis stds."""
    centers = np.asarray(centers, F32)
    stds = np.broadcast_to(np.asarray(stds, F32), centers.shape)
    pick = rng.integers(0, len(centers), n, dtype=np.intp)   # intp: 32-bit in wasm
    points = rng.standard_normal((n, 2), dtype=F32)
    points *= np.take(stds, pick, axis=0)      # np.take: far cheaper than fancy indexing
    points += np.take(centers, pick, axis=0)
    return points


def line(rng, n):
    t = rng.random(n, dtype=F32)
    points = np.stack([0.8 - 0.75 * t, 0.6 + 0.3 * t], axis=1)
    return _jitter(rng, points, 0.01)


GAUSSIANS = ([(0.3, 0.7), (0.7, 0.4)], [(0.1, 0.1), (0.05, 0.2)])
DISJOINT = ([(0.35, 0.75), (0.75, 0.6), (0.45, 0.35)], [(0.025, 0.025)] * 3)
_EIGHT_ANGLES = np.arange(8) * (2 * math.pi / 8)
EIGHT_GAUSSIANS = (np.stack([0.5 + 0.35 * np.cos(_EIGHT_ANGLES), 0.5 + 0.35 * np.sin(_EIGHT_ANGLES)], axis=1),
                   [(0.02, 0.02)] * 8)
_TICKS = np.linspace(0.15, 0.85, 5)
GRID = (np.stack(np.meshgrid(_TICKS, _TICKS), axis=-1).reshape(-1, 2), [(0.02, 0.02)] * 25)


def gaussians(rng, n):
    return _mixture(rng, n, *GAUSSIANS)


def ring(rng, n):
    angle = rng.random(n, dtype=F32) * F32(2 * math.pi)
    points = np.stack([0.5 + 0.3 * np.cos(angle), 0.45 + 0.25 * np.sin(angle)], axis=1)
    return _jitter(rng, points, 0.025)


def disjoint(rng, n):
    return _mixture(rng, n, *DISJOINT)


def spiral(rng, n):
    t = np.sqrt(rng.random(n, dtype=F32))       # even density along the arm
    angle = t * F32(3 * math.pi)
    radius = 0.05 + 0.35 * t
    points = np.stack([0.5 + radius * np.cos(angle), 0.5 + radius * np.sin(angle)], axis=1)
    return _jitter(rng, points, 0.015)


def eight_gaussians(rng, n):
    return _mixture(rng, n, *EIGHT_GAUSSIANS)


def grid(rng, n):
    return _mixture(rng, n, *GRID)


def moons(rng, n):
    upper = rng.random(n) < 0.5
    angle = rng.random(n, dtype=F32) * F32(math.pi)
    x = np.where(upper, np.cos(angle), 1 - np.cos(angle))
    y = np.where(upper, np.sin(angle), 0.5 - np.sin(angle))
    scale = 0.8 / 3                               # x spans [-1, 2]
    points = np.stack([0.1 + scale * (x + 1), 0.5 + scale * (y - 0.25)], axis=1).astype(F32)
    return _jitter(rng, points, 0.02)


DRAWN_JITTER = 0.02


def drawn(points):
    """A sampler that picks drawn points at random, each with a little Gaussian jitter."""
    anchors = np.asarray(points, F32).reshape(-1, 2)

    def sample(rng, n):
        return _jitter(rng, np.take(anchors, rng.integers(0, len(anchors), n, dtype=np.intp), axis=0), DRAWN_JITTER)
    return sample


# The presets made of equally weighted Gaussian modes: (centres, per-axis
# stds), for the "modes covered" readout.
MODES = {"gaussians": GAUSSIANS, "disjoint": DISJOINT, "eight_gaussians": EIGHT_GAUSSIANS, "grid": GRID}

PRESETS = {f.__name__: f for f in (line, gaussians, ring, disjoint, spiral, eight_gaussians, grid, moons)}


def sampler(distribution, points=()):
    return drawn(points) if distribution == "drawn" else PRESETS[distribution]


# Noise. Uniform noise fills [-1, 1]^d; Gaussian noise has std 0.5, so most of
# it falls in the same square (GAN Lab used [0, 1] and std 0.25: the same up to
# a shift and scale). The manifold view draws the noise square [-1, 1]^d.
NOISE_LOW, NOISE_HIGH = -1.0, 1.0
GAUSSIAN_NOISE_STD = 0.5


def noise_sampler(noise_type, dim):
    if noise_type == "uniform":
        def sample(rng, n):
            z = rng.random((n, dim), dtype=F32)
            z *= 2
            z -= 1
            return z
    else:
        def sample(rng, n):
            z = rng.standard_normal((n, dim), dtype=F32)
            z *= GAUSSIAN_NOISE_STD
            return z
    return sample


def noise_density(noise_type, z):
    """Probability density of the noise at points z (n, dim)."""
    dim = z.shape[1]
    if noise_type == "uniform":
        inside = np.all((z >= NOISE_LOW) & (z <= NOISE_HIGH), axis=1)
        return inside / (NOISE_HIGH - NOISE_LOW) ** dim
    s = GAUSSIAN_NOISE_STD
    return np.exp(-0.5 * np.sum(z * z, axis=1) / s ** 2) / (2 * math.pi * s * s) ** (dim / 2)


def noise_cell_mass(noise_type, edges):
    """Probability mass of each interval between consecutive edges, per axis."""
    edges = np.asarray(edges, np.float64)
    if noise_type == "uniform":
        cdf = (np.clip(edges, NOISE_LOW, NOISE_HIGH) - NOISE_LOW) / (NOISE_HIGH - NOISE_LOW)
    else:
        cdf = np.array([0.5 * (1 + math.erf(e / (GAUSSIAN_NOISE_STD * math.sqrt(2)))) for e in edges])
    return np.diff(cdf)


class Stream:
    """Batches of fresh samples, drawn a block of many batches at a time.

    Drawing 32 batches in one call and handing out views costs one numpy call
    per batch instead of several. The state kept for save/restore is the
    generator's state at the start of the block plus the position in it.
    """

    BATCHES_PER_BLOCK = 32

    def __init__(self, sample, rng, batch):
        self.sample, self.rng, self.batch = sample, rng, batch
        self._refill()

    def _refill(self):
        self.block_state = self.rng.bit_generator.state
        self.block = self.sample(self.rng, self.batch * self.BATCHES_PER_BLOCK)
        self.pos = 0

    def next(self):
        if self.pos == len(self.block):
            self._refill()
        start = self.pos
        self.pos += self.batch
        return self.block[start:self.pos]

    def state(self):
        return {"block_state": self.block_state, "pos": self.pos, "batch": self.batch}

    def set_state(self, state):
        self.batch = state["batch"]
        self.rng.bit_generator.state = state["block_state"]
        self._refill()
        self.pos = state["pos"]
