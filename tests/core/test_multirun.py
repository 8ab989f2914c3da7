"""Runs side by side: a Comparison's stacked training gives each run exactly
the numbers of a separate Lab with the same config (same seeds), whatever
differs between the runs; runs of different shapes train in turn; a run that
diverges stops alone; save and load keep every run."""

import numpy as np
import pytest

from ganlab_wasm import Comparison, Config, ConfigError, DivergedError, Lab, LoadError
from ganlab_wasm.multirun import Stack

BASE = Config(seed=2)


def assert_same_as_separate_labs(comparison, epochs):
    for lab in comparison.labs:
        ref = Lab(lab.config)
        ref.train(epochs)
        assert (ref.epoch, ref.gan.d_updates, ref.gan.g_updates) == (lab.epoch, lab.gan.d_updates, lab.gan.g_updates)
        assert np.array_equal(ref.gan.G.params, lab.gan.G.params), lab.config
        assert np.array_equal(ref.gan.D.params, lab.gan.D.params), lab.config
        assert np.array_equal(ref.gan.shown_g.params, lab.gan.shown_g.params), lab.config
        for key, value in ref.gan.opt_d.state().items():
            assert np.array_equal(value, lab.gan.opt_d.state()[key])
        assert ref.metrics() == lab.metrics()


@pytest.mark.parametrize("vary, values", [
    ("learning_rate_d", [0.1, 0.03, 0.3]),
    ("learning_rate_g", [0.1, 0.01]),
    ("k_d", [0, 1, 3]),          # uneven updates: the k_d=1 run sits out two of them
    ("k_g", [1, 2]),
    ("loss", ["log", "minimax", "lsgan", "hinge", "wasserstein"]),
    ("real_label", [1.0, 0.9]),
    ("seed", [1, 2, 3, 4]),
    ("distribution", ["ring", "line", "gaussians"]),
    ("noise_type", ["uniform", "gaussian"]),
    ("g_average", [0, 7, 300]),  # each run's shown average (the metrics measure it)
])
def test_stacked_runs_equal_separate_labs_number_for_number(vary, values):
    comparison = Comparison(BASE, vary=vary, values=values)
    assert len(comparison.stacks) == 1          # one stack: the shapes match
    comparison.train(120)
    assert_same_as_separate_labs(comparison, 120)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "rmsprop"])
def test_every_optimizer_stacked_and_mixed(optimizer):
    base = BASE.replace(learning_rate_d=0.01, learning_rate_g=0.01)
    same = Comparison(base.replace(optimizer_g=optimizer, optimizer_d=optimizer),
                      vary="learning_rate_d", values=[0.01, 0.003])
    same.train(80)
    assert_same_as_separate_labs(same, 80)
    mixed = Comparison(base, vary="optimizer_d", values=["sgd", optimizer, "adam"])
    mixed.train(80)
    assert_same_as_separate_labs(mixed, 80)


def test_mixed_k_and_loss_and_optimizer_together():
    configs = [BASE.replace(k_d=3, loss="minimax", optimizer_g="adam", learning_rate_g=0.01),
               BASE.replace(k_d=1, k_g=2, loss="wasserstein", optimizer_d="rmsprop", learning_rate_d=0.01),
               BASE.replace(k_d=0, k_g=1)]
    comparison = Comparison(configs=configs)
    comparison.train(60)
    for level in ("d", "g", "epoch"):
        comparison.step(level)
    for lab in comparison.labs:
        ref = Lab(lab.config)
        ref.train(60)
        for level in ("d", "g", "epoch"):
            ref.step(level)
        assert np.array_equal(ref.gan.G.params, lab.gan.G.params)
        assert np.array_equal(ref.gan.D.params, lab.gan.D.params)


def test_runs_of_different_shapes_train_in_turn():
    comparison = Comparison(BASE, vary="g_neurons", values=[8, 12, 8])
    assert sorted(len(rows) for rows, _ in comparison.stacks) == [1, 2]
    comparison.train(60)
    assert_same_as_separate_labs(comparison, 60)


