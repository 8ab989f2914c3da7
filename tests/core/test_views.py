"""The arrays the views draw, and the divergence metrics."""

import numpy as np
import pytest

from ganlab_wasm import Config, Lab
from ganlab_wasm.data import MODES, noise_cell_mass, sampler
from ganlab_wasm.metrics import (GRID, PSEUDO_COUNT, SW_NOISE_FLOOR, border_share, histogram, kl_js, mode_shares,
                                 modes_covered, sliced_wasserstein)
from ganlab_wasm.views import contour_segments, generator_push, quad_areas


@pytest.fixture(scope="module")
def trained():
    lab = Lab(Config(distribution="ring"))
    lab.train(300)
    return lab


def test_frame_arrays_are_float32_with_documented_shapes(trained):
    f = trained.frame()
    shapes = {"real": (450, 2), "real_pred": (450,), "fake": (450, 2), "fake_pred": (450,), "noise": (450, 2),
              "fake_grad": (450, 2), "heatmap": (30, 30), "manifold": (21, 21, 2), "manifold_density": (20, 20)}
    for key, shape in shapes.items():
        assert f[key].shape == shape, key
    for key, value in f.items():
        assert value.dtype == np.float32 and value.flags.c_contiguous, key
        assert np.all(np.isfinite(value)), key
    assert f["contour"].shape[1] == 4 and len(f["contour"]) == len(f["contour_level"]) > 20


@pytest.mark.parametrize("loss", ["log", "minimax", "lsgan", "hinge", "wasserstein"])
def test_heatmap_and_predictions_are_probabilities(loss):
    lab = Lab(Config(loss=loss))
    lab.train(50)
    f = lab.frame(heatmap_size=60)
    assert f["heatmap"].shape == (60, 60)
    for key in ("heatmap", "real_pred", "fake_pred"):
        assert f[key].min() >= 0 and f[key].max() <= 1, key


def test_heatmap_orientation_is_row_y_column_x():
    lab = Lab(Config(d_layers=1))
    D = lab.gan.D
    D.params[...] = 0
    D.weights[0][0, 0] = 1.0                     # first hidden unit = x
    D.weights[-1][0, 0] = 20.0                   # score rises with x
    D.biases[-1][0] = -10.0
    lab.gan.d_updates += 1                       # invalidate the cached evaluation
    heat = lab.frame()["heatmap"]
    assert heat[0, -1] > 0.9 and heat[0, 0] < 0.1 and abs(heat[-1, -1] - heat[0, -1]) < 1e-6


def test_manifold_mass_is_conserved():
    """Mass in = mass drawn. (A ReLU generator can fold whole cells onto a
    line, where density is unbounded: a smooth tanh generator has none.)"""
    smooth = Lab(Config(activation="tanh", noise_type="uniform"))
    smooth.train(100)
    f = smooth.frame(manifold_cells=20)
    area = quad_areas(f["manifold"].astype(np.float64))
    mass = np.sum(f["manifold_density"] * area)
    assert abs(mass - 1.0) < 1e-3                  # uniform noise: the grid holds all of it
    gaussian = Lab(Config(noise_type="gaussian", activation="tanh"))
    g = gaussian.frame()
    edges = np.linspace(-1, 1, 21)
    expected = noise_cell_mass("gaussian", edges).sum() ** 2
    assert abs(np.sum(g["manifold_density"] * quad_areas(g["manifold"].astype(np.float64))) - expected) < 1e-3


def test_one_dimensional_noise_gives_a_polyline():
    lab = Lab(Config(noise_dim=1, noise_type="uniform"))
    f = lab.frame(manifold_cells=20)
    assert f["manifold"].shape == (21, 2) and f["manifold_density"].shape == (20,)
    assert f["noise"].shape == (450, 1)
    lengths = np.linalg.norm(np.diff(f["manifold"].astype(np.float64), axis=0), axis=1)
    assert abs(np.sum(f["manifold_density"] * lengths) - 1) < 1e-3


def test_gradients_are_minus_each_samples_loss_gradient(trained):
    gan = trained.gan
    fake = trained.frame()["fake"][:60].astype(np.float64)
    push = generator_push(gan.D, gan.loss, fake)

    def sample_loss(x):          # the non-saturating G loss of each sample, in float64
        s = gan.D(x)[:, 0]
        return np.logaddexp(0, -s)

    # float64 throughout, so a tiny step: with 1e-4 a step can cross a leaky ReLU kink
    eps = 1e-6
    numeric = np.stack([(sample_loss(fake + e) - sample_loss(fake - e)) / (2 * eps)
                        for e in (np.array([eps, 0]), np.array([0, eps]))], axis=1)
    assert np.allclose(push, -numeric, rtol=1e-3, atol=1e-4)


def test_contours_are_on_the_canvas_and_nest(trained):
    seg, level = trained.contours()
    assert seg.min() >= 0 and seg.max() <= 1
    assert set(np.unique(level)) == {0, 1, 2, 3}
    # inner (denser) contours are shorter than outer ones on a ring's bands
    length = np.linalg.norm(seg[:, 2:] - seg[:, :2], axis=1)
    assert sum(length[level == 0]) < sum(length[level == 3]) * 1.5


