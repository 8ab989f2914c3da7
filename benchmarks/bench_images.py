"""Speed of the image lab: epochs per second, and what a frame and the
quality figures cost, in this Python (CPython, or Pyodide through
benchmarks/bench_images_pyodide.mjs, which runs this same file).

    python benchmarks/bench_images.py [--seconds S] [--json] [--case NAME ...]

"while drawing" is the training rate left when the worker also packs 60
frames a second and measures the quality figures (metrics()) 4 times a
second: eps * (1 - 60 * frame_s - 4 * metrics_s). Best of several timed
runs, so a busy machine understates less. CPython uses one BLAS thread
(the worker has one; set OPENBLAS_NUM_THREADS=1 before numpy loads).
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from ganlab_wasm.image_lab import ImageLab, ImageSettings  # noqa: E402

CASES = {
    "default": {},
    "conditional": {"model": "conditional"},
}
FRAMES_PER_S, METRICS_PER_S = 60, 4


def best(f, repeats):
    out = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        out = min(out, time.perf_counter() - start)
    return out


def measure(settings, seconds=1.0, repeats=5):
    lab = ImageLab(settings)
    lab.train(30, report=False)
    guess = best(lambda: lab.train(30, report=False), 1) / 30
    epochs = max(20, int(seconds / guess))
    eps = epochs / best(lambda: lab.train(epochs, report=False), repeats)

    def fresh_frame():
        lab._grid_eval = None        # as after an epoch: nothing cached
        return lab.frame()

    def fresh_metrics():
        lab._evaluation = None
        return lab.metrics()
    frame_s = best(fresh_frame, 20)
    metrics_s = best(fresh_metrics, 10)
    drawing = eps * max(0.0, 1 - FRAMES_PER_S * frame_s - METRICS_PER_S * metrics_s)
    return {"epochs_per_s": eps, "frame_ms": frame_s * 1e3, "metrics_ms": metrics_s * 1e3,
            "epochs_per_s_while_drawing": drawing}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="rough time per timed run")
    parser.add_argument("--json", action="store_true", help="one JSON object per case")
    parser.add_argument("--case", action="append", help="a named case, or settings as JSON")
    args = parser.parse_args(argv)
    import numpy
    runtime = "pyodide" if sys.platform == "emscripten" else "cpython"
    if not args.json:
        print(f"{runtime} {sys.version.split()[0]}, numpy {numpy.__version__}")
    for case in args.case or list(CASES):
        overrides = CASES[case] if case in CASES else json.loads(case)
        result = measure(ImageSettings().replace(**overrides), args.seconds)
        if args.json:
            print(json.dumps({"runtime": runtime, "case": case, **result}))
        else:
            print(f"{case:14s} {result['epochs_per_s']:7.0f} epochs/s, frame {result['frame_ms']:5.2f} ms, "
                  f"metrics {result['metrics_ms']:5.2f} ms -> {result['epochs_per_s_while_drawing']:6.0f} "
                  f"epochs/s while drawing")


if __name__ == "__main__":
    main()
