"""The worker runtime end to end, on the minimal page: play, pause, bad
settings, divergence, and training that carries on while the page is busy.
(The `page` fixture fails any test whose page logs a console error or
requests anything from another origin.)"""

import json

import pytest

from ganlab_wasm.schema import SETTINGS

DEFAULTS = {s.name: s.default for s in SETTINGS}

PAGE = "minimal.html"


def open_lab(page, url):
    page.goto(url + PAGE)
    page.evaluate("ganlab.ready")
    page.wait_for_function("ganlab.client.framesReceived > 0")
    return page


def refreshed(page):
    return page.evaluate("ganlab.refresh()")


def test_play_trains_and_pause_stops(page, site_url):
    open_lab(page, site_url)
    assert page.text_content("#epoch") == "0"
    start_kl = refreshed(page)["kl"]
    page.evaluate("ganlab.set({speed: 'fast'})")
    page.click("#play")
    page.wait_for_function("ganlab.state().epoch > 300")
    page.wait_for_function("Number(document.querySelector('#epoch').textContent) > 300")
    page.click("#play")                                   # the same button pauses
    page.wait_for_function("!ganlab.state().playing")
    stopped = refreshed(page)
    assert stopped["kl"] != start_kl and not stopped["playing"]
    page.wait_for_timeout(700)
    assert refreshed(page)["epoch"] == stopped["epoch"]
    assert page.text_content("#play") == "Play"


def test_step_levels(page, site_url):
    open_lab(page, site_url)
    n = page.evaluate("ganlab.state().options.step_updates")
    assert n == page.evaluate("ganlab.schema.options.find(o => o.name === 'step_updates').default") > 1
    page.evaluate("ganlab.step('d')")
    page.evaluate("ganlab.step('g')")
    state = page.evaluate("ganlab.step('epoch').then(() => ganlab.refresh())")
    assert (state["epoch"], state["d_updates"], state["g_updates"]) == (1, n + 2, n + 1)
    state = page.evaluate("ganlab.set({step_updates: 1}).then(() => ganlab.step('d')).then(() => ganlab.refresh())")
    assert state["d_updates"] == n + 3                   # GAN Lab's single update
    error = page.evaluate("ganlab.step('both').then(() => 'ok', e => e.message)")
    assert "level must be one of epoch, d, g" in error   # the schema's check of step's argument


def test_bad_settings_are_refused_and_training_continues(page, site_url):
    open_lab(page, site_url)
    page.evaluate("ganlab.set({speed: 'fast'}).then(() => ganlab.play())")
    page.wait_for_function("ganlab.state().epoch > 50")
    for bad, words in [("{learning_rate_d: 99}", "learning_rate_d must be between"),
                       ("{g_layers: 2.5}", "g_layers must be a whole number"),
                       ("{colour: 'red'}", "unknown setting"),
                       ("{distribution: 'drawn'}", "at least 10 points"),
                       ("{speed: 'warp'}", "speed must be one of")]:
        message = page.evaluate(f"ganlab.set({bad}).then(() => 'accepted', e => e.message)")
        assert words in message, (bad, message)
    before = refreshed(page)
    assert before["playing"] and before["config"]["learning_rate_d"] == DEFAULTS["learning_rate_d"]
    page.wait_for_timeout(500)
    assert refreshed(page)["epoch"] > before["epoch"]


def test_divergence_is_reported_and_the_lab_recovers(page, site_url):
    open_lab(page, site_url)
    page.evaluate("ganlab.set({loss: 'lsgan', optimizer_g: 'sgd', optimizer_d: 'sgd', learning_rate_d: 10, learning_rate_g: 10, speed: 'fast'})"
                  ".then(() => ganlab.play())")
    page.wait_for_function("document.querySelector('#message').textContent.includes('diverged')")
    state = refreshed(page)
    assert not state["playing"]
    assert all(state[k] is not None for k in ("d_loss", "g_loss", "kl", "js"))
    stopped = state["epoch"]
    page.evaluate("ganlab.set({learning_rate_d: 0.05, learning_rate_g: 0.05}).then(() => ganlab.play())")
    page.wait_for_function(f"ganlab.state().epoch > {stopped + 100}")


