"""Training visibly works (issue 10): a reduced run of scripts/tune_presets.py
asserting medians and counts, and the full sweep of the defaults (slow)."""

import importlib.util
import os
from dataclasses import replace

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("tune_presets", os.path.join(HERE, "..", "..", "scripts",
                                                                          "tune_presets.py"))
tune = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tune)


def test_defaults_reach_kl_03_within_3000_epochs_on_most_seeds():
    """The page as it opens, three seeds (the full criterion, 9 of 10 plus
    holding for 5,000 epochs, is the slow test below)."""
    case = replace(tune.cases()["defaults"], hold=False)
    runs = [tune.run(case, seed) for seed in range(3)]
    assert sum(r["reached"] is not None for r in runs) >= 2, runs
    assert np.median([r["kl_at_budget"] for r in runs]) <= 0.3, runs
    assert all(r["border"] <= tune.BORDER_MAX for r in runs), runs


def test_gan_labs_old_defaults_do_not_reach_it():
    """The reason the defaults changed: GAN Lab's SGD 0.1 model with a 2 x 8
    ReLU discriminator stays far off on the same seeds."""
    old = dict(tune.cases()["defaults"].settings, noise_type="uniform", g_neurons=8, d_layers=2, d_neurons=8,
               activation="relu", optimizer_g="sgd", optimizer_d="sgd", learning_rate_g=0.1, learning_rate_d=0.1)
    case = replace(tune.cases()["defaults"], settings=old, hold=False)
    runs = [tune.run(case, seed) for seed in range(3)]
    assert np.median([r["kl_at_budget"] for r in runs]) > 0.6, runs


# presets whose full sweep passes (the table in issue 10's note); three
# clusters and eight Gaussians through their shown average (g_average)
STEADY_PRESETS = ("line", "ring", "spiral", "disjoint", "eight_gaussians")
# median KL at the end of the 3 short runs: the spiral's settles nearer the 0.4 it must stay under
END_MAX = {"line": 0.3, "ring": 0.3, "spiral": 0.4, "disjoint": 0.3, "eight_gaussians": 0.3}


@pytest.mark.parametrize("name", STEADY_PRESETS)
def test_recommended_settings_reach_kl_03_and_hold_it(name, monkeypatch):
    """Three seeds, holding for 2,000 epochs instead of 5,000 (the full
    criterion, 8 of 10 seeds, is the slow test below): reaching the data is
    not enough, the run must not drift away again."""
    monkeypatch.setattr(tune, "HOLD", 2000)
    case = tune.cases()[f"preset:{name}"]
    runs = [tune.run(case, seed) for seed in range(3)]
    assert sum(r["reached"] is not None for r in runs) >= 2, runs
    assert sum(r["stays"] for r in runs) >= 2, runs
    assert np.median([r["kl_end"] for r in runs]) <= END_MAX[name], runs
    if name in tune.MODE_CHECKED:
        assert sum(r["min_mode_share"] >= tune.COVERED_SHARE for r in runs) >= 2, runs


@pytest.mark.parametrize("shape", ["two_blobs", "letter_s"])
def test_drawn_shapes_reach_kl_04_with_their_recommended_settings(shape):
    """Three seeds (the full criterion, 8 of 10 within 5,000 epochs, is the slow test below)."""
    case = tune.cases()[f"drawn:{shape}"]
    runs = [tune.run(case, seed) for seed in range(3)]
    assert sum(r["reached"] is not None for r in runs) >= 2, runs
    assert all(r["border"] <= tune.BORDER_MAX for r in runs), runs


def test_sweep_rows_count_and_judge():
    case = tune.Case("x", {}, 100, 0.3, 8)
    good = {"reached": 100, "stays": True, "worst_after": 0.2, "kl_at_budget": 0.2, "kl_end": 0.2, "sw_end": 0.01,
            "border": 0.0, "real_border": 0.0, "min_mode_share": None}
    bad = dict(good, reached=None, stays=False, worst_after=None, border=0.2)
    case = replace(case, settings={"distribution": "gaussians"})
    row = tune.summarize(case, [good] * 8 + [bad] * 2)
    assert (row["reached"], row["stays"], row["border_ok"], row["need"], row["pass"]) == (8, 8, 8, 8, True)
    assert not tune.summarize(case, [good] * 7 + [bad] * 3)["pass"]


@pytest.mark.slow
def test_full_sweep_of_the_defaults():
    (row,) = tune.sweep(["defaults"], seeds=10, jobs=2)
    assert row["pass"], row


@pytest.mark.slow
def test_full_sweep_of_the_steady_presets():
    rows = tune.sweep([f"preset:{name}" for name in STEADY_PRESETS], seeds=10, jobs=2)
    assert all(row["pass"] for row in rows), rows


@pytest.mark.slow
def test_full_sweep_of_the_drawn_shapes():
    rows = tune.sweep([f"drawn:{shape}" for shape in tune.DRAWN], seeds=10, jobs=2)
    assert all(row["pass"] for row in rows), rows
