"""Training in pieces of one matrix product (issue 11, defect 5): pause and
commands must act within a slice even when one epoch of a big model takes
seconds. The pieces must give exactly the results of whole epochs."""

import json

import numpy as np
import pytest

from ganlab_wasm import Config, DivergedError, Lab
from ganlab_wasm.session import Session


class StepClock:
    """A clock that moves `tick` seconds each time it is read."""

    def __init__(self, tick):
        self.now, self.tick, self.reads = 0.0, tick, 0

    def __call__(self):
        self.now += self.tick
        self.reads += 1
        return self.now


CASES = [
    dict(),
    dict(loss="wasserstein", optimizer_d="rmsprop", optimizer_g="adam", activation="tanh", k_d=3, k_g=2),
    dict(loss="lsgan", optimizer_d="momentum", activation="leaky_relu", k_d=0, k_g=2, noise_dim=1),
    dict(loss="hinge", k_d=1, k_g=3, g_layers=3, d_layers=1, batch_size=33),
    dict(loss="minimax", optimizer_g="adam", optimizer_d="adam", g_neurons=20, d_neurons=17, k_d=2, k_g=0),
    dict(g_average=3, k_g=2),     # the shown average moves with every G update, cut or not
]


@pytest.mark.parametrize("settings", CASES)
def test_pieces_equal_whole_epochs_bit_for_bit(settings):
    whole, cut = Lab(Config(seed=3, **settings)), Lab(Config(seed=3, **settings))
    whole.train(7, report=False)
    clock = StepClock(1.0)
    finished = 0
    while finished < 7:                     # every deadline falls after one product: the finest cut
        finished += cut.train_until(clock.now + 1.5, clock, max_epochs=7 - finished)
    assert (cut.epoch, cut.gan.d_updates, cut.gan.g_updates) == (whole.epoch, whole.gan.d_updates,
                                                                  whole.gan.g_updates)
    assert np.array_equal(cut.gan.G.params, whole.gan.G.params)
    assert np.array_equal(cut.gan.D.params, whole.gan.D.params)
    assert np.array_equal(cut.gan.shown_g.params, whole.gan.shown_g.params)
    assert cut.train(5) == whole.train(5)    # and the streams and moments carry on alike


def test_a_cut_epoch_pauses_after_one_product_and_moves_counters_per_update():
    lab = Lab(Config(k_d=2, k_g=1, g_layers=2, d_layers=2))
    clock = StepClock(1.0)
    assert lab.train_until(clock.now + 1.5, clock) == 0
    assert lab.epoch_in_progress and (lab.epoch, lab.gan.d_updates) == (0, 0)
    while lab.gan.d_updates == 0:
        lab.train_until(clock.now + 1.5, clock)
    assert lab.gan.d_updates == 1 and lab.epoch == 0
    lab.step("g")                              # anything else that trains drops the cut epoch
    assert not lab.epoch_in_progress and lab.gan.g_updates == 1


# the route (lsgan, SGD at lr 10) on GAN Lab's model, where it diverges in epoch 13
DIVERGING = dict(loss="lsgan", optimizer_g="sgd", optimizer_d="sgd", learning_rate_d=10, learning_rate_g=10,
                 g_neurons=8, d_layers=2, d_neurons=8, activation="relu", noise_type="uniform")


def test_a_divergence_in_pieces_undoes_the_epoch():
    lab = Lab(Config(**DIVERGING))
    clock = StepClock(1e-3)
    with pytest.raises(DivergedError, match="diverged in epoch 13"):
        for _ in range(1000):          # bounded: a run that never diverges fails, it does not hang
            lab.train_until(clock.now + 1.0, clock)
    assert lab.epoch == 12 and lab.gan.finite() and not lab.epoch_in_progress


BIG = dict(g_layers=6, g_neurons=100, d_layers=6, d_neurons=100, batch_size=2048, k_d=10, k_g=10)


def run(session, **command):
    return json.loads(session.command(json.dumps(command)))


