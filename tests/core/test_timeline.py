"""Rewind: a bounded history of snapshots; restoring one and training on
reproduces the original run exactly (one run and a comparison)."""

import numpy as np
import pytest

from ganlab_wasm import Comparison, Config, Lab
from ganlab_wasm.timeline import History


def train_recording(lab, history, epochs):
    """Train as the session does: up to each due snapshot, then record."""
    end = history.epoch + epochs
    while history.epoch < end:
        lab.train(min(end, history.due()) - history.epoch, report=False)
        history.record()


def test_snapshots_every_n_epochs_in_bounded_slots_spanning_the_run():
    lab = Lab(Config(seed=1))
    history = History(lab, every=10, slots=8)
    train_recording(lab, history, 75)
    assert history.epochs() == [0, 10, 20, 30, 40, 50, 60, 70]
    train_recording(lab, history, 10)          # a ninth: thinned to every 20 epochs, the run still in view
    assert history.epochs() == [0, 20, 40, 60, 80] and history.every == 20
    train_recording(lab, history, 500)
    assert len(history.epochs()) <= 8 and history.epochs()[0] == 0 and history.epochs()[-1] > 500
    one = history.bytes / len(history.epochs())
    assert one > lab.gan.G.params.nbytes + lab.gan.D.params.nbytes
    assert history.bytes <= 8 * one * 1.01


def test_ring_policy_keeps_the_latest():
    lab = Lab(Config(seed=1))
    history = History(lab, every=10, slots=4, policy="ring")
    train_recording(lab, history, 100)
    assert history.epochs() == [70, 80, 90, 100]


def test_resuming_from_a_snapshot_reproduces_the_original_numbers():
    config = Config(seed=3, optimizer_d="adam", learning_rate_d=0.01, learning_rate_g=0.1)
    original = Lab(config)
    history = History(original, every=20)
    train_recording(original, history, 100)
    original.update(learning_rate_g=0.05)            # a live change at epoch 100 ...
    train_recording(original, history, 100)
    final = original.metrics(), original.gan.G.params.copy(), original.gan.D.params.copy()
    assert history.restore(130) == 120               # the nearest snapshot at or before
    assert original.epoch == 120 and original.config.learning_rate_g == 0.05
    assert history.restore(55) == 40 and original.config.learning_rate_g == 0.1   # ... undone by going back
    history.drop_after(40)
    assert history.epochs() == [0, 20, 40]
    train_recording(original, history, 60)
    original.update(learning_rate_g=0.05)
    train_recording(original, history, 100)
    assert original.metrics() == final[0]
    assert np.array_equal(original.gan.G.params, final[1]) and np.array_equal(original.gan.D.params, final[2])


def test_a_comparison_rewinds_every_run_together():
    comparison = Comparison(Config(seed=2), vary="k_d", values=[1, 3])
    history = History(comparison, every=25)
    end = 100
    while history.epoch < end:
        comparison.train(min(end, history.due()) - history.epoch, report=False)
        history.record()
    final = [lab.gan.G.params.copy() for lab in comparison.labs]
    history.restore(50)
    assert [lab.epoch for lab in comparison.labs] == [50, 50]
    comparison.train(50)
    assert all(np.array_equal(f, lab.gan.G.params) for f, lab in zip(final, comparison.labs))


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        History(Lab(), policy="lifo")
    with pytest.raises(ValueError):
        History(Lab(), every=0)
