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
    run(s, cmd="set", params={"loss": "lsgan", "optimizer_g": "sgd", "optimizer_d": "sgd",
                              "learning_rate_d": 10, "learning_rate_g": 10})
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
    for _ in range(200):                      # (the first epochs may be cut into several ticks)
        s.tick(20)
        if s.lab.epoch:
            break
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
    monkeypatch.setattr(Lab, "train_until", lambda self, *args, **kw: {}["missing"])
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


# --- loading a doctored file: every field checked, nothing changed on refusal ---

def saved_parts(optimizer="adam"):
    lab = Lab(optimizer_g=optimizer, optimizer_d=optimizer)
    lab.train(37)
    parts = dict(np.load(io.BytesIO(lab.save())))
    meta = json.loads(parts.pop("meta").tobytes())
    return meta, parts


def doctored(meta, parts, compress=True):
    out = io.BytesIO()
    (np.savez_compressed if compress else np.savez)(
        out, meta=np.frombuffer(json.dumps(meta).encode(), np.uint8), **parts)
    return out.getvalue()


def meta_with(path, value):
    meta, parts = saved_parts()
    target = meta
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doctored(meta, parts)


def arrays_with(**changes):
    meta, parts = saved_parts()
    parts.update(changes)
    return doctored(meta, {k: v for k, v in parts.items() if v is not None})


def refused_and_unchanged(blob, words):
    """The session refuses blob with a message containing words, and its run is untouched."""
    s = Session()
    run(s, cmd="train", epochs=5)
    before = (s.lab, s.lab.epoch, s.lab.config, s.lab.gan.G.params.copy(), s.build)
    reply = strict(s.load_bytes(blob))
    assert not reply["ok"] and words in reply["error"], reply
    assert "Traceback" not in reply["error"]
    assert (s.lab, s.lab.epoch, s.lab.config, s.build) == (before[0], before[1], before[2], before[4])
    assert np.array_equal(s.lab.gan.G.params, before[3])
    assert run(s, cmd="train", epochs=3)["metrics"]["epoch"] == 8     # and it still trains


@pytest.mark.parametrize("counters", [["a", "b", "c"], [1, 2], [-1, 0, 0], [1.5, 0, 0], [True, 0, 0], "37"])
def test_load_refuses_bad_counters(counters):
    refused_and_unchanged(meta_with(["counters"], counters), "counters")


@pytest.mark.parametrize("stream", ["real", "noise"])
@pytest.mark.parametrize("pos", [10 ** 9, -150, 75, 1.5, None])
def test_load_refuses_bad_stream_positions(stream, pos):
    refused_and_unchanged(meta_with([stream, "pos"], pos), "position")


@pytest.mark.parametrize("path, value", [
    (["real", "batch"], 0), (["noise", "batch"], 151),
    (["real", "block_state", "bit_generator"], "MT19937"),
    (["noise", "block_state", "state", "state"], -1),
    (["noise", "block_state", "state", "inc"], "x"),
    (["real", "block_state", "uinteger"], 2 ** 40),
    (["real", "block_state"], None),
    (["noise"], [1, 2, 3]),
])
def test_load_refuses_bad_random_streams(path, value):
    refused_and_unchanged(meta_with(path, value), "stream")


@pytest.mark.parametrize("changes, words", [
    ({"opt_d.m": np.full(111, np.nan, np.float32)}, "do not fit"),        # wrong length
    ({"opt_g.v": None}, "optimizer state does not fit"),                  # missing
    ({"opt_g.extra": np.zeros(3, np.float32)}, "do not fit"),             # unknown entry
    ({"opt_g.t": np.array(1.5)}, "step count"),
    ({"opt_g.t": np.array(-3)}, "step count"),
    ({"d_params": np.zeros((3, 3), np.float32)}, "do not fit"),
    ({"g_params": np.array(["a"] * 3)}, "do not fit"),
])
def test_load_refuses_optimizer_state_and_weights_that_do_not_fit(changes, words):
    refused_and_unchanged(arrays_with(**changes), words)


def test_a_save_without_any_optimizer_state_loads_with_fresh_optimizers():
    """As the shipped pretrained models are: weights kept, Adam starts afresh."""
    meta, parts = saved_parts()
    weights = {k: v for k, v in parts.items() if not k.startswith("opt_")}
    lab = Lab.load(doctored(meta, weights))
    assert np.array_equal(lab.gan.G.params, parts["g_params"]) and lab.epoch == 37
    assert int(lab.gan.opt_g.state()["t"]) == 0 and not lab.gan.opt_d.state()["m"].any()
    assert np.isfinite(lab.train(5)["kl"])
    again = Lab.load(lab.save(moments=False))           # the same file, as Lab.save makes it
    assert np.array_equal(again.gan.G.params, lab.gan.G.params) and int(again.gan.opt_g.state()["t"]) == 0


