"""The image page's worker session: commands validated in Python (messages in
the page's words, nothing changed on error), frames packed for JS, a set
number of epochs with a progress target, the sliders, the history scrubber
and the pretrained comparison."""

import json

import numpy as np
import pytest

from ganlab_wasm.image_lab import ImageLab
from ganlab_wasm.image_session import OPTIONS, ImageSession, schema
from ganlab_wasm.lab import LoadError


def pretrained_shipped():
    try:
        ImageLab.pretrained("vanilla")
        return True
    except LoadError:
        return False


needs_pretrained = pytest.mark.skipif(not pretrained_shipped(), reason="pretrained image models not built yet")


def run(session, **command):
    return json.loads(session.command(json.dumps(command)))


def unpack(session):
    header, buffer = session.frame()
    header = json.loads(header)
    arrays = {}
    for name, offset, shape in header["arrays"]:
        size = int(np.prod(shape)) if shape else 1
        arrays[name] = np.asarray(buffer[offset:offset + size]).reshape(shape)
    return header, arrays


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def play_until_paused(session, clock, ticks=400):
    for _ in range(ticks):
        clock.now += 0.05
        status = json.loads(session.tick(20))
        if not status["playing"]:
            return status
    raise AssertionError("still playing")


def test_schema_has_the_image_settings_and_the_page_options():
    s = schema()
    names = {f["name"] for f in s["config"]}
    assert {"model", "learning_rate_g", "g_neurons", "sample_every", "noise_dim", "seed"} <= names
    options = {f["name"]: f for f in s["options"]}
    assert set(options) == set(OPTIONS)
    assert options["epochs_to_train"]["low"] == 0 and options["epochs_to_train"]["default"] == 0
    assert s["models"] == ["vanilla", "conditional"] and s["grid"] == {"rows": 10, "columns": 10}
    assert [st["name"] for st in s["stages"]["d"]][0] == "run_g"


def test_bad_commands_are_refused_in_the_pages_words_and_change_nothing():
    s = ImageSession()
    before = s.lab.settings
    reply = run(s, cmd="set", params={"learning_rate_g": "fast"})
    assert not reply["ok"] and "learning rate (G)" in reply["error"]
    reply = run(s, cmd="set", params={"learning_rate_g": 0.01, "epochs_to_train": -5})
    assert not reply["ok"] and "epochs to train" in reply["error"]
    assert s.lab.settings == before and s.options["epochs_to_train"] == 0
    assert "unknown setting" in run(s, cmd="set", params={"zzz": 1})["error"]
    assert "two different" in run(s, cmd="set", params={"latent_x": 3, "latent_y": 3})["error"]
    assert "below the noise dimensions" in run(s, cmd="set", params={"latent_x": 40})["error"]
    assert "needs 16 numbers" in run(s, cmd="noise", z=[0.0, 1.0])["error"]
    assert "between 0 and 9" in run(s, cmd="noise", label=12)["error"]
    assert "history holds 1" in run(s, cmd="scrub", index=5)["error"]
    assert "vanilla, conditional" in run(s, cmd="pretrained", model="gaussians")["error"]
    assert s.lab.settings == before


def test_first_frame_carries_the_dataset_and_later_ones_do_not():
    s = ImageSession()
    header, arrays = unpack(s)
    assert header["static"] and arrays["dataset_examples"].shape == (10, 64)
    assert arrays["dataset_sample"].shape == (25, 64)
    assert arrays["grid"].shape == (100, 64) and arrays["grid_score"].shape == (100,)
    assert arrays["grid_nearest"].shape == (100, 64)
    assert arrays["slider"].shape == (64,)
    assert arrays["latent"].shape[:2] == (8, 8)
    assert set(header["metrics"]["digits"]) >= {"confident", "classes_covered", "top_share"}
    header, arrays = unpack(s)
    assert not header["static"] and "dataset_examples" not in arrays


