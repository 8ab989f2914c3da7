"""Issue 11: whatever a run does (diverge, blow up, load a doctored file),
every reply and frame the session sends can be read by the page, and the
views get values they can draw."""

import io
import json

import numpy as np
import pytest

from ganlab_wasm import Lab
from ganlab_wasm.session import Session


def run(session, **command):
    return json.loads(session.command(json.dumps(command)))


def strict(text):
    """json.loads as the page's JSON.parse reads it: no NaN, no Infinity."""
    def refuse(name):
        raise ValueError(f"{name} is not JSON")
    return json.loads(text, parse_constant=refuse)


def diverged_session():
    """lsgan with SGD at learning rate 10 both: diverges in epoch 13."""
    s = Session()
    run(s, cmd="set", params={"loss": "lsgan", "learning_rate_d": 10, "learning_rate_g": 10})
    reply = run(s, cmd="train", epochs=3000)
    assert not reply["ok"] and "diverged" in reply["error"]
    return s


def unpack(session):
    header, buffer = session.frame()
    h = strict(header)
    arrays = {name: buffer[offset:offset + int(np.prod(shape))].reshape(shape)
              for name, offset, shape in h["arrays"]}
    return h, arrays


def test_slow_motion_after_a_divergence_still_makes_frames():
    s = diverged_session()
    run(s, cmd="set", params={"slow_motion": True})
    for _ in range(10):                       # all ten stages, each with a frame
        assert run(s, cmd="step")["ok"]
        header, arrays = unpack(s)
        assert all(np.isfinite(a).all() for name, a in arrays.items() if "grad" in name or "pred" in name)
    run(s, cmd="reset")
    run(s, cmd="set", params={"loss": "log", "slow_motion": False})
    run(s, cmd="play")
    s.tick(20)
    assert unpack(s)[0]["metrics"]["epoch"] > 0


def test_the_kept_state_after_a_divergence_draws_finite_gradients():
    s = diverged_session()
    grad = s.lab.frame()["fake_grad"]
    assert np.isfinite(grad).all()     # was 900 NaN: 0 * inf through D's dead hidden units


def test_every_reply_is_strict_json_even_with_huge_metrics():
    s = diverged_session()
    for command in ({"cmd": "state"}, {"cmd": "step"}, {"cmd": "set", "params": {"learning_rate_g": 1}}):
        strict(s.command(json.dumps(command)))
    strict(s.tick(5))
    unpack(s)


def test_a_bug_in_a_command_gives_a_plain_message_and_the_details_apart(monkeypatch):
    s = Session()
    monkeypatch.setattr(Lab, "metrics", lambda self, divergence=True: 1 / 0)
    reply = strict(s.command('{"cmd": "state"}'))
    assert not reply["ok"] and "Traceback" not in reply["error"]
    assert "ZeroDivisionError" in reply["error"] and "browser console" in reply["error"]
    assert "Traceback" in reply["details"]


def test_a_bug_while_training_stops_play_with_a_plain_message(monkeypatch):
    s = Session()
    run(s, cmd="play")
    monkeypatch.setattr(Lab, "train", lambda self, n, report=True: {}["missing"])
    status = strict(s.tick(5))
    assert not status["playing"] and not s.playing
    assert "Traceback" not in status["error"] and "KeyError" in status["error"]
    assert "Traceback" in status["details"]


def scaled_save(factor):
    lab = Lab()
    lab.train(20)
    parts = dict(np.load(io.BytesIO(lab.save())))
    parts["d_params"] = parts["d_params"] * np.float32(factor)
    out = io.BytesIO()
    np.savez_compressed(out, **parts)
    return out.getvalue()


def test_loading_a_run_with_huge_weights_replies_readably():
    s = Session()
    reply = strict(s.load_bytes(scaled_save(1e20)))
    assert reply["ok"] and s.lab.epoch == 20
    assert reply["metrics"]["d_loss"] is None or np.isfinite(reply["metrics"]["d_loss"])
    unpack(s)
