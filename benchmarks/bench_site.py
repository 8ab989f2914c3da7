"""The built site in headless Chromium: start-up, weight, drawing rate, worker speed, memory.

    python3 benchmarks/bench_site.py [--quick] [--runs 3] [--soak 60] [--seconds 5]

Builds dist/ (fast when nothing changed), serves it on localhost and prints, from one run:
  - first drawn frame on index.html, cold (new profile) and warm (second visit, same
    profile: the worker restores its memory snapshot), medians over --runs
  - bytes of a first visit: raw, and as a static host would send them (gzip -6, brotli -11)
  - frames drawn per second on the full page while training flat out (speed 'fast')
  - worker epochs/s: the full page drawing (default model with k_d=1 and k_d=2, the
    large model 3x64 batch 512), the minimal page (k_d=2), and a plain numpy GAN
    (benchmarks/reference_gan.py) in a bare Pyodide worker in the same browser
  - what PyScript's MicroPython costs the article page (not with --quick)
  - worker memory (wasm heap, live Python objects) after 5 s and after --soak s of training
The machine may be shared: compare figures of one run and quote ratios.
"""

import argparse
import gzip
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from ganlab_wasm import Config  # noqa: E402
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DEFAULT = {}                                               # the page's defaults (G 2x16, D 3x32, batch 150)
LARGE = {"g_layers": 3, "g_neurons": 64, "d_layers": 3, "d_neurons": 64, "batch_size": 512}

try:
    import brotli
except ImportError:   # pip install -r requirements-dev.txt
    brotli = None


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


def compressed(body: bytes) -> tuple[int, int]:
    """(gzip -6, brotli -11) sizes; a host sends the smaller of that and the raw bytes."""
    gz = min(len(body), len(gzip.compress(body, 6)))
    br = min(len(body), len(brotli.compress(body, quality=11))) if brotli else 0
    return gz, br


def open_lab(context, url):
    """Open the page; return (page, ms to first frame, {url: body bytes})."""
    page = context.new_page()
    received = []
    page.on("response", lambda r: received.append(r))
    page.goto(url)
    first_frame_ms = page.evaluate(FIRST_FRAME)
    bodies = {}
    for response in received:
        try:
            bodies[response.url] = response.body()
        except Exception:
            pass
    return page, first_frame_ms, bodies


def rates(page, seconds):
    """(epochs per second, frames per second) over `seconds` of training."""
    probe = "ganlab.refresh().then(s => [s.epoch, ganlab.client.framesReceived, performance.now()])"
    start = page.evaluate(probe)
    page.wait_for_timeout(seconds * 1000)
    end = page.evaluate(probe)
    elapsed = (end[2] - start[2]) / 1000
    return (end[0] - start[0]) / elapsed, (end[1] - start[1]) / elapsed


def configure(page, params, k_d):
    page.evaluate("(p) => ganlab.set(p)", {**params, "k_d": k_d})
    page.evaluate("ganlab.set({speed: 'fast'}).then(() => ganlab.play())")
    page.wait_for_timeout(1500)   # past the chooser's timing and the first slices


REFERENCE_WORKER = """
import { loadPyodide } from '%(site)spyodide/pyodide.mjs';
const pyodide = await loadPyodide({ indexURL: '%(site)spyodide/', packages: ['numpy'] });
self.onmessage = ({ data }) => {
  try {
    if (data.code) {   // as a module, not __main__ (that would run its CPython demo)
      self.ns = pyodide.toPy({ __name__: 'reference_gan' });
      pyodide.runPython(data.code, { globals: self.ns });
      postMessage('ok');
      return;
    }
    self.ns.get('setup').callKwargs(data.setup);
    postMessage(self.ns.get('train_for')(data.seconds));
  } catch (error) { postMessage({ error: String(error) }); }
};
postMessage('ready');
"""


class Reference:
    """benchmarks/reference_gan.py in a bare Pyodide worker (numpy from this site's lock)."""

    def __init__(self, browser, site):
        self.page = browser.new_page()
        self.page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        self.page.goto(site + "favicon.svg")
        self.page.evaluate("""([source, code]) => new Promise((done, fail) => {
            const url = URL.createObjectURL(new Blob([source], {type: 'text/javascript'}));
            window.ref = new Worker(url, {type: 'module'});
            window.ask = (message) => new Promise((r, fail) => {
                window.ref.onmessage = ({data}) => (data && data.error ? fail(new Error(data.error)) : r(data));
                window.ref.postMessage(message);
            });
            window.ref.onerror = (event) => fail(new Error(`reference worker: ${event.message}`));
            window.ref.onmessage = () => window.ask({code}).then(done, fail);
        })""", [REFERENCE_WORKER % {"site": site}, (ROOT / "benchmarks" / "reference_gan.py").read_text()])

    def rate(self, params, k_d, seconds):
        # the same shapes as the page's run (the page's defaults where params are silent)
        c = Config(**params)
        setup = {"g_layers": c.g_layers, "g_neurons": c.g_neurons, "d_layers": c.d_layers,
                 "d_neurons": c.d_neurons, "batch": c.batch_size, "k_d": k_d}
        return self.page.evaluate("(m) => ask(m)", {"setup": setup, "seconds": seconds})


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


