"""The worker's commands for side-by-side runs, rewind and own data."""

import json

import numpy as np

from ganlab_wasm import Comparison, Config, Lab
from ganlab_wasm.session import Session


def send(session, cmd, **args):
    return json.loads(session.command(json.dumps({"cmd": cmd, **args})))


def header(session):
    return json.loads(session.frame()[0])


def test_compare_trains_every_run_like_separate_labs_and_frames_carry_them():
    s = Session(Config(seed=4, k_d=1))
    send(s, "train", epochs=30)
    reply = send(s, "compare", vary="k_d", values=[3])
    assert reply["ok"] and reply["compare"]["runs"][1]["differences"] == {"k_d": 3}
    assert s.lab.epoch == 0                               # both from epoch 0, same seed
    send(s, "train", epochs=60)
    send(s, "step")
    for config, lab in zip([Config(seed=4, k_d=1), Config(seed=4, k_d=3)], s.comparison.labs):
        ref = Lab(config)
        ref.train(61)
        assert np.array_equal(ref.gan.G.params, lab.gan.G.params)
    h = header(s)
    assert h["compare"]["vary"] == "k_d" and len(h["compare"]["metrics"]) == 2
    assert h["compare"]["metrics"][1]["updates"] == 61 * 4 and h["compare"]["metrics"][0]["updates"] == 61 * 2
    shapes = {name: shape for name, _, shape in h["arrays"]}
    assert shapes["runs_fake"] == [1, 450, 2] and shapes["runs_heatmap"] == [1, 20, 20]


def test_compare_settings_go_to_every_run_except_the_varied_one():
    s = Session(Config(seed=1))
    send(s, "compare", vary="learning_rate_d", values=[0.03, 0.3])
    send(s, "set", params={"learning_rate_g": 0.05, "learning_rate_d": 0.2})
    assert [c.learning_rate_g for c in s.comparison.configs] == [0.05] * 3
    assert [c.learning_rate_d for c in s.comparison.configs] == [0.2, 0.03, 0.3]
    bad = send(s, "set", params={"learning_rate_g": 50})
    assert not bad["ok"] and [c.learning_rate_g for c in s.comparison.configs] == [0.05] * 3


def test_bad_comparisons_are_refused_and_change_nothing():
    s = Session(Config(seed=1))
    send(s, "train", epochs=10)
    for args, words in [({"vary": "k_d", "values": [2]}, "different"),
                        ({"vary": "k_d", "values": [99]}, "D updates per epoch"),
                        ({"vary": "distribution", "values": ["ring"]}, "must be one of"),
                        ({"vary": "k_d", "values": [1, 3, 4, 5]}, "1 to 3"),
                        ({"vary": "k_d", "values": []}, "1 to 3")]:
        reply = send(s, "compare", **args)
        assert not reply["ok"] and words in reply["error"], (args, reply)
    assert s.comparison is None and s.lab.epoch == 10
    send(s, "set", params={"slow_motion": True})
    assert "slow motion" in send(s, "compare", vary="k_d", values=[1])["error"]


def test_compare_saves_loads_and_stops_keeping_a_run():
    s = Session(Config(seed=2))
    send(s, "compare", vary="loss", values=["minimax"])
    send(s, "train", epochs=40)
    blob = s.save_bytes()
    assert Comparison.is_comparison(blob)
    fresh = Session()
    reply = json.loads(fresh.load_bytes(blob))
    assert reply["ok"] and reply["compare"]["vary"] == "loss" and fresh.lab.epoch == 40
    kept = s.comparison.labs[1].gan.G.params.copy()
    send(s, "compare_stop", keep=1)
    assert s.comparison is None and s.lab.config.loss == "minimax" and np.array_equal(s.lab.gan.G.params, kept)
    send(s, "train", epochs=5)
    assert "compare" not in header(s)


def test_rewind_shows_an_earlier_epoch_and_resume_reproduces_the_run():
    s = Session(Config(seed=5, k_d=1))
    send(s, "train", epochs=200)
    end = s.lab.gan.G.params.copy()
    history = send(s, "history")
    assert history["epochs"][:3] == [0, 25, 50] and history["bytes"] > 0
    reply = send(s, "rewind", epoch=110)
    assert reply["viewing"] == 100 and s.lab.epoch == 100
    assert header(s)["history"]["viewing"] == 100
    back = send(s, "rewind_cancel")
    assert back["epoch"] == 200 and np.array_equal(s.lab.gan.G.params, end)
    send(s, "rewind", epoch=100)
    send(s, "resume")
    assert max(send(s, "history")["epochs"]) == 100      # the old future is gone
    send(s, "train", epochs=100)
    assert np.array_equal(s.lab.gan.G.params, end)      # the same numbers again
    assert not send(s, "resume")["ok"]


def test_playing_while_looking_back_resumes_from_there():
    s = Session(Config(seed=5, k_d=1))
    send(s, "train", epochs=100)
    send(s, "rewind", epoch=50)
    send(s, "step")
    assert s.lab.epoch == 51 and header(s)["history"]["viewing"] is None


def test_load_points_makes_a_drawn_distribution_and_refuses_bad_text():
    s = Session()
    text = "x,y\n" + "".join(f"{i},{i * i % 7}\n" for i in range(30)) + "oops\n"
    reply = send(s, "load_points", text=text)
    assert reply["ok"] and reply["points"] == 30 and reply["config"]["distribution"] == "drawn"
    assert any("line 32" in note for note in reply["notes"])
    before = s.lab.config
    bad = send(s, "load_points", text="1,2\n3,4\n")
    assert not bad["ok"] and "only 2 good point" in bad["error"] and "Nothing was changed" in bad["error"]
    assert s.lab.config == before
    assert not send(s, "load_points", text=12)["ok"]


def test_training_cut_into_products_still_snapshots_every_n_epochs(monkeypatch):
    # Every epoch takes the path cut after each product, and a fake clock (0.1 ms
    # a reading) ends most ticks inside an epoch: the next tick starts mid-epoch
    # and finishes several epochs, which must still stop at each due snapshot.
    import ganlab_wasm.session as session_module
    monkeypatch.setattr(session_module, "SLICED_ABOVE", 0.0)
    ticks = iter(range(10 ** 9))
    s = Session(Config(seed=2), clock=lambda: next(ticks) / 10_000)
    s.defer_train = True
    assert send(s, "train", epochs=300)["pending"]
    while not s.train_reply():
        s.tick(12)
    assert s.lab.epoch == 300
    assert s.history.epochs() == list(range(0, 301, s.history.every))
