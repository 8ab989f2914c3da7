"""The GPU path in headless Chromium: the WGSL kernels against numpy (on the
SwiftShader software adapter), a 100-epoch run on the GPU against the numpy
core, and the fallbacks: a lost device and a browser without WebGPU.

These check results, never speed: the software adapter says nothing about a
real GPU's (see benchmarks/bench_gpu.py and docs/gpu.md)."""

import io
import time

import numpy as np
import pytest

from ganlab_wasm import Config, Lab

PAGE = "minimal.html"

KERNEL_CASES = [
    # m, k, n, transA, transB, activation (None: no bias)
    (1, 1, 1, False, False, None),
    (64, 64, 64, False, False, None),         # exactly one tile
    (63, 65, 64, False, False, None),         # around the tile edges
    (65, 17, 130, True, False, None),         # A^T B
    (130, 64, 1, False, True, None),          # A B^T
    (7, 200, 9, True, True, None),
    (129, 31, 67, False, False, "none"),      # bias alone
    (100, 20, 70, False, False, "relu"),
    (33, 70, 45, True, False, "leaky_relu"),
    (90, 5, 66, False, True, "tanh"),
    (1, 300, 64, False, False, None),         # the bias gradient: ones(1, n) @ d
    (300, 2, 64, False, False, "relu"),       # the first layer: 2 inputs
]

RUN_KERNELS = """async (cases) => {
  const { Gpu } = await import('./gpu/bridge.js');
  const gpu = await Gpu.create();
  const results = [];
  for (const c of cases) {
    const out = await gpu.matmul(new Float32Array(c.a), new Float32Array(c.b), c.m, c.k, c.n, {
      transA: c.transA, transB: c.transB,
      bias: c.bias ? new Float32Array(c.bias) : null, activation: c.activation || 'none' });
    results.push(Array.from(out));
  }
  gpu.destroy();
  return { results, info: gpu.info, calls: gpu.calls };
}"""


def reference(case, a, b, bias):
    m, k, n, ta, tb, activation = case
    A = a.reshape(k, m).T if ta else a.reshape(m, k)
    B = b.reshape(n, k).T if tb else b.reshape(k, n)
    c = A.astype(np.float64) @ B.astype(np.float64)
    if activation is not None:
        c = c + bias
        c = {"none": c, "relu": np.maximum(c, 0), "leaky_relu": np.maximum(c, 0.2 * c),
             "tanh": np.tanh(c)}[activation]
    return c


@pytest.mark.webgpu
def test_every_kernel_matches_numpy(page, site_url):
    # an empty page of the site's origin, so that import('./gpu/bridge.js') resolves there
    page.route("**/gpu-kernels.html", lambda route: route.fulfill(
        body='<!doctype html><link rel="icon" href="favicon.svg"><title>kernels</title>',
        content_type="text/html"))
    page.goto(site_url + "gpu-kernels.html")
    rng = np.random.default_rng(6)
    cases, inputs = [], []
    for case in KERNEL_CASES:
        m, k, n, ta, tb, activation = case
        a = rng.standard_normal(m * k).astype(np.float32)
        b = rng.standard_normal(k * n).astype(np.float32)
        bias = rng.standard_normal(n).astype(np.float32) if activation is not None else None
        inputs.append((a, b, bias))
        cases.append({"m": m, "k": k, "n": n, "transA": ta, "transB": tb, "a": a.tolist(), "b": b.tolist(),
                      "bias": None if bias is None else bias.tolist(), "activation": activation})
    done = page.evaluate(RUN_KERNELS, cases)
    assert done["calls"] == len(cases)
    for case, (a, b, bias), got in zip(KERNEL_CASES, inputs, done["results"]):
        m, k, n = case[:3]
        want = reference(case, a, b, bias)
        np.testing.assert_allclose(np.array(got).reshape(m, n), want, rtol=1e-4, atol=2e-6 * k + 1e-6,
                                   err_msg=f"case {case} on {done['info']['adapter']}")


def open_lab(page, url):
    page.goto(url + PAGE)
    page.evaluate("ganlab.ready")
    page.wait_for_function("ganlab.client.framesReceived > 0")