def start_up(p, url, runs):
    cold, warm, paths, visits = [], [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as profile:
            context = p.chromium.launch_persistent_context(
                profile, executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page, ms, bodies = open_lab(context, url)
            cold.append(ms)
            visits.append(bodies)
            page.wait_for_function("ganlab.client.snapshotState !== undefined", timeout=60_000)
            page.close()
            page, ms, _ = open_lab(context, url)
            warm.append(ms)
            paths.append(page.evaluate("ganlab.client.boot.path"))
            context.close()
    print(f"first frame, cold (new profile):  {statistics.median(cold):6.0f} ms  (runs: {', '.join(f'{x:.0f}' for x in cold)})")
    print(f"first frame, warm (same profile): {statistics.median(warm):6.0f} ms  (runs: {', '.join(f'{x:.0f}' for x in warm)}; "
          f"boot path: {', '.join(paths)})")
    bodies = visits[0]
    raw = sum(len(b) for b in bodies.values())
    sizes = {name: compressed(b) for name, b in bodies.items()}
    gz, br = sum(s[0] for s in sizes.values()), sum(s[1] for s in sizes.values())
    print(f"first visit: {len(bodies)} responses, {raw:,} bytes raw, {gz:,} gzip -6, "
          + (f"{br:,} brotli -11" if brotli else "brotli not installed (pip install brotli)"))
    biggest = sorted(bodies.items(), key=lambda kv: -len(kv[1]))[:6]
    for name, body in biggest:
        g, b = sizes[name]
        print(f"    {name.split('/', 3)[-1]:58s} {len(body):>11,} raw {g:>11,} gzip {b:>11,} brotli")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 start-up run, 3 s per rate, 15 s soak")
    parser.add_argument("--runs", type=int, default=3, help="cold/warm start-ups to take the median of")
    parser.add_argument("--seconds", type=float, default=5, help="seconds per rate measurement")
    parser.add_argument("--soak", type=float, default=60, help="seconds of training before the memory reading")
    parser.add_argument("--skip-startup", action="store_true", help="rates and memory only")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.seconds, args.soak = 1, 3, 15
    subprocess.run([sys.executable, str(ROOT / "build.py")], check=True, stdout=subprocess.DEVNULL)
    site = serve()

    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        if not args.skip_startup:
            start_up(p, site + "index.html", args.runs)
            if not args.quick:
                measure_pyscript(p, site + "article.html")

        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        reference = Reference(browser, site)
        s = args.seconds
        cases = [("default model, k_d=1", DEFAULT, 1), ("default model, k_d=2", DEFAULT, 2),
                 ("large model 3x64 batch 512, k_d=2", LARGE, 2)]
        ref = {name: reference.rate(params, k_d, s) for name, params, k_d in cases}

        page = browser.new_page()
        page.goto(site + "index.html")
        page.evaluate("ganlab.ready")
        full = {}
        for name, params, k_d in cases:
            configure(page, {**DEFAULT_SIZES, **params}, k_d)
            full[name] = rates(page, s)
        configure(page, DEFAULT_SIZES, 2)
        page.evaluate("ganlab.client.framesEnabled = false")
        alone, _ = rates(page, s)
        page.evaluate("ganlab.client.framesEnabled = true")
        page.close()

        minimal = browser.new_page()
        minimal.goto(site + "minimal.html")
        minimal.evaluate("ganlab.ready")
        configure(minimal, DEFAULT_SIZES, 2)
        eps_min, fps_min = rates(minimal, s)
        minimal.close()
        ref_again = reference.rate(DEFAULT, 1, s)   # how much the machine drifted meanwhile

        print(f"worker epochs/s ({s:.0f} s each; reference = plain numpy GAN in a bare Pyodide worker):")
        print(f"  {'case':36s} {'full page':>10s} {'fps':>6s} {'reference':>10s} {'ratio':>6s}")
        for name, _, _ in cases:
            eps, fps = full[name]
            print(f"  {name:36s} {eps:10.0f} {fps:6.1f} {ref[name]:10.0f} {eps / ref[name]:5.2f}x")
        k2 = full["default model, k_d=2"][0]
        print(f"  minimal page, default model, k_d=2:  {eps_min:.0f} epochs/s at {fps_min:.1f} fps "
              f"(full page / minimal: {k2 / eps_min:.2f})")
        print(f"  full page, default model, k_d=2, no frames requested: {alone:.0f}")
        print(f"  reference k_d=1 again at the end: {ref_again:.0f} (drift {ref_again / ref['default model, k_d=1']:.2f}x)")
        print(f"frames drawn per second on the full page while training flat out: "
              f"{full['default model, k_d=2'][1]:.1f} (k_d=2), {full['default model, k_d=1'][1]:.1f} (k_d=1), "
              f"{full['large model 3x64 batch 512, k_d=2'][1]:.1f} (large)")
        reference.page.close()

        page = browser.new_page()
        page.goto(site + "index.html")
        page.evaluate("ganlab.ready")
        configure(page, DEFAULT_SIZES, 2)
        page.wait_for_timeout(3500)
        start = time.perf_counter()
        memory_5s = page.evaluate("ganlab.stats()")
        page.wait_for_timeout(max(0.0, args.soak - 5) * 1000)
        memory_end = page.evaluate("ganlab.stats()")
        soaked = time.perf_counter() - start + 5
        for key in ("wasmHeapBytes", "pythonObjects", "jsHeapBytes"):
            a, b = memory_5s.get(key), memory_end.get(key)
            if a is not None:
                print(f"worker {key}: {a:,} after 5 s, {b:,} after {soaked:.0f} s")
        print(f"epochs trained in the soak: {page.evaluate('ganlab.refresh().then(s => s.epoch)'):,}")
        browser.close()


DEFAULT_SIZES = {"g_layers": 2, "g_neurons": 8, "d_layers": 2, "d_neurons": 8, "batch_size": 150}

if __name__ == "__main__":
    main()