def test_stack_rows_are_views_into_each_run():
    comparison = Comparison(BASE, vary="learning_rate_d", values=[0.1, 0.2])
    (_, stack), = comparison.stacks
    assert isinstance(stack, Stack)
    for r, lab in enumerate(comparison.labs):
        assert np.shares_memory(stack.G.params, lab.gan.G.params)
        assert np.shares_memory(stack.D.params, lab.gan.D.params)
        assert lab.gan.G.weights[0].base is not None
    for layer in stack.G.full:
        assert all(np.shares_memory(view, stack.G.params) or np.shares_memory(view, stack.G.grads) for view in layer)


def test_live_changes_keep_matching_a_lab_changed_the_same_way():
    comparison = Comparison(BASE, vary="learning_rate_d", values=[0.1, 0.05])
    refs = [Lab(c) for c in comparison.configs]
    comparison.train(40)
    comparison.update(optimizer_g="adam", learning_rate_g=0.01)        # both runs, keeps the weights
    comparison.update(run=1, k_d=3)
    for r, ref in enumerate(refs):
        ref.train(40)
        ref.update(optimizer_g="adam", learning_rate_g=0.01)
        if r == 1:
            ref.update(k_d=3)
    comparison.train(40)
    for ref, lab in zip(refs, comparison.labs):
        ref.train(40)
        assert np.array_equal(ref.gan.G.params, lab.gan.G.params)
    assert comparison.differences() == [{}, {"learning_rate_d": 0.05, "k_d": 3}]


def test_bad_changes_change_nothing():
    comparison = Comparison(BASE, vary="k_d", values=[0, 2])
    comparison.train(10)
    before = [lab.gan.G.params.copy() for lab in comparison.labs]
    rates_before = [c.learning_rate_g for c in comparison.configs]
    with pytest.raises(ConfigError):
        comparison.update(learning_rate_d=99)
    with pytest.raises(ConfigError, match="cannot both be 0"):
        comparison.update(k_g=0, learning_rate_g=0.05)     # fine for run 1, not for run 0: neither changes
    assert [c.k_g for c in comparison.configs] == [1, 1]
    assert [c.learning_rate_g for c in comparison.configs] == rates_before
    assert rates_before != [0.05, 0.05]
    with pytest.raises(ConfigError):
        comparison.update(run=5, k_d=1)
    with pytest.raises(ConfigError):
        Comparison(BASE, vary="k_d", values=list(range(9)))
    with pytest.raises(ConfigError):
        Comparison(BASE, vary="nonsense", values=[1, 2])
    assert all(np.array_equal(b, lab.gan.G.params) for b, lab in zip(before, comparison.labs))


def test_a_diverging_run_stops_alone_where_a_lab_would_and_the_others_train_on():
    comparison = Comparison(BASE.replace(k_d=1), vary="learning_rate_g", values=[0.1, 0.05])
    ref = Lab(comparison.configs[1])
    comparison.train(50)
    ref.train(50)
    comparison.labs[1].gan.opt_d.lr = ref.gan.opt_d.lr = 1e30     # a wildly wrong learning rate
    comparison.train(400)
    with pytest.raises(DivergedError):
        ref.train(400)
    assert list(comparison.stopped) == [1] and "diverged" in str(comparison.stopped[1])
    assert comparison.labs[0].epoch == 450
    assert comparison.labs[1].epoch == ref.epoch < 450 and comparison.labs[1].gan.finite()
    assert np.array_equal(ref.gan.D.params, comparison.labs[1].gan.D.params)
    clean = Lab(comparison.configs[0])
    clean.train(450)
    assert np.array_equal(clean.gan.G.params, comparison.labs[0].gan.G.params)


def test_save_and_load_continue_every_run_exactly():
    comparison = Comparison(BASE, vary="loss", values=["log", "lsgan"])
    comparison.train(50)
    blob = comparison.save()
    assert Comparison.is_comparison(blob) and not Comparison.is_comparison(comparison.labs[0].save())
    loaded = Comparison.load(blob)
    assert loaded.vary == "loss" and loaded.configs == comparison.configs
    comparison.train(30)
    loaded.train(30)
    for a, b in zip(comparison.labs, loaded.labs):
        assert np.array_equal(a.gan.G.params, b.gan.G.params)
    with pytest.raises(LoadError):
        Comparison.load(b"not a file")
    with pytest.raises(LoadError):
        Comparison.load(comparison.labs[0].save())
