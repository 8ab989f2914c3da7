"""Prove (or refute) the image lab's defaults: within S seconds of play in
the browser worker, are the fakes recognisable and varied, in how many seeds?

    python scripts/tune_images.py [--seconds 60] [--seeds 5] [--worker-eps N] [--case JSON ...]

For each case (settings over the defaults, as JSON; default: the vanilla and
the conditional defaults):
1. the worker's speed: epochs per second *while drawing* (60 frames and 4
   quality readings a second), measured in Pyodide by
   benchmarks/bench_images_pyodide.mjs (node: the same V8 and wasm engine as
   Chromium's worker), unless --worker-eps gives it. Pyodide's numpy has no
   BLAS, so the ratio to CPython is measured, not assumed;
2. the budget: S seconds times that speed, in epochs;
3. each seed trained that many epochs here (CPython: the same numbers as
   Pyodide, faster), read every 500 epochs; a seed passes when the fakes at
   the budget pass the bar (image_lab.recognisable). Printed: per seed the
   figures at the budget and the first checkpoint that passed, then the
   count of passing seeds and the medians. The figures of a stricter reader
   (trained with mixup: it rejects 50/50 blends of two digits) are printed
   beside them, for honesty.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
sys.path.insert(0, ROOT)

from ganlab_wasm import classifier  # noqa: E402
from ganlab_wasm.digits import load_digits  # noqa: E402
from ganlab_wasm.image_lab import ImageLab, ImageSettings, digit_figures, recognisable  # noqa: E402

CHECK_EVERY = 500
DEFAULT_CASES = ["{}", '{"model": "conditional"}']


def worker_speed(case):
    """Epochs/s while drawing, in Pyodide (node), or None when node can't run it."""
    node = shutil.which("node")
    if node is None:
        return None, None
    done = subprocess.run([node, os.path.join(ROOT, "benchmarks", "bench_images_pyodide.mjs"), "--json",
                           "--case", case], capture_output=True, text=True, timeout=600)
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            result = json.loads(line)
            return result["epochs_per_s_while_drawing"], result
    print(done.stdout, done.stderr, file=sys.stderr)
    return None, None


def cpython_speed(settings, epochs=300):
    lab = ImageLab(settings)
    lab.train(30, report=False)
    start = time.perf_counter()
    lab.train(epochs, report=False)
    return epochs / (time.perf_counter() - start)


def short(d):
    out = f"{d['confident']:.2f} conf, {d['classes_covered']} classes, top {d['top_share']:.2f}"
    if "label_agreement" in d:
        out += f", agree {d['label_agreement']:.2f}"
    return out


def run_case(case, seconds, seeds, worker_eps, strict):
    overrides = json.loads(case)
    settings = ImageSettings().replace(**overrides)
    cpy = cpython_speed(settings)
    bench = None
    if worker_eps is None:
        worker_eps, bench = worker_speed(case)
        if worker_eps is None:
            raise SystemExit("node could not run the Pyodide benchmark: give --worker-eps")
    budget = int(seconds * worker_eps)
    print(f"\ncase {case}: worker {worker_eps:.0f} epochs/s while drawing"
          + (f" ({bench['epochs_per_s']:.0f} training alone, frame {bench['frame_ms']:.1f} ms, "
             f"figures {bench['metrics_ms']:.1f} ms)" if bench else " (given)")
          + f"; CPython here {cpy:.0f} epochs/s (ratio {cpy / max(worker_eps, 1e-9):.1f}); "
          f"{seconds:g} s in the worker = {budget} epochs", flush=True)
    passes, firsts, finals = 0, [], []
    for seed in range(seeds):
        lab = ImageLab(settings.replace(seed=seed))
        first = None
        while lab.epoch < budget:
            m = lab.train(min(CHECK_EVERY, budget - lab.epoch))
            if first is None and recognisable(m["digits"]):
                first = lab.epoch
        d = m["digits"]
        fake = lab.gan.generate(lab._eval_noise, lab._eval_class)
        s = digit_figures(*strict.read(fake), lab._eval_class)
        ok = recognisable(d)
        passes += ok
        finals.append(d["confident"])
        if first is not None:
            firsts.append(first)
        print(f"  seed {seed}: {'PASS' if ok else 'fail'}  {short(d)}; first passed at "
              f"{first if first is not None else '-'}; strict reader: {short(s)}", flush=True)
    print(f"  => {passes}/{seeds} seeds pass at {budget} epochs ({seconds:g} s in the worker); median confident "
          f"{statistics.median(finals):.2f}; median first pass "
          f"{statistics.median(firsts) if firsts else '-'} epochs "
          f"({statistics.median(firsts) / worker_eps:.0f} s)" if firsts else
          f"  => {passes}/{seeds} seeds pass at {budget} epochs; median confident {statistics.median(finals):.2f}")
    return passes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--worker-eps", type=float, help="epochs/s while drawing in the worker (skip measuring)")
    parser.add_argument("--case", action="append", help="settings over the defaults, as JSON")
    args = parser.parse_args()
    d = load_digits()
    train, _ = classifier.split(d)
    strict = classifier.train_classifier(d.images[train], d.labels[train], mixup=0.5)
    for case in args.case or DEFAULT_CASES:
        run_case(case, args.seconds, args.seeds, args.worker_eps, strict)


if __name__ == "__main__":
    main()
