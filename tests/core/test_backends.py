"""The matmul seam's other backends, in CPython: the faster CPU formulation,
the GPU backend's Python side (driven by a stand-in for web/gpu/bridge.js that reads
and writes the operands at their addresses, as the real bridge does in wasm
memory), and the chooser: what it picks, that calibrating changes no result,
and that a lost or missing GPU falls back to the CPU."""

import ctypes
import json
import time

import numpy as np
import pytest

from ganlab_wasm import Config, Lab
from ganlab_wasm.accel import SMALL, Accelerator, einsum_matmul
from ganlab_wasm.session import Session
from ganlab_wasm.webgpu import GpuMatmul

LARGE = dict(g_layers=3, g_neurons=64, d_layers=3, d_neurons=64, batch_size=256, k_d=1)


def layouts(rng, m, k, n):
    """(a, b) in each layout the model passes: row-major, or the .T of a row-major array."""
    x = rng.standard_normal((m, k), dtype=np.float32)
    y = rng.standard_normal((k, n), dtype=np.float32)
    xt = np.ascontiguousarray(x.T)
    yt = np.ascontiguousarray(y.T)
    return [(x, y), (xt.T, y), (x, yt.T), (xt.T, yt.T)]


@pytest.mark.parametrize("m,k,n", [(1, 1, 1), (7, 3, 5), (64, 65, 63), (150, 8, 8), (1, 300, 64), (300, 1, 2)])
def test_einsum_matmul_matches_matmul_in_every_layout(m, k, n):
    rng = np.random.default_rng(m * 1000 + k * 10 + n)
    for a, b in layouts(rng, m, k, n):
        want = a.astype(np.float64) @ b.astype(np.float64)
        np.testing.assert_allclose(einsum_matmul(a, b), want, rtol=1e-5, atol=1e-5 * np.sqrt(k))
        out = np.empty((m, n), np.float32)
        assert einsum_matmul(a, b, out) is out
        np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-5 * np.sqrt(k))


class FakeBridge:
    """Stands in for web/gpu/bridge.js's bridge: reads the operands at their
    addresses, writes the product at out's address (in float64, so a summation
    order other than numpy's, like the GPU's), and returns a 'promise'."""

    def __init__(self, fail_after=None, delay=0.0):
        self.calls = []
        self.fail_after = fail_after
        self.delay = delay

    @staticmethod
    def _view(address, rows, cols):
        buffer = (ctypes.c_float * (rows * cols)).from_address(address)
        return np.ctypeslib.as_array(buffer).reshape(rows, cols)

    def matmul(self, a, b, out, m, k, n, trans_a, trans_b):
        if self.fail_after is not None and len(self.calls) >= self.fail_after:
            raise RuntimeError("GpuLost: the GPU device was lost (destroyed)")
        self.calls.append((m, k, n, trans_a, trans_b))
        if self.delay:
            time.sleep(self.delay)
        A = self._view(a, k, m).T if trans_a else self._view(a, m, k)
        B = self._view(b, n, k).T if trans_b else self._view(b, k, n)
        self._view(out, m, n)[...] = A.astype(np.float64) @ B.astype(np.float64)
        return "promise"


def fake_gpu(bridge=None, can_wait=True):
    bridge = bridge or FakeBridge()
    return GpuMatmul(bridge, run_sync=lambda promise: promise, can_run_sync=lambda: can_wait)


@pytest.mark.parametrize("m,k,n", [(1, 1, 1), (33, 17, 65), (128, 64, 1), (5, 200, 7)])
def test_gpu_backend_sends_each_layout_without_copies(m, k, n):
    rng = np.random.default_rng(k)
    gpu = fake_gpu()
    for a, b in layouts(rng, m, k, n):
        want = a.astype(np.float64) @ b.astype(np.float64)
        np.testing.assert_allclose(gpu(a, b), want, rtol=1e-5, atol=1e-5)
        out = np.full((m, n), np.nan, np.float32)
        assert gpu(a, b, out) is out
        np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-5)
    flags = {(ta, tb) for (_, _, _, ta, tb) in gpu.bridge.calls}
    if m > 1 and k > 1 and n > 1:          # vectors are contiguous both ways: sent as they are
        assert flags == {(False, False), (True, False), (False, True), (True, True)}
    assert gpu.calls == 8 and gpu.cpu_calls == 0


