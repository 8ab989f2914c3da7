"""The averaged generator (g_average): a running average of G's weights that
the page shows and the metrics measure, while training never reads it."""

import numpy as np
import pytest

from ganlab_wasm import Config, ConfigError, DivergedError, Lab
from ganlab_wasm.lab import SHOWN

BASE = Config(seed=4)


def test_training_never_reads_the_average():
    plain, averaged = Lab(BASE), Lab(BASE.replace(g_average=50))
    plain.train(150, report=False)
    averaged.train(150, report=False)
    assert np.array_equal(plain.gan.G.params, averaged.gan.G.params)
    assert np.array_equal(plain.gan.D.params, averaged.gan.D.params)
    assert plain.gan.shown_g is plain.gan.G
    assert not np.array_equal(averaged.gan.shown_g.params, averaged.gan.G.params)


def test_each_g_update_moves_the_average_one_window_share_toward_g():
    lab = Lab(BASE.replace(g_average=20, k_g=2))
    expected = lab.gan.G.params.astype(np.float64)
    for _ in range(30):
        lab.step("g")
        expected += (lab.gan.G.params - expected) / 20
    lab.train(3, report=False)       # 6 more G updates, through epochs
    assert lab.gan.g_updates == 36
    np.testing.assert_allclose(lab.gan.G_avg.params, _replayed(BASE.replace(g_average=20, k_g=2), 30, 3),
                               rtol=0, atol=1e-6)
    assert np.abs(lab.gan.G_avg.params - lab.gan.G.params).max() > 1e-4


def _replayed(config, g_steps, epochs):
    """The average, computed by hand from G's weights after each update."""
    lab = Lab(config.replace(g_average=0))
    avg = lab.gan.G.params.astype(np.float64)
    for _ in range(g_steps):
        lab.step("g")
        avg += (lab.gan.G.params - avg) / config.g_average
    for _ in range(epochs):
        for _ in range(config.k_d):
            lab.gan.d_step()
        for i in range(config.k_g):
            lab.gan.g_step(reuse_fakes=(i == 0 and config.k_d > 0))
            avg += (lab.gan.G.params - avg) / config.g_average
        lab.gan.epoch += 1
    return avg


def test_the_views_and_metrics_show_the_average():
    lab = Lab(BASE.replace(g_average=100))
    lab.train(200, report=False)
    frame = lab.frame()
    assert np.array_equal(frame["fake"], lab.gan.G_avg(lab._shown_noise).astype(np.float32))
    assert not np.allclose(frame["fake"], lab.gan.G(lab._shown_noise))
    shown_kl = lab.metrics()["kl"]
    lab.update(g_average=0)          # the generator as trained: other fakes, another distance
    assert lab.metrics()["kl"] != shown_kl
    assert np.array_equal(lab.frame()["fake"], lab.gan.G(lab._shown_noise).astype(np.float32))
    assert len(frame["fake"]) == SHOWN


def test_switching_averaging_on_starts_it_from_g_as_it_is_and_keeps_the_weights():
    lab = Lab(BASE)
    lab.train(100, report=False)
    g = lab.gan.G.params.copy()
    assert lab.update(g_average=30) == {"rebuilt": False, "changed": ["g_average"]}
    assert np.array_equal(lab.gan.shown_g.params, g) and np.array_equal(lab.gan.G.params, g)
    lab.train(10, report=False)
    kept = lab.gan.G_avg.params.copy()
    lab.update(g_average=60)         # a new window keeps the average so far
    assert np.array_equal(lab.gan.G_avg.params, kept)


@pytest.mark.parametrize("bad", [-1, 10_001, 2.5, "many", None])
def test_a_bad_window_is_refused_and_changes_nothing(bad):
    lab = Lab(BASE.replace(g_average=10))
    lab.train(20, report=False)
    before = lab.save()
    with pytest.raises(ConfigError):
        lab.update(g_average=bad)
    assert lab.config.g_average == 10 and lab.save() == before


def test_save_and_load_keep_the_average_and_continue_exactly():
    lab = Lab(BASE.replace(g_average=40))
    lab.train(120, report=False)
    loaded = Lab.load(lab.save())
    assert np.array_equal(loaded.gan.G_avg.params, lab.gan.G_avg.params)
    assert loaded.train(50) == lab.train(50)
    # a file saved without averaging starts the average from G when it is switched on
    plain = Lab(BASE)
    plain.train(60, report=False)
    again = Lab.load(plain.save())
    again.update(g_average=40)
    assert np.array_equal(again.gan.shown_g.params, plain.gan.G.params)


def test_a_divergence_restores_the_average_too():
    # lsgan with SGD at learning rate 10 both diverges within a few dozen epochs
    settings = dict(loss="lsgan", optimizer_g="sgd", optimizer_d="sgd", learning_rate_d=10.0, learning_rate_g=10.0)
    lab = Lab(Config(g_average=5, **settings))
    with pytest.raises(DivergedError):
        lab.train(3000, report=False)
    epoch, average = lab.epoch, lab.gan.G_avg.params.copy()
    assert np.isfinite(average).all()
    ref = Lab(Config(g_average=5, **settings))
    ref.train(epoch, report=False)            # the last finite state, reached directly
    assert np.array_equal(ref.gan.G_avg.params, average)