def test_at_the_largest_settings_a_tick_stops_after_one_product_and_says_epochs_are_slow():
    """Products are timed as a fixed 50 ms each, so this is about counting, not speed."""
    clock = StepClock(0.05)
    s = Session(clock=clock)
    run(s, cmd="set", params={**BIG, "speed": "fast", "backend": "numpy"})
    run(s, cmd="play")
    for _ in range(3):
        before = clock.reads
        s.tick(12)
        assert clock.reads - before <= 6        # a read or two per product, no whole epoch
    assert s.lab.epoch_in_progress
    while s.lab.epoch == 0:
        s.tick(12)
    assert "epoch takes about" in json.loads(s.frame()[0])["notice"]
    run(s, cmd="pause")
    assert json.loads(s.tick(12))["epochs"] == 0


def test_a_deferred_train_runs_in_ticks_and_a_pause_ends_it_early():
    s, reference = Session(), Session()
    s.defer_train = True
    assert run(s, cmd="train", epochs=300) == {"ok": True, "pending": True}
    assert s.train_reply() == ""
    while json.loads(s.tick(2))["busy"]:
        assert run(s, cmd="state")["ok"]          # answered between ticks; does not end it
    reply = json.loads(s.train_reply())
    expected = run(reference, cmd="train", epochs=300)
    assert reply["ok"] and not reply["stopped"] and reply["metrics"] == expected["metrics"]

    run(s, cmd="train", epochs=5000)
    s.tick(2)
    run(s, cmd="pause")
    stopped = json.loads(s.train_reply())
    assert stopped["ok"] and stopped["stopped"] and 300 <= stopped["metrics"]["epoch"] < 5300
    assert json.loads(s.tick(2)) == {"playing": False, "epochs": 0}


def test_a_deferred_train_that_diverges_replies_with_the_reason():
    s = Session()
    s.defer_train = True
    run(s, cmd="set", params=DIVERGING)
    run(s, cmd="train", epochs=3000)
    for _ in range(10000):             # bounded: a train that never ends fails, it does not hang
        if not json.loads(s.tick(5))["busy"]:
            break
    reply = json.loads(s.train_reply())
    assert not reply["ok"] and "diverged in epoch 13" in reply["error"] and s.lab.epoch == 12


def ticks_until_timed(session, measurements, most):
    """Tick the playing session in 5 ms slices until its accelerator has
    finished timing (at least one tick), checking that no slice adds more than
    `most` entries to `measurements`; returns the ticks."""
    ticks = 0
    while session.accel._job is not None or ticks == 0:
        before = len(measurements)
        session.tick(5)
        ticks += 1
        assert len(measurements) - before <= most, measurements[before:]
    return ticks


def test_a_big_model_is_timed_a_measurement_per_slice_while_it_trains(monkeypatch):
    from ganlab_wasm.accel import Accelerator, epoch_macs, LONG_EPOCH_MACS
    settings = dict(g_layers=6, g_neurons=100, d_layers=6, d_neurons=100, k_d=1, k_g=1)
    assert epoch_macs(Config(**settings)) > LONG_EPOCH_MACS
    monkeypatch.setattr(Accelerator, "_epochs", lambda *a: pytest.fail("timed whole epochs in one call"))
    timed = []
    real_time = Accelerator._time
    monkeypatch.setattr(Accelerator, "_time", lambda self, call, **kw: timed.append(1) or real_time(self, call, **kw))
    s = Session()
    run(s, cmd="set", params={**settings, "speed": "fast"})
    run(s, cmd="play")
    ticks = ticks_until_timed(s, timed, most=1)     # at most one measurement per slice
    assert s.accel.calibrations == 1 and s.accel.report and s.lab.epoch >= 2
    assert s.accel.using in ("numpy", "cpu") and ticks > len(s.accel.report)
    epoch = s.lab.epoch
    s.tick(5)
    assert s.lab.epoch >= epoch and s.accel.calibrations == 1  # decided: no more timing