def test_load_refuses_non_finite_or_negative_moments():
    meta, parts = saved_parts()
    for key, value in (("opt_d.m", np.nan), ("opt_g.v", np.inf), ("opt_g.v", -1.0)):
        bad = dict(parts)
        bad[key] = np.full_like(parts[key], value)
        refused_and_unchanged(doctored(meta, bad), "finite" if np.isnan(value) or np.isinf(value) else "negative")


@pytest.mark.parametrize("path, value, words", [
    (["config"], "gaussians", "settings are invalid"),
    (["config", "batch_size"], "150", "batch_size"),
    (["config", "learning_rate_d"], float("nan"), "learning_rate_d"),
    (["optimizers"], ["sgd", "sgd"], "optimizer state"),
])
def test_load_refuses_bad_settings(path, value, words):
    refused_and_unchanged(meta_with(path, value), words)


def test_load_refuses_a_file_missing_a_field():
    meta, parts = saved_parts()
    del meta["noise"]
    refused_and_unchanged(doctored(meta, parts), "lacks noise")


def test_load_refuses_a_zip_bomb_after_reading_little():
    meta, parts = saved_parts()
    blob = doctored(meta, {**parts, "opt_d.m": np.zeros(50_000_000, np.float32)})   # 200 MB unpacked
    assert len(blob) < 1_000_000
    refused_and_unchanged(blob, "unpacks to more than 16 MB")


def test_load_refuses_a_zip_whose_sizes_lie():
    """The declared sizes of a zip's entries are not trusted: reading stops at the cap."""
    meta, parts = saved_parts()
    blob = bytearray(doctored(meta, {**parts, "opt_d.m": np.zeros(6_000_000, np.float32)}))
    index = blob.rfind(b"opt_d.m.npy")
    # the central directory's uncompressed size is 4 bytes, 24 bytes before the file name
    header = blob.rfind(b"PK\x01\x02", 0, index)
    blob[header + 24:header + 28] = (100).to_bytes(4, "little")
    refused_and_unchanged(bytes(blob), "not a ganlab_wasm experiment")


def test_load_refuses_a_file_over_20_mb_before_reading_it():
    refused_and_unchanged(b"PK" + bytes(20 * 1024 * 1024), "too large")


def test_a_genuine_save_still_loads_and_resumes_exactly():
    for optimizer in ("sgd", "momentum", "adam", "rmsprop"):
        meta, parts = saved_parts(optimizer)
        lab = Lab.load(doctored(meta, parts))
        again = Lab.load(doctored(meta, parts, compress=False))
        assert lab.epoch == again.epoch == 37
        assert lab.train(20) == again.train(20)


class CountedPoints(list):
    """A list that records whether anything walked through its items."""
    walked = False

    def __iter__(self):
        CountedPoints.walked = True
        return super().__iter__()


def test_too_many_drawn_points_are_refused_by_counting_first():
    from ganlab_wasm.config import Config, ConfigError
    points = CountedPoints([[0.5, 0.5]] * 100_000)
    with pytest.raises(ConfigError, match="100000 points; at most 2000"):
        Config().replace(distribution="drawn", points=points)
    assert not CountedPoints.walked
    reply = run(Session(), cmd="set", params={"distribution": "drawn", "points": [[0.5, 0.5]] * 100_000})
    assert not reply["ok"] and "at most 2000" in reply["error"]


def test_a_lost_gpu_is_never_described_as_lost_while_still_in_use():
    """The state the page reads between the loss and the next slice."""
    from test_backends import LARGE, FakeBridge, fake_gpu
    from ganlab_wasm.accel import Accelerator
    from ganlab_wasm.config import Config

    lab = Lab(Config(**LARGE))
    accel = Accelerator()
    accel.adopt(lab)
    gpu = fake_gpu(FakeBridge(fail_after=30))
    accel.attach_gpu(gpu)
    accel.prepare(lab, "gpu")
    assert accel.describe()["using"] == "gpu"
    lab.train(3)                                  # lost mid-run; no prepare() since
    described = accel.describe()
    assert described["gpu"] == "lost" and described["using"] != "gpu", described
    assert "lost" in described["note"] and "GPU" not in described["label"]