def test_gpu_backend_writes_into_a_strided_out_and_copies_odd_operands():
    rng = np.random.default_rng(1)
    gpu = fake_gpu()
    a = rng.standard_normal((20, 30), dtype=np.float32)[:, ::3]          # neither C nor F
    b = rng.standard_normal((10, 4), dtype=np.float32)
    big = np.zeros((20, 8), np.float32)
    out = big[:, ::2]
    assert gpu(a, b, out) is out
    np.testing.assert_allclose(out, a @ b, rtol=1e-5, atol=1e-5)
    assert np.all(big[:, 1::2] == 0)


def test_gpu_backend_uses_the_cpu_when_it_cannot_wait_or_for_other_dtypes():
    gpu = fake_gpu(can_wait=False)
    a, b = np.ones((4, 3), np.float32), np.ones((3, 2), np.float32)
    np.testing.assert_array_equal(gpu(a, b), a @ b)
    assert gpu.calls == 0 and gpu.cpu_calls == 1 and not gpu.usable()
    gpu = fake_gpu()
    np.testing.assert_array_equal(gpu(a.astype(np.float64), b), a @ b)
    assert gpu.calls == 0 and gpu.cpu_calls == 1


def test_a_lost_device_falls_back_and_stays_on_the_cpu():
    gpu = fake_gpu(FakeBridge(fail_after=2))
    a, b = np.ones((4, 3), np.float32), np.ones((3, 2), np.float32)
    for _ in range(4):
        np.testing.assert_array_equal(gpu(a, b), a @ b)
    assert gpu.calls == 2 and gpu.cpu_calls == 2
    assert "lost" in gpu.lost and not gpu.usable()


def state_arrays(lab):
    s = lab.gan.state()
    return [s["g_params"], s["d_params"], *s["opt_g"].values(), *s["opt_d"].values()], \
        (s["counters"], s["real"]["pos"], s["noise"]["pos"])


def test_small_model_keeps_plain_numpy_matmul_with_no_wrapper():
    # GAN Lab's 2 x 8 model (the page's default used to be this; today's
    # default D, 3 x 32, is big enough to be timed once per shape)
    lab = Lab(Config(g_neurons=8, d_layers=2, d_neurons=8))
    accel = Accelerator()
    accel.adopt(lab)
    accel.prepare(lab, "auto")
    assert accel.backend.matmul is np.matmul          # not a wrapper: the small model's speed is untouched
    assert lab.gan.G.backend is accel.backend and lab.gan.D.backend is accel.backend
    assert accel.describe()["using"] == "numpy"
    # nothing in the small model is big enough to be timed at all
    assert accel.report == [] and accel.epoch_rates == {}


def test_calibration_changes_nothing_in_the_run():
    lab = Lab(Config(**LARGE, seed=4))
    lab.train(3)
    before, counters = state_arrays(lab)
    accel = Accelerator()
    accel.adopt(lab)
    assert accel.prepare(lab, "auto")
    after, counters_after = state_arrays(lab)
    assert counters == counters_after
    for x, y in zip(before, after):
        np.testing.assert_array_equal(x, y)
    assert accel.report, "the large model's products should have been timed"
    assert not accel.prepare(lab, "auto"), "nothing changed: no second calibration"
    lab.update(batch_size=128)
    assert accel.prepare(lab, "auto"), "a new batch size means new shapes"


def test_forced_gpu_trains_like_numpy_over_100_epochs():
    config = Config(**LARGE, seed=2)
    reference = Lab(config)
    reference.train(100)
    lab = Lab(config)
    accel = Accelerator()
    accel.adopt(lab)
    gpu = fake_gpu()
    accel.attach_gpu(gpu, {"adapter": "fake"})
    assert accel.wants_promising("gpu")
    accel.prepare(lab, "gpu")
    lab.train(100)
    assert accel.describe()["using"] == "gpu" and accel.describe()["adapter"] == "fake"
    assert gpu.calls > 100 * 30 and gpu.cpu_calls == 0
    for net in ("G", "D"):
        got, want = getattr(lab.gan, net).params, getattr(reference.gan, net).params
        assert np.max(np.abs(got - want)) <= 1e-3 * max(1.0, np.max(np.abs(want)))


