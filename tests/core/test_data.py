"""Real distributions, noise and the batch streams."""

import numpy as np
import pytest

from ganlab_wasm.data import (GAUSSIAN_NOISE_STD, PRESETS, Stream, noise_cell_mass, noise_density,
                              noise_sampler, sampler)


@pytest.mark.parametrize("name", PRESETS)
def test_presets_are_float32_points_on_the_canvas(name):
    points = sampler(name)(np.random.default_rng(0), 5000)
    assert points.shape == (5000, 2) and points.dtype == np.float32
    inside = np.mean(np.all((points >= 0) & (points <= 1), axis=1))
    assert inside > (0.97 if name == "gaussians" else 0.999)     # GAN Lab's tall Gaussian grazes the edge


def test_shapes_look_like_their_names():
    rng = np.random.default_rng(1)
    ring = sampler("ring")(rng, 4000)
    radius = np.hypot((ring[:, 0] - 0.5) / 0.3, (ring[:, 1] - 0.45) / 0.25)
    assert abs(np.median(radius) - 1) < 0.05
    disjoint = sampler("disjoint")(rng, 3000)
    centers = np.array([(0.35, 0.75), (0.75, 0.6), (0.45, 0.35)])
    nearest = np.linalg.norm(disjoint[:, None] - centers[None], axis=2).min(axis=1)
    assert np.percentile(nearest, 99) < 0.1
    grid = sampler("grid")(rng, 5000)
    cells = {(round(x / 0.175), round(y / 0.175)) for x, y in grid[:, :2].tolist()}
    assert len(cells) >= 25
    line = sampler("line")(rng, 2000)
    residual = (line[:, 1] - 0.6) + 0.4 * (line[:, 0] - 0.8)     # on y = 0.6 - 0.4 (x - 0.8)
    assert np.std(residual) < 0.02


def test_drawn_points_are_sampled_with_jitter():
    anchors = [(0.2, 0.2), (0.8, 0.8)] * 5
    points = sampler("drawn", anchors)(np.random.default_rng(2), 4000)
    near = np.minimum(np.linalg.norm(points - (0.2, 0.2), axis=1), np.linalg.norm(points - (0.8, 0.8), axis=1))
    assert np.percentile(near, 99) < 0.1 and near.mean() > 0.005


@pytest.mark.parametrize("dim", [1, 2])
def test_noise(dim):
    rng = np.random.default_rng(3)
    u = noise_sampler("uniform", dim)(rng, 20000)
    assert u.shape == (20000, dim) and u.dtype == np.float32
    assert u.min() >= -1 and u.max() <= 1 and abs(u.mean()) < 0.02
    g = noise_sampler("gaussian", dim)(rng, 20000)
    assert abs(g.std() - GAUSSIAN_NOISE_STD) < 0.01


@pytest.mark.parametrize("kind", ["uniform", "gaussian"])
def test_noise_cell_mass_matches_density(kind):
    edges = np.linspace(-1, 1, 41)
    mass = noise_cell_mass(kind, edges)
    centres = 0.5 * (edges[1:] + edges[:-1])
    approx = noise_density(kind, centres[:, None]) * np.diff(edges)
    assert np.allclose(mass, approx, atol=2e-4)
    total = 1.0 if kind == "uniform" else 0.9545      # +-2 std holds 95.45%
    assert abs(mass.sum() - total) < 1e-3


def test_stream_hands_out_fresh_batches_and_restores_exactly():
    stream = Stream(sampler("ring"), np.random.default_rng(4), 10)
    for _ in range(40):                                  # cross a block boundary
        stream.next()
    saved = stream.state()
    ahead = [stream.next().copy() for _ in range(30)]
    again = Stream(sampler("ring"), np.random.default_rng(99), 10)
    again.set_state(saved)
    assert all(np.array_equal(a, again.next()) for a in ahead)
    assert not np.array_equal(ahead[0], ahead[1])
