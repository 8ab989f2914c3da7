"""Saving, loading and the shipped pretrained models."""

import io

import numpy as np
import pytest

from ganlab_wasm import Config, Lab, LoadError
from ganlab_wasm.data import PRESETS


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "rmsprop"])
def test_save_then_load_resumes_the_same_run(optimizer):
    lab = Lab(Config(distribution="ring", optimizer_g=optimizer, optimizer_d=optimizer,
                     learning_rate_g=0.01, learning_rate_d=0.01, seed=5))
    lab.train(137)                                  # mid-block in the batch streams
    blob = lab.save()
    expected = lab.train(60)
    restored = Lab.load(blob)
    assert restored.epoch == 137 and restored.config == lab.config
    assert restored.train(60) == expected
    assert np.array_equal(restored.gan.G.params, lab.gan.G.params)


def test_drawn_points_survive_a_round_trip():
    points = [(0.1 * i, 0.5) for i in range(1, 10)] + [(0.5, 0.9)]
    lab = Lab(Config(distribution="drawn", points=points))
    lab.train(10)
    assert Lab.load(lab.save()).config.points == lab.config.points


@pytest.mark.parametrize("blob", [b"", b"not a file", b"PK\x03\x04garbage", bytes(range(256)) * 10])
def test_garbage_is_refused_clearly(blob):
    with pytest.raises(LoadError, match="not a ganlab_wasm experiment"):
        Lab.load(blob)


def test_foreign_and_tampered_files_are_refused():
    other = io.BytesIO()
    np.savez(other, weights=np.zeros(3))
    with pytest.raises(LoadError):
        Lab.load(other.getvalue())

    lab = Lab()
    good = dict(np.load(io.BytesIO(lab.save())))

    def tampered(**changes):
        out = io.BytesIO()
        np.savez(out, **{**good, **changes})
        return out.getvalue()

    with pytest.raises(LoadError, match="do not fit"):
        Lab.load(tampered(g_params=np.zeros(5, np.float32)))
    with pytest.raises(LoadError, match="not finite"):
        Lab.load(tampered(d_params=np.full_like(good["d_params"], np.nan)))
    bad_meta = good["meta"].tobytes().replace(b'"g_layers": 2', b'"g_layers": 99')
    with pytest.raises(LoadError, match="g_layers"):
        Lab.load(tampered(meta=np.frombuffer(bad_meta, np.uint8)))


@pytest.mark.parametrize("name", PRESETS)
def test_pretrained_models_load_converged(name):
    lab = Lab.pretrained(name)
    fresh = Lab(lab.config)
    assert lab.config.distribution == name and lab.epoch >= 1000
    assert lab.metrics()["kl"] < 0.5 * fresh.metrics()["kl"]
    lab.train(10)                                    # and it trains on from there


def test_missing_pretrained_model():
    with pytest.raises(LoadError, match="no pretrained model"):
        Lab.pretrained("drawn")
