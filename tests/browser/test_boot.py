"""The smoke page boots Pyodide + numpy + ganlab_wasm, from the root and from a sub-path;
the build refuses tampered wheels; the test server and the harness behave."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STAGES = ["interpreter", "numpy", "package", "ready"]
RESULTS = ROOT / "test-results"


def boot(page, url: str, version: str) -> list[dict]:
    """Open boot.html under url, wait for the worker to finish, return its messages."""
    page.goto(url + "boot.html")
    page.wait_for_selector("#status:not([data-state='booting'])")
    status = page.inner_text("#status")
    assert page.get_attribute("#status", "data-state") == "ready", status
    assert status.startswith(f"ready, ganlab_wasm {version} ")
    return page.evaluate("window.bootLog")


def check_boot_log(log: list[dict], version: str) -> dict:
    progress = [m for m in log if m["type"] == "progress"]
    assert [m["stage"] for m in progress] == STAGES
    fractions = [m["fraction"] for m in progress]
    assert fractions == sorted(fractions) and 0 <= fractions[0] and fractions[-1] == 1
    assert all(m["message"] for m in progress)
    ready = [m for m in log if m["type"] == "ready"][-1]
    assert log.index(ready) > log.index(progress[-1]), log
    assert ready["version"] == version
    assert ready["bootMs"] > 0
    return ready


def record_boot_time(name: str, ready: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "boot-times.json"
    times = json.loads(path.read_text()) if path.exists() else {}
    times[name] = {"page_ms_to_ready": ready["pageMs"], "worker_boot_ms": ready["bootMs"]}
    path.write_text(json.dumps(times, indent=2) + "\n")
    print(f"{name}: ready {ready['pageMs']} ms after opening the page "
          f"(worker boot {ready['bootMs']} ms)")


def test_boot_from_root(page, site_url, build_py):
    version = build_py.package_version()
    ready = check_boot_log(boot(page, site_url, version), version)
    record_boot_time("root, first visit", ready)
    paths = {urlsplit(u).path for u in page.watch.requests}
    info = json.loads((ROOT / "dist" / "build-info.json").read_text())
    assert "/pyodide/pyodide.asm.wasm" in paths
    assert "/pyodide/" + next(p for p in os.listdir(ROOT / "dist" / "pyodide") if p.startswith("numpy-")) in paths
    assert "/" + info["wheel"] in paths  # the worker's fetch is seen (workers are watched)


def test_boot_from_sub_path(page, serve_dist, build_py):
    url = serve_dist("/ganlab/")
    version = build_py.package_version()
    ready = check_boot_log(boot(page, url, version), version)
    record_boot_time("sub-path /ganlab/, first visit", ready)
    outside = [u for u in page.watch.requests
               if u.startswith("http") and not urlsplit(u).path.startswith("/ganlab/")]
    assert not outside, outside


def test_bokehjs_draws(page, site_url, build_py):
    page.goto(site_url + "index.html")
    info = json.loads((ROOT / "dist" / "build-info.json").read_text())
    for name in info["bokeh_files"]:
        page.add_script_tag(url=site_url + name)
    assert page.evaluate("Bokeh.version") == build_py.pinned_bokeh() == info["bokeh_version"]
    page.evaluate("""async () => {
        const el = document.createElement('div');
        el.id = 'plot';
        document.body.append(el);
        const p = Bokeh.Plotting.figure({width: 300, height: 300});
        p.scatter([1, 2, 3], [3, 1, 2], {fill_color: '#7b3294'});
        await Bokeh.Plotting.show(p, el);
    }""")
    page.wait_for_selector("#plot canvas")


def test_boot_failure_is_reported(dist, tmp_path, watched_context, build_py):
    """A site whose wheel is missing says so on the page ({type: 'fatal'})."""
    out = tmp_path / "site"
    assert run_build("--out", str(out)).returncode == 0
    wheel = json.loads((out / "build-info.json").read_text())["wheel"]
    (out / wheel).unlink()
    server = build_py.make_server(out, 0, "/", quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        context, watch = watched_context()
        page = context.new_page()
        page.goto(f"http://localhost:{server.server_port}/boot.html")
        page.wait_for_selector("#status[data-state='fatal']", timeout=120_000)
        assert f"{wheel}?v=" in page.inner_text("#status") and "HTTP 404" in page.inner_text("#status")
        assert page.evaluate("window.bootLog.at(-1).type") == "fatal"
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------------------
# the build


def run_build(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, **(env or {})})


def tampered_wheelhouse(build, folder):
    """A copy of the official Pyodide wheels with one byte of numpy flipped."""
    folder.mkdir()
    for wheel in Path(build.wheel_source(None, build.pinned_pyodide())).glob("*.whl"):
        shutil.copy(wheel, folder)
    numpy = next(folder.glob("numpy-*.whl"))
    data = bytearray(numpy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    numpy.write_bytes(bytes(data))
    return numpy


def test_build_rejects_tampered_wheel(dist, tmp_path, build_py):
    numpy = tampered_wheelhouse(build_py, tmp_path / "wheels")
    out = tmp_path / "out"
    done = run_build("--wheelhouse", str(tmp_path / "wheels"), "--out", str(out))
    assert done.returncode == 1
    assert f"sha256 mismatch for {numpy.name}" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists() or not any(out.iterdir())  # checked before anything is written


def test_build_rejects_tampered_download(dist, tmp_path, build_py):
    version = build_py.pinned_pyodide()
    official = Path(build_py.wheel_source(None, version))   # dist/ holds a trimmed numpy
    original = next(official.glob("numpy-*.whl")).read_bytes()
    numpy = tampered_wheelhouse(build_py, tmp_path / "cdn")
    server = build_py.make_server(tmp_path / "cdn", 0, "/", quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cdn = f"http://127.0.0.1:{server.server_port}/"
    env = {"GANLAB_BUILD_CACHE": str(tmp_path / "cache")}
    try:
        done = run_build("--wheelhouse", cdn, "--out", str(tmp_path / "out"), env=env)
        assert done.returncode == 1
        assert f"sha256 mismatch for {numpy.name}" in done.stderr
        assert not list((tmp_path / "cache").rglob("numpy-*"))  # a bad download is not kept

        numpy.write_bytes(original)
        done = run_build("--wheelhouse", cdn, "--out", str(tmp_path / "out"), env=env)
        assert done.returncode == 0, done.stderr
        # the trimmed wheel is repacked deterministically: the same bytes as dist/'s
        assert (tmp_path / "out" / "pyodide" / numpy.name).read_bytes() == (dist / "pyodide" / numpy.name).read_bytes()
    finally:
        server.shutdown()
        server.server_close()


def test_rebuild_skips_unchanged_files_and_prunes_stale_ones(dist, tmp_path):
    out = tmp_path / "site"
    assert run_build("--out", str(out)).returncode == 0
    (out / "stale.txt").write_text("left over from an older build")
    done = run_build("--out", str(out))
    assert done.returncode == 0
    assert " 0 written, 1 stale removed" in done.stdout, done.stdout
    assert not (out / "stale.txt").exists()

    foreign = tmp_path / "not-a-site"
    foreign.mkdir()
    (foreign / "precious.txt").write_text("keep me")
    done = run_build("--out", str(foreign))
    assert done.returncode == 1 and "refusing" in done.stderr
    assert (foreign / "precious.txt").exists()


# ---------------------------------------------------------------------------
# the server and the harness


def test_server_types_and_headers(site_url):
    info = json.loads((ROOT / "dist" / "build-info.json").read_text())
    expected = {
        "boot.html": "text/html",
        "worker/worker.js": "text/javascript",
        "pyodide/pyodide.mjs": "text/javascript",
        "pyodide/pyodide.asm.wasm": "application/wasm",
        "pyodide/python_stdlib.zip": "application/octet-stream",
        "pyodide/pyodide-lock.json": "application/json",
        info["wheel"]: "application/octet-stream",
    }
    for path, mime in expected.items():
        with urllib.request.urlopen(urllib.request.Request(site_url + path, method="HEAD")) as r:
            assert r.headers["Content-Type"].split(";")[0] == mime, path
            assert r.headers["Cache-Control"] == "no-cache"
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(site_url + "pyodide/")  # no directory listings
    assert e.value.code == 404


def test_watch_catches_console_errors_uncaught_errors_and_foreign_requests(watched_context, site_url):
    context, watch = watched_context()
    page = context.new_page()
    page.goto(site_url + "index.html")
    page.evaluate("""() => new Promise((done) => {
        const code = `console.error('worker says no');
                      fetch('https://foreign.invalid/x').catch(() => {}).then(() => postMessage(1));`;
        const worker = new Worker(URL.createObjectURL(new Blob([code])));
        worker.onmessage = done;
    })""")
    page.evaluate("console.error('page says no')")
    page.evaluate("fetch('missing.txt')")
    page.evaluate("setTimeout(() => { throw new Error('uncaught boom'); })")
    page.wait_for_timeout(500)
    context.close()
    report = "\n".join(watch.problems())
    for expected in ["worker says no", "page says no", "foreign.invalid", "HTTP 404", "uncaught boom"]:
        assert expected in report, report


@pytest.mark.webgpu
def test_webgpu_flags_give_a_device_in_a_worker(page, site_url):
    """The `webgpu` marker starts chromium with SwiftShader WebGPU; workers see it too."""
    page.goto(site_url + "index.html")
    found = page.evaluate("""() => new Promise((done) => {
        const code = `self.onmessage = async () => {
            const adapter = await navigator.gpu?.requestAdapter();
            const device = adapter && await adapter.requestDevice();
            postMessage(device ? adapter.info.architecture || 'unknown' : 'none');
        };`;
        const worker = new Worker(URL.createObjectURL(new Blob([code])));
        worker.onmessage = (event) => done(event.data);
        worker.postMessage(0);
    })""")
    assert found != "none"