def test_auto_never_picks_a_slow_gpu_and_cpu_mode_never_times_it():
    lab = Lab(Config(**LARGE))
    accel = Accelerator()
    accel.adopt(lab)
    bridge = FakeBridge(delay=0.02)            # a round trip far slower than any product here, even on a busy machine
    accel.attach_gpu(fake_gpu(bridge))
    accel.prepare(lab, "cpu")
    assert bridge.calls == [] and not accel.wants_promising()
    accel.prepare(lab, "auto")
    described = accel.describe(full=True)
    assert described["using"] != "gpu" and "gpu" not in described["plan"].values()
    # biggest product first; once the GPU has clearly lost it is not timed again
    assert sum(1 for row in described["timings"] if "gpu_ms" in row) == 1
    assert len(bridge.calls) <= 3
    assert not accel.wants_promising()
    assert described["note"] == "The CPU is faster than the GPU for this model."


BIGGEST = dict(g_layers=6, g_neurons=100, d_layers=6, d_neurons=100, k_d=1, k_g=1)


def test_a_big_model_times_the_gpu_a_measurement_per_slice_and_only_in_promising_calls(monkeypatch):
    # issue 11, defect 5: a big model's calibration, the GPU's included, never
    # holds the worker for more than one measurement
    from ganlab_wasm.accel import LONG_EPOCH_MACS, epoch_macs
    assert epoch_macs(Config(**BIGGEST)) > LONG_EPOCH_MACS
    monkeypatch.setattr(Accelerator, "_epochs", lambda *a: pytest.fail("timed whole epochs in one call"))
    timed = []
    real_time = Accelerator._time
    monkeypatch.setattr(Accelerator, "_time", lambda self, call, **kw: timed.append(kw.get("gpu", False))
                        or real_time(self, call, **kw))
    can_wait = [False]
    bridge = FakeBridge()
    s = Session()
    s.accel.attach_gpu(GpuMatmul(bridge, run_sync=lambda promise: promise, can_run_sync=lambda: can_wait[0]))
    run = lambda **m: json.loads(s.command(json.dumps(m)))   # noqa: E731
    run(cmd="set", params={**BIGGEST, "speed": "fast"})
    run(cmd="play")
    for _ in range(3):                              # not promising: it trains, times nothing, asks for a call
        assert json.loads(s.tick(5)).get("promising") is True
    assert timed == [] and bridge.calls == []
    can_wait[0] = True
    ticks = 0
    while s.accel._job is not None or ticks == 0:
        before = len(timed)
        status = json.loads(s.tick(5))
        ticks += 1
        assert len(timed) - before <= 1               # at most one measurement per slice
        if s.accel._job is not None:
            assert status.get("promising") is True     # the GPU's timings need promising calls
    assert s.accel.calibrations == 1 and any(timed) and ticks > len(s.accel.report)
    assert any("gpu_ms" in row for row in s.accel.report)
    assert s.lab.epoch >= 2 and s.accel.describe()["using"] in ("numpy", "cpu", "gpu")


def test_gpu_waits_for_a_promising_call_and_a_lost_gpu_falls_back():
    lab = Lab(Config(**LARGE))
    accel = Accelerator()
    accel.adopt(lab)
    waiting = fake_gpu(FakeBridge(fail_after=50), can_wait=False)
    accel.attach_gpu(waiting)
    accel.prepare(lab, "gpu")                     # can't wait for the GPU here: CPU for now, ask for promising
    assert accel.wants_promising() and accel.using != "gpu"
    waiting.can_wait = lambda: True               # now inside a promising call
    accel.prepare(lab, "gpu")
    assert accel.using == "gpu" and accel.backend.matmul is waiting
    lab.train(5)                                  # the device is lost during the second epoch
    assert waiting.lost and waiting.calls == 50
    accel.prepare(lab, "gpu")
    described = accel.describe()
    assert described["gpu"] == "lost" and "lost" in described["note"] and described["using"] != "gpu"
    assert not accel.wants_promising("gpu")
    assert np.isfinite(lab.gan.G.params).all() and lab.epoch == 5