def test_play_with_epochs_to_train_stops_at_the_target():
    clock = Clock()
    s = ImageSession(clock=clock)
    assert run(s, cmd="set", params={"epochs_to_train": 40, "speed": "fast"})["ok"]
    run(s, cmd="play")
    assert s.target == {"start": 0, "end": 40}
    status = play_until_paused(s, clock)
    assert status.get("done") and s.lab.epoch == 40
    header, _ = unpack(s)
    assert header["target"] == {"start": 0, "end": 40} and not header["playing"]
    run(s, cmd="play")                         # a new play trains the next 40
    assert s.target == {"start": 40, "end": 80}
    play_until_paused(s, clock)
    assert s.lab.epoch == 80


def test_the_slider_image_follows_the_noise_and_the_class():
    s = ImageSession()
    run(s, cmd="train", epochs=30)
    _, a = unpack(s)
    reply = run(s, cmd="noise", z=[2.0] + [0.0] * 15)
    assert reply["noise"]["z"][0] == 2.0
    _, b = unpack(s)
    assert not np.allclose(a["slider"], b["slider"])
    z = run(s, cmd="noise", randomise=True)["noise"]["z"]
    assert len(z) == 16 and any(v != 0 for v in z)
    assert run(s, cmd="noise", reset=True)["noise"]["z"] == [0.0] * 16
    _, c = unpack(s)
    run(s, cmd="noise", z=[2.0] + [0.0] * 15)
    _, d = unpack(s)
    assert np.array_equal(b["slider"], d["slider"]) and not np.allclose(c["slider"], d["slider"])
    assert "only be chosen for the conditional" in run(s, cmd="noise", label=3)["error"]
    run(s, cmd="set", params={"model": "conditional"})
    three = run(s, cmd="noise", label=3)
    assert three["noise"]["label"] == 3
    _, e = unpack(s)
    run(s, cmd="noise", label=7)
    _, f = unpack(s)
    assert not np.allclose(e["slider"], f["slider"])


def test_history_can_be_scrubbed_back_and_to_live():
    s = ImageSession()
    run(s, cmd="set", params={"sample_every": 10})
    run(s, cmd="train", epochs=50)
    header, live = unpack(s)
    kept = header["history"]["epochs"]
    assert len(kept) >= 3 and header["history"]["every"] == 10
    assert run(s, cmd="scrub", index=0)["ok"]
    header, arrays = unpack(s)
    assert header["history"]["shown"] == 0 and header["history"]["shown_epoch"] == kept[0]
    assert arrays["history_grid"].shape == (100, 64) and 0 <= arrays["history_grid"].min()
    run(s, cmd="scrub", index=None)
    header, arrays = unpack(s)
    assert "shown" not in header["history"] and "history_grid" not in arrays


@needs_pretrained
def test_compare_shows_the_pretrained_grid():
    s = ImageSession()
    assert run(s, cmd="set", params={"compare": True})["ok"]
    header, arrays = unpack(s)
    assert header["compare"]["model"] == "vanilla" and header["compare"]["epoch"] > 0
    assert arrays["compare_grid"].shape == (100, 64)


def test_save_and_load_round_trip_and_garbage_is_refused():
    s = ImageSession()
    run(s, cmd="set", params={"model": "conditional"})
    run(s, cmd="train", epochs=20)
    blob = s.save_bytes()
    other = ImageSession()
    reply = json.loads(other.load_bytes(blob))
    assert reply["ok"] and reply["config"]["model"] == "conditional" and reply["metrics"]["epoch"] == 20
    assert not json.loads(other.load_bytes(b"not an experiment"))["ok"]
    assert other.lab.epoch == 20


@needs_pretrained
def test_pretrained_replaces_the_run_and_state_has_the_digit_figures():
    s = ImageSession()
    reply = run(s, cmd="pretrained", model="conditional")
    assert reply["ok"] and reply["config"]["model"] == "conditional" and reply["metrics"]["epoch"] > 0
    state = run(s, cmd="state")
    digits = state["metrics"]["digits"]
    assert set(digits) == {"confident", "classes_covered", "top_share", "label_agreement"}
