"""Training: determinism, every loss and optimizer, the step levels, live
changes, slow motion, divergence, and that GANs actually learn the presets."""

import numpy as np
import pytest

from ganlab_wasm import Config, DivergedError, Lab, recommended
from ganlab_wasm.config import LOSSES, OPTIMIZERS


def weights(lab):
    return lab.gan.G.params.copy(), lab.gan.D.params.copy()


def test_same_config_and_seed_give_the_same_numbers():
    a, b = Lab(Config(seed=3)), Lab(Config(seed=3))
    assert a.train(150) == b.train(150)
    assert all(np.array_equal(x, y) for x, y in zip(weights(a), weights(b)))
    c = Lab(Config(seed=4))
    assert not np.array_equal(weights(c)[0], weights(a)[0])


@pytest.mark.parametrize("loss", LOSSES)
def test_every_loss_trains(loss):
    lab = Lab(Config(loss=loss, learning_rate_g=0.03, k_d=1))
    start = lab.metrics()
    end = lab.train(300)
    assert lab.gan.finite()
    assert all(np.isfinite(end[k]) for k in ("d_loss", "g_loss", "kl", "js"))
    assert end["kl"] != start["kl"]
    if loss == "wasserstein":
        assert np.abs(lab.gan.D.params).max() <= lab.config.clip + 1e-7


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_every_optimizer_trains_and_can_be_switched_keeping_weights(optimizer):
    lr = 0.01 if optimizer in ("adam", "rmsprop") else 0.05
    lab = Lab(Config(optimizer_g=optimizer, optimizer_d=optimizer, learning_rate_g=lr, learning_rate_d=lr))
    g0, d0 = weights(lab)
    lab.train(100)
    g1, d1 = weights(lab)
    assert lab.gan.finite() and not np.array_equal(g0, g1) and not np.array_equal(d0, d1)
    other = "sgd" if optimizer != "sgd" else "adam"
    result = lab.update(optimizer_g=other, optimizer_d=other)
    assert not result["rebuilt"] and lab.epoch == 100
    assert all(np.array_equal(x, y) for x, y in zip((g1, d1), weights(lab)))
    assert lab.gan.opt_g.name == other


def test_changing_a_learning_rate_keeps_weights_and_moments():
    lab = Lab(Config(optimizer_d="adam", learning_rate_d=0.01))
    lab.train(20)
    moments, g, d = lab.gan.opt_d.m.copy(), *weights(lab)
    assert lab.update(learning_rate_d=0.003, learning_rate_g=0.03) == {
        "rebuilt": False, "changed": ["learning_rate_d", "learning_rate_g"]}
    assert np.array_equal(lab.gan.opt_d.m, moments) and lab.gan.opt_d.lr == 0.003
    assert np.array_equal(weights(lab)[0], g) and np.array_equal(weights(lab)[1], d)
    lab.train(5)
    assert lab.epoch == 25


@pytest.mark.parametrize("change", [dict(g_layers=3), dict(d_neurons=5), dict(noise_dim=1),
                                    dict(noise_type="uniform"), dict(distribution="ring"),
                                    dict(activation="tanh"), dict(seed=9)])
def test_structural_changes_rebuild(change):
    lab = Lab()
    lab.train(10)
    assert lab.update(**change)["rebuilt"]
    assert lab.epoch == 0
    assert lab.gan.G.shapes[0][0] == lab.config.noise_dim
    assert len(lab.gan.G.weights) == lab.config.g_layers + 1
    assert lab.gan.D.shapes[0][1] == lab.config.d_neurons
    lab.train(10)


def test_live_batch_size_and_k_changes():
    lab = Lab()
    lab.update(batch_size=64, k_d=3, k_g=2)
    lab.train(2)
    assert (lab.gan.d_updates, lab.gan.g_updates) == (6, 4)
    assert len(lab.gan.real.next()) == 64


def test_step_levels_touch_only_their_network():
    lab = Lab()
    g0, d0 = weights(lab)
    lab.step("d")
    g1, d1 = weights(lab)
    assert np.array_equal(g0, g1) and not np.array_equal(d0, d1)
    lab.step("g")
    g2, d2 = weights(lab)
    assert not np.array_equal(g1, g2) and np.array_equal(d1, d2)
    assert lab.epoch == 0 and (lab.gan.d_updates, lab.gan.g_updates) == (1, 1)
    m = lab.step("epoch")
    assert m["epoch"] == 1 and (m["d_updates"], m["g_updates"]) == (3, 2)
    with pytest.raises(ValueError, match="step level"):
        lab.step("both")