def test_session_option_header_and_missing_webgpu():
    session = Session()
    assert json.loads(session.command('{"cmd": "set", "params": {"backend": "tpu"}}'))["error"] \
        == "backend must be one of auto, cpu, gpu, numpy; got 'tpu'"
    session.gpu_unavailable("this browser has no WebGPU")
    reply = json.loads(session.command('{"cmd": "set", "params": {"backend": "gpu", "speed": "fast"}}'))
    assert reply["ok"] and reply["options"]["backend"] == "gpu"
    session.command('{"cmd": "play"}')
    status = json.loads(session.tick(20))
    assert status["epochs"] > 0 and "promising" not in status
    header = json.loads(session.frame()[0])
    compute = header["compute"]
    assert compute["requested"] == "gpu" and compute["using"] == "numpy" and compute["gpu"] == "unavailable"
    assert compute["note"] == "WebGPU is not available (this browser has no WebGPU); training on the CPU."
    state = json.loads(session.command('{"cmd": "state"}'))
    assert state["compute"]["label"] == "CPU (numpy)" and "plan" in state["compute"]


def test_session_asks_for_promising_calls_once_a_gpu_is_attached():
    session = Session()
    assert session.tick(5) == '{"playing": false, "epochs": 0}'
    session.accel.attach_gpu(fake_gpu(can_wait=False))
    assert json.loads(session.tick(5)) == {"playing": False, "epochs": 0, "promising": True}
    session.command('{"cmd": "set", "params": {"backend": "cpu"}}')
    assert session.tick(5) == '{"playing": false, "epochs": 0}' and not session.wants_promising()


def test_small_threshold_covers_gan_labs_model():
    """Every product of GAN Lab's 2 x 8 model is below SMALL (so it is never timed or wrapped)."""
    lab = Lab(Config(g_neurons=8, d_layers=2, d_neurons=8))
    accel = Accelerator()
    accel.adopt(lab)
    shapes = accel._record(lab)
    assert max(s.macs for s in shapes.values()) < SMALL



BIG = dict(g_layers=4, g_neurons=100, d_layers=4, d_neurons=100, batch_size=512, k_d=1)   # calibrated in steps


@pytest.mark.parametrize("settings", [LARGE, BIG], ids=["at-once", "in-steps"])
def test_the_timing_decides_speed_never_numbers(monkeypatch, settings):
    """Whichever CPU path wins the timing, the run is numpy's bit for bit, so a
    link opened in another browser (another timing) trains the same numbers.
    Rigged so that every candidate wins: one that rounds differently (einsum's
    dot-product layouts; here, einsum against BLAS) must not be a candidate."""
    import ganlab_wasm.accel as accel_module
    monkeypatch.setattr(accel_module, "SWITCH_GAIN", 1e9)
    def rigged(self, lab, plans):
        return "cpu" if "cpu" in plans else "numpy"
        yield                                # (a generator of steps, as _best_plan_steps)
    monkeypatch.setattr(Accelerator, "_best_plan_steps", rigged)
    config = Config(**settings, seed=3)
    assert (accel_module.epoch_macs(config) > accel_module.LONG_EPOCH_MACS) == (settings is BIG)
    lab = Lab(config)
    accel = Accelerator()
    accel.adopt(lab)
    for _ in range(200):                    # a calibration in steps takes a step per slice
        accel.prepare(lab, "cpu")
        lab.train(1, report=False)
        if accel.report and accel._job is None:
            break
    accel.prepare(lab, "cpu")
    lab.train(3, report=False)              # and a few epochs on the plan it settled on
    assert accel.calibrations == 1 and accel._job is None
    assert any(row["chosen"] == "einsum" for row in accel.report), "rigged: einsum wins where it may"
    reference = Lab(config)
    reference.train(lab.epoch, report=False)
    for x, y in zip(state_arrays(lab)[0], state_arrays(reference)[0]):
        np.testing.assert_array_equal(x, y)
