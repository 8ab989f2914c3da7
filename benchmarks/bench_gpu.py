"""The matmul paths in the worker, in headless Chromium: numpy in Pyodide, the
faster CPU path (einsum), and WebGPU (gpu/bridge.js + WGSL, reached from Python with
JSPI), per product size and per model, and where the GPU starts to win.

    python benchmarks/bench_gpu.py [--gpu swiftshader|hardware] [--seconds S] [--widths 16,64,256] [--json out.json]

--gpu swiftshader (the default) uses Chromium's software WebGPU adapter: its
figures show the overhead of the path (upload, dispatch, readback, JSPI), not
what a GPU does. On a machine with a GPU, --gpu hardware asks Chromium for it.

Prints:
  - per product shape: ms per product on each path (the GPU through the same
    Python seam the model uses, readback included), and the crossover: the
    smallest product where the GPU beats the best CPU path;
  - per model (the default one; the large one: 3 hidden layers of 64, batch
    512, k_d=1; and 3 hidden layers of each --widths width, batch 512):
    epochs per second with backend "numpy", "cpu" (the chooser among CPU
    paths), "gpu" (every product on the GPU) and "auto" (what the chooser
    picks, and its pick), and the crossover width.
Timings are best-of; the machine's other load still shows in them.
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_site import CHROMIUM_ARGS as PLAIN_ARGS, ROOT, serve  # noqa: E402  (one static server for both benchmarks)

CHROMIUM_ARGS = PLAIN_ARGS + ["--enable-unsafe-webgpu"]
SWIFTSHADER = ["--use-webgpu-adapter=swiftshader", "--enable-unsafe-swiftshader"]

PRODUCTS = [(150, 8, 8, "NN"), (300, 16, 16, "NN"), (512, 64, 64, "NN"), (1024, 64, 64, "NN"),
            (64, 1024, 64, "TN"), (1024, 64, 64, "NT"), (1024, 128, 128, "NN"), (1024, 256, 256, "NN"),
            (2048, 512, 512, "NN")]
MODES = ("numpy", "cpu", "gpu", "auto")


def command(page, cmd, **args):
    return page.evaluate("([cmd, args]) => ganlab.client.command(cmd, args)", [cmd, args])


def wait_for_gpu(page, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        compute = page.evaluate("ganlab.refresh()")["compute"]
        if compute["gpu"] != "none":
            return compute
        page.wait_for_timeout(200)
    raise SystemExit("WebGPU did not start in time")


def timed_train(page, n):
    start = page.evaluate("performance.now()")
    page.evaluate(f"ganlab.train({n})")
    return (page.evaluate("performance.now()") - start) / 1000


def model_rates(page, config, seconds, gpu_ready, rounds=3):
    """Epochs/s of `train` commands in each mode, interleaved over `rounds`
    (best of each), after one untimed epoch per switch (where a mode's
    calibration runs; the accelerator keeps it, so switching back is free)."""
    command(page, "set", params={**config, "backend": "numpy"})
    command(page, "reset")
    modes = [m for m in MODES if m != "gpu" or gpu_ready]
    sizes = {}
    for mode in modes:
        command(page, "set", params={"backend": mode})
        timed_train(page, 1)
        sizes[mode] = max(1, min(5000, int(seconds / rounds / max(timed_train(page, 1), 1e-3))))
    rates = {mode: 0.0 for mode in modes}
    for r in range(rounds if seconds else 1):
        for mode in modes:
            if mode == "gpu" and r > 0 and sizes[mode] == 1:
                continue                     # a slow GPU: one timing is enough
            command(page, "set", params={"backend": mode})
            timed_train(page, 1)
            n = sizes[mode]
            rates[mode] = max(rates[mode], n / timed_train(page, n))
    command(page, "set", params={"backend": "auto"})
    picked = page.evaluate("ganlab.refresh()")["compute"]
    return rates, picked


def fmt(value, width=9):
    return f"{value:{width}.2f}" if value is not None else " " * (width - 1) + "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gpu", choices=("swiftshader", "hardware"), default="swiftshader")
    parser.add_argument("--seconds", type=float, default=6.0, help="rough time per epochs/s figure")
    parser.add_argument("--widths", default="16,32,100", help="hidden widths of the sweep (3 layers, batch 512; at most 100)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    subprocess.run([sys.executable, str(ROOT / "build.py")], check=True, stdout=subprocess.DEVNULL)
    url = serve() + "minimal.html"
    flags = CHROMIUM_ARGS + (SWIFTSHADER if args.gpu == "swiftshader" else [])
    results = {"products": [], "models": {}}

    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=flags)
        page = browser.new_page()
        page.set_default_timeout(600_000)
        page.goto(url)
        page.evaluate("ganlab.ready")
        page.evaluate("ganlab.client.framesEnabled = false")
        compute = wait_for_gpu(page)
        gpu_ready = compute["gpu"] == "ready"
        results["adapter"] = compute["adapter"] if gpu_ready else f"none: {compute['note']}"
        print(f"WebGPU adapter: {results['adapter']}   (chromium flags: {args.gpu})")

        # --- per product ----------------------------------------------------
        command(page, "set", params={"backend": "gpu"})    # so the command may wait for the GPU
        rows = command(page, "benchmark_products", shapes=[list(s) for s in PRODUCTS])["products"]
        results["products"] = rows
        print("\nms per product (float32; the GPU's time includes upload, readback and the JSPI round trip)")
        print(f"{'product':>22} {'MACs':>11} {'numpy':>9} {'einsum':>9} {'WebGPU':>9}  fastest")
        crossover = None
        for r in rows:
            names = {"numpy": r["numpy_ms"], "einsum": r["einsum_ms"], "gpu": r.get("gpu_ms")}
            best = min((v, k) for k, v in names.items() if v is not None)[1]
            shape = f"{r['m']}x{r['k']}{'ᵀ' if r['layout'][0] == 'T' else ''} @ {r['k']}x{r['n']}" \
                    f"{'ᵀ' if r['layout'][1] == 'T' else ''}"
            macs = r["m"] * r["k"] * r["n"]
            print(f"{shape:>22} {macs:>11,} {fmt(r['numpy_ms'])} {fmt(r['einsum_ms'])} {fmt(r.get('gpu_ms'))}  {best}")
            if best == "gpu" and crossover is None:
                crossover = shape
        results["product_crossover"] = crossover
        print(f"crossover (smallest product where the GPU wins): {crossover or 'none of these'}")

        # --- per model ------------------------------------------------------
        models = {"default (1 x 8, batch 150, k_d=2)": {},
                  "large (3 x 64, batch 512, k_d=1)": dict(g_layers=3, g_neurons=64, d_layers=3, d_neurons=64,
                                                          batch_size=512, k_d=1)}
        for width in [int(w) for w in args.widths.split(",") if w]:
            if width != 64:
                models[f"3 x {width}, batch 512, k_d=1"] = dict(g_layers=3, g_neurons=width, d_layers=3,
                                                                d_neurons=width, batch_size=512, k_d=1)
        models["3 x 100, batch 2048, k_d=1 (the largest allowed)"] = dict(
            g_layers=3, g_neurons=100, d_layers=3, d_neurons=100, batch_size=2048, k_d=1)
        print("\nepochs per second in the worker (train commands, best of 3 interleaved; frames off)")
        print(f"{'model':>36} {'numpy':>9} {'cpu':>9} {'WebGPU':>9} {'auto':>9}  auto picked")
        width_crossover = None
        for name, config in models.items():
            base = dict(k_d=2, batch_size=150, g_layers=1, g_neurons=8, d_layers=1, d_neurons=8)
            rates, picked = model_rates(page, {**base, **config}, args.seconds, gpu_ready)
            results["models"][name] = {"rates": rates, "auto": picked and picked["label"]}
            print(f"{name:>36} {fmt(rates.get('numpy'))} {fmt(rates.get('cpu'))} {fmt(rates.get('gpu'))} "
                  f"{fmt(rates.get('auto'))}  {picked and picked['label']}")
            if width_crossover is None and rates.get("gpu", 0) > max(rates["numpy"], rates["cpu"]):
                width_crossover = name
        results["model_crossover"] = width_crossover
        print(f"crossover (first model where the GPU path trains fastest): {width_crossover or 'none of these'}")
        browser.close()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
