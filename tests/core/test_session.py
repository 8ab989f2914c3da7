"""The worker's Session: commands validated in Python, frames packed for JS."""

import json

import numpy as np
import pytest

from ganlab_wasm import Config
from ganlab_wasm.session import Session


def run(session, **command):
    return json.loads(session.command(json.dumps(command)))


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_commands_are_validated_and_errors_change_nothing():
    s = Session()
    assert run(s, cmd="nope") == {"ok": False, "error": "unknown command 'nope'"}
    assert not json.loads(s.command("[1, 2]"))["ok"]
    assert "valid JSON" in json.loads(s.command("{"))["error"]
    bad = run(s, cmd="set", params={"learning_rate_g": 0.5, "k_d": 99})
    assert not bad["ok"] and "k_d" in bad["error"]
    assert s.lab.config.learning_rate_g == Config().learning_rate_g     # nothing applied
    assert "bad arguments" in run(s, cmd="step", bogus=1)["error"]
    assert "unknown setting" in run(s, cmd="set", params={"speed": "fast", "zzz": 1})["error"]
    assert s.options["speed"] == "normal"


def test_set_mixes_config_and_options_and_reports_rebuilds():
    s = Session()
    reply = run(s, cmd="set", params={"learning_rate_g": 0.03, "speed": "fast"})
    assert reply["ok"] and not reply["rebuilt"] and reply["options"]["speed"] == "fast"
    reply = run(s, cmd="set", params={"g_layers": 3})
    assert reply["rebuilt"] and reply["changed"] == ["g_layers"] and s.build == 1


def test_tick_trains_only_while_playing_and_respects_speed():
    clock = Clock()
    s = Session(clock=clock)
    assert json.loads(s.tick(10))["epochs"] == 0
    run(s, cmd="set", params={"speed": "slow"})           # 20 epochs a second
    run(s, cmd="play")
    for _ in range(10):
        clock.now += 0.1
        s.tick(10)
    assert 15 <= s.lab.epoch <= 25
    run(s, cmd="pause")
    assert json.loads(s.tick(10)) == {"playing": False, "epochs": 0}


def test_train_command_is_bounded():
    s = Session()
    assert run(s, cmd="train", epochs=30)["metrics"]["epoch"] == 30
    assert not run(s, cmd="train", epochs=10**6)["ok"]
    assert not run(s, cmd="train", epochs="5")["ok"]


def test_slow_motion_steps_walk_the_stages():
    s = Session()
    run(s, cmd="set", params={"slow_motion": True, "k_d": 1})
    names = []
    for _ in range(10):
        run(s, cmd="step")
        header, _ = s.frame()
        stage = json.loads(header)["stage"]
        names.append((stage["net"], stage["index"]))
    assert names == [("d", i) for i in range(1, 6)] + [("g", i) for i in range(1, 6)]
    assert s.lab.epoch == 1


def test_frames_pack_every_array_with_its_layout():
    s = Session()
    header, buffer = s.frame()
    h = json.loads(header)
    assert buffer.dtype == np.float32 and h["static"]
    arrays = {name: buffer[offset:offset + int(np.prod(shape))].reshape(shape) for name, offset, shape in h["arrays"]}
    frame = s.lab.frame()
    for name in ("heatmap", "fake", "contour"):
        assert np.array_equal(arrays[name], frame[name])
    assert arrays["points"].shape == (0, 2)
    again = json.loads(s.frame()[0])
    assert not again["static"] and "contour" not in {a[0] for a in again["arrays"]}


def test_load_bytes_refuses_garbage_and_keeps_the_run():
    s = Session()
    run(s, cmd="train", epochs=5)
    reply = json.loads(s.load_bytes(b"garbage"))
    assert not reply["ok"] and s.lab.epoch == 5
    blob = s.save_bytes()
    run(s, cmd="train", epochs=5)
    assert json.loads(s.load_bytes(blob))["ok"] and s.lab.epoch == 5


@pytest.mark.parametrize("name", ["line", "ring", "grid"])
def test_thumbnails_hold_every_preset(name):
    header, buffer = Session.thumbnails(count=50)
    layout = {n: (o, shape) for n, o, shape in json.loads(header)["arrays"]}
    offset, shape = layout[name]
    assert shape == [50, 2]
    assert np.all((buffer[offset:offset + 100] > -0.1) & (buffer[offset:offset + 100] < 1.1))


def test_slow_motion_with_k_d_2_walks_both_d_updates_and_the_header_says_which():
    s = Session()
    run(s, cmd="set", params={"slow_motion": True, "k_d": 2, "k_g": 1})
    walked = []
    for _ in range(15):
        run(s, cmd="step")
        stage = json.loads(s.frame()[0])["stage"]
        walked.append((stage["net"], stage["update"], stage["updates"], stage["index"]))
    assert walked == [("d", u, 2, i) for u in (1, 2) for i in range(1, 6)] + [("g", 1, 1, i) for i in range(1, 6)]
    assert (s.lab.epoch, s.lab.gan.d_updates, s.lab.gan.g_updates) == (1, 2, 1)