def test_in_the_worker_every_model_is_timed_a_measurement_per_slice():
    # issue 11, defect 5: the default model's timing all at once held the worker
    # ~200 ms after every change of its shape (bench_pause.py --settle 0.3)
    import ganlab_wasm.accel as accel_module
    from ganlab_wasm.accel import Accelerator
    measured = []
    real_time, real_epochs = Accelerator._time, Accelerator._epochs
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(accel_module, "SWITCH_GAIN", 1e9)   # einsum "wins" a shape: the plans are timed too
    monkeypatch.setattr(Accelerator, "_time", lambda self, *a, **kw: measured.append("time") or real_time(self, *a, **kw))
    monkeypatch.setattr(Accelerator, "_epochs", lambda self, *a: measured.append("epochs") or real_epochs(self, *a))
    try:
        s = Session()
        s.accel.sliced = True                          # as web/worker/session.js sets it
        # (a model under LONG_EPOCH_MACS, whose shapes einsum may take: numpy's bits)
        run(s, cmd="set", params={"g_layers": 3, "g_neurons": 64, "d_layers": 3, "d_neurons": 64,
                                  "batch_size": 256, "k_d": 1, "speed": "fast"})
        run(s, cmd="play")
        ticks = ticks_until_timed(s, measured, most=2)   # one measurement (a plan's: with its first epoch)
        assert s.accel.calibrations == 1 and s.accel.report and s.accel.epoch_rates and ticks > 10
        assert s.lab.epoch > 0                         # it trained between the measurements
    finally:
        monkeypatch.undo()


@pytest.mark.parametrize("level", ["epoch", "d"])
def test_timing_in_slices_between_cut_epochs_and_updates_changes_no_number(level):
    # The worker times the products between slices that end inside an epoch
    # (or a D step's update); the timing's epochs must leave the cut one's
    # half-made gradients alone (a link then trained other numbers elsewhere)
    import ganlab_wasm.accel as accel_module
    settings = {"g_layers": 3, "g_neurons": 64, "d_layers": 3, "d_neurons": 64, "batch_size": 256, "k_d": 1}
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(accel_module, "SWITCH_GAIN", 1e9)      # einsum "wins": the plans' epochs are timed too
        s = Session()
        s.defer_train = True
        s.accel.sliced = True
        run(s, cmd="set", params={**settings, "step_updates": 100})
        s.clock = StepClock(0.0005)                            # slices end every few products
        s.accel.clock = StepClock(0.0005)
        if level == "epoch":
            run(s, cmd="train", epochs=40)
        else:
            run(s, cmd="step", level="d")
        for _ in range(100_000):
            if not json.loads(s.tick(4))["busy"]:
                break
        assert s.accel.calibrations == 1 and s.accel._job is None and s.accel.epoch_rates
    reference = Lab(Config(**settings))
    if level == "epoch":
        reference.train(40, report=False)
    else:
        reference.step("d", 100)
    assert s.lab.save() == reference.save()


def test_a_state_just_after_a_big_model_is_built_does_not_wait_for_its_divergence(monkeypatch):
    # issue 11, defect 5: G on 5,000 samples at 6x100 is ~200 ms in Pyodide
    s = Session()
    run(s, cmd="set", params={"g_layers": 6, "g_neurons": 100, "speed": "fast"})
    run(s, cmd="play")
    s.tick(5)
    with monkeypatch.context() as patched:
        patched.setattr(Lab, "divergence_steps", lambda self: pytest.fail("measured the divergence in a command"))
        metrics = run(s, cmd="state")["metrics"]
    assert metrics["kl"] is None and metrics["sw"] is None and metrics["epoch"] >= 0
    s.frame()                                        # the first frame measures it
    assert run(s, cmd="state")["metrics"]["kl"] > 0
    run(s, cmd="set", params={"g_layers": 2, "g_neurons": 16})   # a small G: measured at once, as before
    assert run(s, cmd="state")["metrics"]["kl"] > 0