def compute_state(page, until, timeout=60):
    """Poll the worker's state until until(compute) holds; return the whole state."""
    deadline = time.monotonic() + timeout
    while True:
        state = page.evaluate("ganlab.refresh()")
        if until(state["compute"]):
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"compute state never got there: {state['compute']}")
        page.wait_for_timeout(200)


class Counter:
    """A numpy backend that counts the products."""

    def __init__(self):
        self.calls = 0

    def matmul(self, a, b, out=None):
        self.calls += 1
        return np.matmul(a, b, out)


def params_from_save(page):
    blob = bytes(page.evaluate("ganlab.save().then(b => Array.from(b))"))
    with np.load(io.BytesIO(blob)) as npz:
        return npz["g_params"], npz["d_params"]


@pytest.mark.webgpu
def test_training_on_the_gpu_matches_numpy_over_100_epochs(page, site_url):
    open_lab(page, site_url)
    state = compute_state(page, lambda c: c["gpu"] != "none")
    assert state["compute"]["gpu"] == "ready", state["compute"]
    assert state["compute"]["adapter"]
    # a small batch: the software adapter's cost per product grows fast with its size
    page.evaluate("ganlab.set({k_d: 1, batch_size: 16, backend: 'gpu'})")
    state = page.evaluate("ganlab.train(100).then(() => ganlab.refresh())")
    compute = state["compute"]
    assert state["epoch"] == 100
    assert compute["using"] == "gpu" and compute["requested"] == "gpu" and compute["note"] is None

    counter = Counter()
    reference = Lab(Config(), backend=counter)
    reference.update(k_d=1, batch_size=16)        # the same live change, so the same batches
    reference.train(100, report=False)
    assert compute["gpu_calls"] >= counter.calls, compute   # every product of every epoch ran on the GPU
    g, d = params_from_save(page)
    for got, want in ((g, reference.gan.G.params), (d, reference.gan.D.params)):
        assert np.max(np.abs(got - want)) <= 1e-3 * max(1.0, np.max(np.abs(want)))


@pytest.mark.webgpu
def test_auto_keeps_numpy_for_the_default_model_and_a_lost_device_falls_back(page, site_url):
    open_lab(page, site_url)
    compute_state(page, lambda c: c["gpu"] == "ready")
    # GAN Lab's small model (2x8 both): small enough that the chooser never times it
    page.evaluate("ganlab.set({speed: 'fast', d_layers: 2, d_neurons: 8, g_neurons: 8}).then(() => ganlab.play())")
    page.wait_for_function("ganlab.state().epoch > 300")
    compute = page.evaluate("ganlab.refresh()")["compute"]
    assert compute["using"] == "numpy" and compute["gpu_calls"] == 0, compute   # the chooser kept numpy

    page.evaluate("ganlab.set({backend: 'gpu', k_d: 1})")
    compute_state(page, lambda c: c["using"] == "gpu" and c["gpu_calls"] > 50)
    assert len(page.workers) == 1
    page.workers[0].evaluate("self.ganlabGpu.destroy()")
    state = compute_state(page, lambda c: c["gpu"] == "lost")
    assert "lost" in state["compute"]["note"] and state["compute"]["using"] != "gpu"
    assert state["playing"]
    page.wait_for_function(f"ganlab.state().epoch > {state['epoch'] + 200}")   # still training, on the CPU
    assert all(v is not None for v in (state["d_loss"], state["g_loss"]))


def test_without_webgpu_the_lab_trains_on_the_cpu_with_a_note(page, site_url):
    open_lab(page, site_url)
    state = compute_state(page, lambda c: c["gpu"] != "none")
    compute = state["compute"]
    assert compute["gpu"] == "unavailable" and compute["using"] == "numpy"
    assert compute["note"].startswith("WebGPU is not available (")
    error = page.evaluate("ganlab.set({backend: 'tpu'}).then(() => 'accepted', e => e.message)")
    assert "backend must be one of auto, cpu, gpu, numpy" in error
    page.evaluate("ganlab.set({backend: 'gpu'})")
    state = page.evaluate("ganlab.train(50).then(() => ganlab.refresh())")
    assert state["epoch"] == 50 and state["compute"]["requested"] == "gpu"
    assert state["compute"]["using"] != "gpu" and "training on the CPU" in state["compute"]["note"]