def test_slow_motion_walks_ten_stages_in_order():
    lab = Lab(Config(k_d=1, k_g=1))
    lab.train(3)
    g0, d0 = weights(lab)
    stages = []
    for stage in lab.slow_motion():
        stages.append(stage)
        g, d = weights(lab)
        if stage.net == "d" and stage.index < 5:
            assert np.array_equal(d, d0), "D changed before its update stage"
        if stage.net == "g" and stage.index < 5:
            assert np.array_equal(g, g0), "G changed before its update stage"
    assert [(s.net, s.index) for s in stages] == [("d", i) for i in range(1, 6)] + [("g", i) for i in range(1, 6)]
    assert [s.name for s in stages[:5]] == ["run_g", "run_d", "loss", "gradients", "update"]
    assert all(s.description for s in stages)
    assert stages[0].data["fake"].shape == (150, 2)
    assert 0 <= stages[1].data["real_pred"].min() and stages[1].data["fake_pred"].max() <= 1
    assert np.isfinite(stages[2].data["d_loss"]) and np.isfinite(stages[7].data["g_loss"])
    assert stages[4].data["heatmap"].shape == (30, 30)
    assert stages[8].data["fake_grad"].shape == (150, 2)
    assert not np.array_equal(stages[9].data["fake"], stages[9].data["moved_from"])
    assert lab.epoch == 4


def test_slow_motion_makes_k_d_and_k_g_updates_and_says_which():
    lab = Lab(Config(k_d=2, k_g=3))
    lab.train(3)
    d0, g0 = lab.gan.d_updates, lab.gan.g_updates
    walked = []
    for stage in lab.slow_motion():
        walked.append((stage.net, stage.update, stage.updates, stage.index))
        if stage.net == "g" and stage.index == 1:
            assert lab.gan.d_updates == d0 + 2, "both D updates come before G's"
    assert walked == ([("d", u, 2, i) for u in (1, 2) for i in range(1, 6)]
                      + [("g", u, 3, i) for u in (1, 2, 3) for i in range(1, 6)])
    assert (lab.gan.d_updates - d0, lab.gan.g_updates - g0, lab.epoch) == (2, 3, 4)
    only_g = Lab(Config(k_d=0, k_g=1))
    assert [(s.net, s.index) for s in only_g.slow_motion()] == [("g", i) for i in range(1, 6)]
    assert only_g.epoch == 1


def test_divergence_stops_at_the_last_finite_state_and_can_resume():
    lab = Lab(Config(k_d=1))
    lab.train(50)
    lab.gan.opt_d.lr = 1e30              # what a wildly wrong learning rate does, quickly
    with pytest.raises(DivergedError, match="lower a learning rate"):
        lab.train(500)
    assert lab.gan.finite() and 50 <= lab.epoch < 550
    assert all(np.isfinite(v) for v in lab.metrics().values())
    stopped = lab.epoch
    lab.update(learning_rate_d=0.05)    # configure() resets the optimizer's lr
    lab.train(20)
    assert lab.epoch == stopped + 20 and lab.gan.finite()


def test_divergence_replay_is_exact():
    """The state kept after divergence is exactly the state a clean run reaches."""
    lab = Lab(Config(k_d=1))
    lab.train(30)
    blob = lab.save()
    lab.gan.opt_g.lr = 1e35
    with pytest.raises(DivergedError):
        lab.train(300)
    clean = Lab.load(blob)
    clean.gan.opt_g.lr = 1e35
    with np.errstate(all="ignore"):
        for _ in range(lab.epoch - 30):
            clean.gan.train_epoch()
    assert np.array_equal(clean.gan.G.params, lab.gan.G.params)


CONVERGENCE = {"gaussians": 3000, "ring": 3000, "disjoint": 3000}


@pytest.mark.parametrize("distribution", CONVERGENCE)
def test_recommended_settings_learn_the_preset(distribution):
    """Median over seeds: single GAN runs oscillate, so one lucky seed proves nothing."""
    ratios = []
    for seed in range(5):
        lab = Lab(recommended(Config(distribution=distribution, seed=seed)))
        start = lab.metrics()["kl"]
        end = lab.train(CONVERGENCE[distribution])["kl"]
        ratios.append(end / start)
    assert np.median(ratios) < 0.5, ratios