def test_a_cut_epoch_goes_on_exactly_after_the_products_were_timed_again():
    """Timing runs epochs and restores the state; a cut epoch must not lose its place
    (a lost GPU mid-epoch recalibrates: the epoch then failed on a missing trace)."""
    from ganlab_wasm.accel import Accelerator
    whole, cut = Lab(Config(seed=4)), Lab(Config(seed=4))
    whole.train(3, report=False)
    accel = Accelerator()
    accel.adopt(cut)
    clock = StepClock(1.0)
    while cut.gan.d_updates < 2:                     # into the G update of the first epoch
        cut.train_until(clock.now + 1.5, clock)
    for _ in range(3):
        cut.train_until(clock.now + 1.5, clock)
    assert cut.epoch_in_progress and cut.gan.d_updates == 2
    assert accel.prepare(cut, "cpu")                 # timed: whole epochs run, then restored
    finished = 0
    while finished < 3:
        finished += cut.train_until(clock.now + 1.5, clock, max_epochs=3 - finished)
    assert np.array_equal(cut.gan.G.params, whole.gan.G.params)
    assert np.array_equal(cut.gan.D.params, whole.gan.D.params)


MAX_MODEL = dict(g_layers=6, g_neurons=100, d_layers=6, d_neurons=100, batch_size=2048, k_d=10, k_g=10)


def frame_in_slices(session, budget_ms=0.0, between=None):
    """Session.frame_slice called until it is done; between(i) runs after slice i."""
    for i in range(10_000):
        result = session.frame_slice(budget_ms)
        if result is not None:
            return result, i + 1
        if between is not None:
            between(i)
    raise AssertionError("the frame never finished")


def test_a_big_models_frame_comes_in_slices_of_one_small_product_and_equals_a_whole_frame():
    # A frame of the largest model is ~0.5 G multiply-adds (a few hundred ms in
    # Pyodide): built in one go, it held pause that long. In slices, the worker
    # answers messages between products no bigger than FRAME_PRODUCT_MACS.
    from ganlab_wasm.views import FRAME_PRODUCT_MACS
    sliced, whole = Session(Config(**MAX_MODEL)), Session(Config(**MAX_MODEL))
    for s in (sliced, whole):
        run(s, cmd="set", params={"heatmap_size": 120, "manifold_cells": 60})
    products, largest = [], [0]

    def counting(a, b, out=None):
        products.append(a.shape[0] * a.shape[1] * b.shape[1])
        return np.matmul(a, b, out=out)

    sliced.accel.backend.matmul = counting

    def one_product_per_slice(i):
        largest[0] = max(largest[0], sum(products))
        products.clear()

    (header, buffer), slices = frame_in_slices(sliced, between=one_product_per_slice)
    assert slices > 100 and 0 < largest[0] <= FRAME_PRODUCT_MACS, (slices, largest)
    want_header, want_buffer = whole.frame()
    assert json.loads(header)["metrics"] == json.loads(want_header)["metrics"]
    np.testing.assert_array_equal(np.frombuffer(buffer, np.float32), np.frombuffer(want_buffer, np.float32))


def test_a_command_between_frame_slices_is_answered_and_a_frame_of_the_new_state_follows():
    s = Session(Config(**dict(MAX_MODEL, batch_size=16, k_d=1, k_g=1)))
    run(s, cmd="play")
    answers = []

    def commands(i):
        if i == 2:
            answers.append(run(s, cmd="pause"))       # changes nothing the arrays show: the frame goes on
        if i == 5:
            answers.append(run(s, cmd="step"))        # new weights: the frame starts again
    (header, buffer), _ = frame_in_slices(s, between=commands)
    assert [a["ok"] for a in answers] == [True, True]
    header = json.loads(header)
    assert header["playing"] is False and header["metrics"]["epoch"] == 1    # the state when it was done
    fresh = Session(Config(**dict(MAX_MODEL, batch_size=16, k_d=1, k_g=1)))
    run(fresh, cmd="step")
    np.testing.assert_array_equal(np.frombuffer(buffer, np.float32), np.frombuffer(fresh.frame()[1], np.float32))
