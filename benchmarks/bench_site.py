"""The built site in headless Chromium: start-up, training speed, drawing rate, memory.

    python benchmarks/bench_site.py [--page index.html] [--soak 60]

Builds dist/ (fast when nothing changed), serves it on localhost and prints:
  - time from opening the URL to the first drawn frame, cold (new profile) and warm
  - total bytes transferred on the first visit
  - worker epochs per second for the default model (speed "fast"), with frames
    drawn at the display's rate and with frames switched off
  - frames drawn per second while training
  - worker memory (wasm heap, live Python objects) after 5 s and after --soak s
"""

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def serve():
    spec = importlib.util.spec_from_file_location("ganlab_build", ROOT / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    server = build.make_server(ROOT / "dist", 0, "/", quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://localhost:{server.server_port}/"


FIRST_FRAME = """async () => {
  await ganlab.ready;
  while (ganlab.client.firstFrameAt === null) await new Promise(r => setTimeout(r, 5));
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now();
}"""


def open_lab(context, url):
    page = context.new_page()
    received = []
    page.on("response", lambda r: received.append(r))
    page.goto(url)
    first_frame_ms = page.evaluate(FIRST_FRAME)
    size = 0
    for response in received:
        try:
            size += len(response.body())
        except Exception:
            pass
    return page, first_frame_ms, size


def rate(page, seconds):
    """(epochs per second, frames per second) over `seconds` of training."""
    start = page.evaluate("ganlab.refresh().then(s => [s.epoch, ganlab.client.framesReceived, performance.now()])")
    page.wait_for_timeout(seconds * 1000)
    end = page.evaluate("ganlab.refresh().then(s => [s.epoch, ganlab.client.framesReceived, performance.now()])")
    elapsed = (end[2] - start[2]) / 1000
    return (end[0] - start[0]) / elapsed, (end[1] - start[1]) / elapsed


def measure_pyscript(p, article_url):
    """What PyScript's MicroPython costs the article page: time until its
    Python section is ready, and the bytes of PyScript and MicroPython fetched
    (no second Pyodide: MicroPython runs on the page's main thread)."""
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    page = browser.new_page()
    received = []
    page.on("response", lambda r: received.append(r))
    start = time.perf_counter()
    page.goto(article_url)
    page.wait_for_function("!document.getElementById('run-python').disabled", timeout=120_000)
    ready_ms = (time.perf_counter() - start) * 1000
    size = 0
    for response in received:
        if "/pyscript/" in response.url:
            try:
                size += len(response.body())
            except Exception:
                pass
    print(f"article: PyScript section ready after {ready_ms:.0f} ms (load to MicroPython running), "
          f"{size:,} bytes of PyScript + MicroPython (the labs in view boot their own Pyodide meanwhile)")
    browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", default="index.html")
    parser.add_argument("--soak", type=float, default=60, help="seconds of training before the memory reading")
    parser.add_argument("--runs", type=int, default=3, help="cold starts to take the median of")
    args = parser.parse_args()
    subprocess.run([sys.executable, str(ROOT / "build.py")], check=True, stdout=subprocess.DEVNULL)
    url = serve() + args.page

    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        cold, warm, sizes = [], [], []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as profile:
                context = p.chromium.launch_persistent_context(
                    profile, executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page, ms, size = open_lab(context, url)
                cold.append(ms)
                sizes.append(size)
                page.close()
                page, ms, _ = open_lab(context, url)
                warm.append(ms)
                context.close()
        print(f"page: {args.page}")
        print(f"first frame, cold (new profile): {statistics.median(cold):7.0f} ms  (runs: "
              f"{', '.join(f'{x:.0f}' for x in cold)})")
        print(f"first frame, warm (same profile): {statistics.median(warm):6.0f} ms")
        print(f"bytes transferred on a first visit: {statistics.median(sizes):,.0f}")

        measure_pyscript(p, url.rsplit("/", 1)[0] + "/article.html")

        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        page.evaluate("ganlab.ready")
        page.evaluate("ganlab.set({speed: 'fast'}).then(() => ganlab.play())")
        page.wait_for_timeout(2000)
        start = time.perf_counter()
        memory_5s = page.evaluate("ganlab.stats()")
        eps, fps = rate(page, 5)
        page.evaluate("ganlab.client.framesEnabled = false")
        eps_alone, _ = rate(page, 5)
        page.evaluate("ganlab.client.framesEnabled = true")
        print(f"worker epochs/s, default model (k_d=2, k_g=1), drawing at the display's rate: {eps:7.0f}")
        print(f"worker epochs/s, default model, no frames requested:                      {eps_alone:7.0f}")
        print(f"frames drawn per second while training: {fps:5.1f}")
        page.evaluate("ganlab.set({k_d: 1})")
        eps_k1, _ = rate(page, 5)
        print(f"worker epochs/s, default model with k_d=1, drawing:                       {eps_k1:7.0f}")
        page.wait_for_timeout(max(0.0, args.soak - (time.perf_counter() - start)) * 1000)
        memory_end = page.evaluate("ganlab.stats()")
        soaked = time.perf_counter() - start + 5
        for key in ("wasmHeapBytes", "pythonObjects", "jsHeapBytes"):
            a, b = memory_5s.get(key), memory_end.get(key)
            if a is not None:
                print(f"worker {key}: {a:,} after 5 s, {b:,} after {soaked:.0f} s")
        print(f"epochs trained in the soak: {page.evaluate('ganlab.refresh().then(s => s.epoch)'):,}")
        browser.close()


if __name__ == "__main__":
    main()