def test_the_worker_trains_while_the_main_thread_is_busy(page, site_url):
    open_lab(page, site_url)
    page.evaluate("ganlab.set({speed: 'fast'}).then(() => ganlab.play())")
    page.wait_for_function("ganlab.state().epoch > 20")
    # the pace with the page free, then with the page's thread blocked for as
    # long: the worker trains on by itself, so the two are alike (a worker
    # that waited for the page would manage one slice)
    start = refreshed(page)["epoch"]
    page.wait_for_timeout(1500)
    before = refreshed(page)["epoch"]
    page.evaluate("() => { const end = performance.now() + 1500; while (performance.now() < end) {} }")
    after = refreshed(page)["epoch"]
    assert after - before > 0.5 * (before - start) > 0, (start, before, after)


def test_frames_are_paced_by_the_page(page, site_url):
    open_lab(page, site_url)
    page.evaluate("ganlab.set({speed: 'fast'}).then(() => ganlab.play())")
    page.wait_for_timeout(500)
    frames = page.evaluate("""async () => {
        const start = ganlab.client.framesReceived;
        await new Promise(r => setTimeout(r, 2000));
        return (ganlab.client.framesReceived - start) / 2;
    }""")
    assert 5 < frames <= 65, frames                   # drawn at the display's rate, never faster
    page.evaluate("ganlab.pause()")
    idle = page.evaluate("""async () => {
        await new Promise(r => setTimeout(r, 300));
        const start = ganlab.client.framesReceived;
        await new Promise(r => setTimeout(r, 1000));
        return ganlab.client.framesReceived - start;
    }""")
    assert idle == 0                                   # paused and unchanged: no frames


def test_save_and_load_through_the_worker(page, site_url):
    open_lab(page, site_url)
    result = page.evaluate("""async () => {
        await ganlab.set({speed: 'fast'});
        for (let i = 0; i < 20; i++) await ganlab.step('epoch');
        const bytes = await ganlab.save();
        for (let i = 0; i < 5; i++) await ganlab.step('epoch');
        const expected = (await ganlab.refresh()).kl;
        await ganlab.load(bytes);
        const loaded = (await ganlab.refresh()).epoch;
        for (let i = 0; i < 5; i++) await ganlab.step('epoch');
        const garbage = await ganlab.load(new Uint8Array([1, 2, 3])).then(() => 'ok', e => e.message);
        return {loaded, expected, again: (await ganlab.refresh()).kl, garbage,
                epoch: (await ganlab.refresh()).epoch};
    }""")
    assert result["loaded"] == 20 and result["epoch"] == 25
    assert result["again"] == pytest.approx(result["expected"], abs=0)
    assert "not a ganlab_wasm experiment" in result["garbage"]


def test_plays_under_a_sub_path(page, serve_dist):
    open_lab(page, serve_dist("/ganlab/"))
    page.evaluate("ganlab.set({speed: 'fast'}).then(() => ganlab.play())")
    page.wait_for_function("ganlab.state().epoch > 100")
    assert all("/ganlab/" in url for url in page.watch.requests if "localhost" in url)


SAME_BITS = """ganlabPyodide.runPython(`
import json
import numpy as np
import ganlab_wasm.accel as accel_module
from ganlab_wasm import Config, Lab
accel_module.SWITCH_GAIN = 1e9          # rigged: every path that may run, wins
try:
    config = Config(g_layers=2, g_neurons=32, d_layers=3, d_neurons=64, batch_size=128, k_d=1, seed=5)
    lab = Lab(config)
    accel = accel_module.Accelerator()
    accel.adopt(lab)
    accel._best_plan = lambda lab, plans: "cpu" if "cpu" in plans else "numpy"
    accel.prepare(lab, "cpu")
    lab.train(6, report=False)
    reference = Lab(config)
    reference.train(6, report=False)
    same = all(np.array_equal(getattr(lab.gan, n).params, getattr(reference.gan, n).params) for n in ("G", "D"))
    rows = accel.describe(full=True)["timings"]
    result = json.dumps({"same": same, "using": accel.using,
                         "einsum": [r["shape"] for r in rows if "einsum_ms" in r and r["k"] > 1],
                         "refused": [r["shape"] for r in rows if "einsum_ms" not in r]})
finally:
    accel_module.SWITCH_GAIN = 0.9
result
`)"""


def test_the_cpu_fast_path_trains_numpys_bits_in_pyodide(page, site_url):
    """Pyodide's numpy has no BLAS, and einsum's axpy sums in its order: the
    fast path may run wherever it gives the same bits, and is refused where
    it would not (einsum reading a transposed B in place sums as dot
    products). So which path the timing picks never changes a run."""
    open_lab(page, site_url)
    result = json.loads(page.workers[0].evaluate(SAME_BITS))
    assert result["using"] == "cpu" and result["same"], result
    assert len(result["einsum"]) >= 3, result          # forward, input and weight gradients all on einsum