def test_marching_squares_traces_a_circle():
    ticks = (np.arange(80) + 0.5) / 80
    x, y = np.meshgrid(ticks, ticks)
    radius = np.hypot(x - 0.5, y - 0.5)
    seg = contour_segments(-radius, ticks, -0.3)
    ends = np.concatenate([seg[:, :2], seg[:, 2:]])
    assert np.allclose(np.hypot(ends[:, 0] - 0.5, ends[:, 1] - 0.5), 0.3, atol=2e-3)
    length = np.linalg.norm(seg[:, 2:] - seg[:, :2], axis=1).sum()
    assert abs(length - 2 * np.pi * 0.3) < 0.01


def direct_kl_js(real, fake):
    """The same quantities straight from np.histogram2d, as a check."""
    edges = np.linspace(0, 1, GRID + 1)
    clip = lambda p: np.clip(p, 1e-9, 1 - 1e-9)   # noqa: E731 (edge cells take the off-canvas samples)
    hr = np.histogram2d(clip(real[:, 0]), clip(real[:, 1]), [edges, edges])[0] + PSEUDO_COUNT
    hf = np.histogram2d(clip(fake[:, 0]), clip(fake[:, 1]), [edges, edges])[0] + PSEUDO_COUNT
    p, q = hr / hr.sum(), hf / hf.sum()
    m = (p + q) / 2
    return np.sum(p * np.log(p / q)), 0.5 * np.sum(p * np.log(p / m)) + 0.5 * np.sum(q * np.log(q / m))


def test_kl_and_js_match_a_direct_computation():
    rng = np.random.default_rng(0)
    real = rng.normal(0.5, 0.2, (20000, 2))                   # some fall off the canvas
    fake = rng.normal(0.6, 0.15, (5000, 2))
    assert np.sum(histogram(real)) == 20000                     # every sample counted
    kl, js = kl_js(histogram(real), histogram(fake))
    assert np.allclose((kl, js), direct_kl_js(real, fake), rtol=1e-9)
    same = kl_js(histogram(real), histogram(rng.normal(0.5, 0.2, (5000, 2))))
    assert same[0] < 0.1 and same[1] < 0.02 and kl > 5 * same[0]
    assert 0 <= js <= np.log(2)


def test_metrics_are_stable_and_finite_when_d_is_saturated():
    lab = Lab()
    a, b = lab.metrics(), lab.metrics()
    assert a == b
    lab.gan.D.biases[-1][0] = 1e4                               # D says "real" to everything
    lab.gan.d_updates += 1
    m = lab.metrics()
    assert all(np.isfinite(v) for v in m.values())


def test_sliced_wasserstein_grows_with_distance_where_kl_saturates():
    rng = np.random.default_rng(4)
    real = sampler("gaussians")(rng, 5000)
    same = sliced_wasserstein(real, sampler("gaussians")(rng, 5000))
    assert same < 2 * SW_NOISE_FLOOR
    # a copy moved by d along x: the mean over the 16 directions of |d cos(angle)|, about (2 / pi) d
    for d in (0.05, 0.1, 0.2):
        expected = d * np.mean(np.abs(np.cos(np.arange(16) * np.pi / 16)))
        assert abs(sliced_wasserstein(real, real + np.float32([d, 0])) - expected) < 1e-4
    # KL calls an untrained line and a far corner equally bad; the distance does not
    line = rng.random((5000, 1)).astype(np.float32) * np.float32([[0.3, 0.0]]) + np.float32([0.35, 0.5])
    corner = rng.random((5000, 2)).astype(np.float32) * np.float32(0.03) + np.float32(0.97)
    kl_line, kl_corner = (kl_js(histogram(real), histogram(x))[0] for x in (line, corner))
    assert abs(kl_line - kl_corner) < 0.15 * kl_line
    assert sliced_wasserstein(real, corner) > 2 * sliced_wasserstein(real, line)
    # unequal counts compare quantiles
    assert abs(sliced_wasserstein(real, real[:1000]) - 0) < 2 * SW_NOISE_FLOOR + 0.01


def test_mode_shares_see_collapse():
    rng = np.random.default_rng(5)
    for name, (centers, stds) in MODES.items():
        perfect = mode_shares(sampler(name)(rng, 20000), centers, stds)
        assert np.all(np.abs(perfect - 1) < 0.1), name        # ~0.99: 3 stds hold 98.9% of a 2D Gaussian
        assert modes_covered(perfect) == len(centers)
    centers, stds = MODES["eight_gaussians"]
    points = sampler("eight_gaussians")(rng, 8000)
    kept = points[np.linalg.norm(points - np.float32(centers[0]), axis=1) < 0.1]   # all on one mode
    shares = mode_shares(kept, centers, stds)
    assert shares[0] > 7 and np.all(shares[1:] == 0) and modes_covered(shares) == 1
    between = np.float32([[0.5, 0.5]] * 100)                    # the centre is no mode's
    assert modes_covered(mode_shares(between, centers, stds)) == 0


def test_border_share():
    points = np.float32([[0.5, 0.5], [0.005, 0.5], [0.5, 0.999], [1.2, 0.3]])
    assert border_share(points) == 0.75


def test_lab_reports_distance_border_and_modes():
    lab = Lab(Config(distribution="eight_gaussians"))
    m = lab.metrics()
    assert {"kl", "js", "sw", "border", "modes", "modes_total"} <= set(m)
    assert m["modes_total"] == 8 and 0 <= m["modes"] <= 8 and 0 < m["sw"] < 1
    assert len(lab.mode_shares()) == 8
    assert "modes" not in Lab(Config(distribution="ring")).metrics()
    assert Lab(Config(distribution="ring")).mode_shares() is None
