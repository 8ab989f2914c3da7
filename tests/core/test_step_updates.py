"""A D or G step does step_updates updates (issue 10: the paper's manual-step
experiments read at the defaults): at once in CPython, in ticks in the
worker, so that pause acts between two updates."""

import json

import pytest

from ganlab_wasm import Config, Lab
from ganlab_wasm.schema import SETTING_BY_NAME
from ganlab_wasm.session import Session

DEFAULT = SETTING_BY_NAME["step_updates"].default


def run(session, **message):
    return json.loads(session.command(json.dumps(message)))


def counters(session):
    state = run(session, cmd="state")
    return state["metrics"]["d_updates"], state["metrics"]["g_updates"], state["metrics"]["epoch"]


def test_a_lab_step_can_do_several_updates_exactly_as_one_at_a_time():
    many, single = Lab(Config(seed=4)), Lab(Config(seed=4))
    assert many.step("d", 7)["d_updates"] == 7 and many.step("g", 3)["g_updates"] == 3
    for level, n in (("d", 7), ("g", 3)):
        for _ in range(n):
            single.step(level)
    assert many.save() == single.save()
    for bad in (0, -1, 2.0, True):
        with pytest.raises(ValueError, match="step count"):
            many.step("d", bad)


def test_a_d_or_g_step_does_the_updates_per_step_and_an_epoch_step_one_epoch():
    s = Session()
    assert DEFAULT > 1
    run(s, cmd="step", level="d")
    run(s, cmd="step", level="g")
    assert counters(s) == (DEFAULT, DEFAULT, 0)
    run(s, cmd="step", level="epoch")
    config = s.lab.config
    assert counters(s) == (DEFAULT + config.k_d, DEFAULT + config.k_g, 1)
    assert run(s, cmd="set", params={"step_updates": 1})["ok"]
    run(s, cmd="step", level="d")
    assert counters(s)[0] == DEFAULT + config.k_d + 1          # GAN Lab's single update


@pytest.mark.parametrize("bad", [0, 101, 2.5, "5", None, True])
def test_a_bad_number_of_updates_per_step_is_refused_and_changes_nothing(bad):
    s = Session()
    reply = run(s, cmd="set", params={"step_updates": bad})
    assert not reply["ok"] and "step_updates" in reply["error"]
    assert run(s, cmd="state")["options"]["step_updates"] == DEFAULT


def test_in_the_worker_a_step_runs_in_ticks_and_a_pause_stops_it_between_updates():
    s, reference = Session(), Session()
    s.defer_train = True
    assert run(s, cmd="step", level="g") == {"ok": True, "pending": True}
    while json.loads(s.tick(5))["busy"]:
        pass
    reply = json.loads(s.train_reply())
    assert reply["ok"] and not reply["stopped"]
    assert reply["metrics"] == run(reference, cmd="step", level="g")["metrics"]

    # a step that takes longer than a tick, cut inside updates too: a pause
    # keeps the whole updates done so far and undoes the one cut short
    clock = iter(range(10**6))
    s.clock = lambda: next(clock) * 0.001          # every reading 1 ms later: a few products per 5 ms tick
    run(s, cmd="step", level="d")
    for _ in range(12):
        assert json.loads(s.tick(5))["busy"]
    assert s.lab._partial_update is not None       # (the pause lands inside an update)
    stopped = run(s, cmd="pause")
    reply = json.loads(s.train_reply())
    done = counters(s)[0]
    assert stopped["ok"] and reply["stopped"] and 0 < done < DEFAULT
    run(reference, cmd="set", params={"step_updates": done})
    run(reference, cmd="step", level="d")
    assert s.lab.save() == reference.lab.save()      # weights, moments, counters and streams


def test_an_update_in_pieces_is_the_same_update():
    whole, cut = Lab(Config(seed=2)), Lab(Config(seed=2))
    clock = iter(range(10**6))
    tick = lambda: next(clock)   # noqa: E731
    for level in ("d", "g", "d"):
        whole.step(level)
        calls = 1
        while not cut.update_until(level, tick() + 1, tick):   # a product or two per call
            calls += 1
        assert calls > 3
    assert whole.save() == cut.save()
    # cut short and abandoned (anything else trains first): as if never begun
    assert not cut.update_until("g", 0, tick)
    cut.step("d")
    whole.step("d")
    assert whole.save() == cut.save()


def test_a_pause_that_ends_a_big_models_step_does_not_wait_for_its_divergence(monkeypatch):
    s = Session()
    s.defer_train = True
    run(s, cmd="set", params={"g_layers": 6, "g_neurons": 100})
    run(s, cmd="step", level="g")
    while s.lab.gan.g_updates == 0:                    # one G update done: the fakes are new
        s.tick(5)
    monkeypatch.setattr(Lab, "divergence_steps", lambda self: pytest.fail("measured the divergence for a pause"))
    assert run(s, cmd="pause")["ok"]
    reply = json.loads(s.train_reply())
    assert reply["stopped"] and reply["metrics"]["kl"] is None and reply["metrics"]["g_updates"] >= 1


def test_a_save_in_the_middle_of_a_step_holds_whole_updates_and_the_step_goes_on_the_same():
    s, reference = Session(), Session()
    s.defer_train = True
    clock = iter(range(10**6))
    s.clock = lambda: next(clock) * 0.001
    run(s, cmd="step", level="g")
    for _ in range(6):
        s.tick(5)
    assert s.lab._partial_update is not None
    done = s.lab.gan.g_updates
    saved = Lab.load(s.save_bytes())
    whole = Lab(Config())
    whole.step("g", done)
    assert saved.save() == Lab.load(whole.save()).save()      # streams too: as after `done` whole updates
    while json.loads(s.tick(5))["busy"]:
        pass
    run(reference, cmd="step", level="g")
    assert s.lab.save() == reference.lab.save()
