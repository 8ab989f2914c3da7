"""Speed of the numpy core in this Python: epochs per second and frame cost.

    python benchmarks/bench_core.py [--seconds S]

Prints the best of several timed runs for each case, so a busy machine
understates less. Pyodide runs the same code at roughly a third of this speed.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from ganlab_wasm import Config, Lab  # noqa: E402

CASES = [
    ("default model, k_d=1 k_g=1", Config(k_d=1, k_g=1)),
    ("default model, k_d=2 k_g=1 (GAN Lab's default)", Config()),
    ("default model, adam both", Config(k_d=1, optimizer_g="adam", optimizer_d="adam",
                                        learning_rate_g=0.001, learning_rate_d=0.001)),
    ("large model: 3 x 64, batch 512, k_d=1", Config(g_layers=3, g_neurons=64, d_layers=3, d_neurons=64,
                                                     batch_size=512, k_d=1)),
]


def best_rate(lab, epochs, repeats):
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        lab.train(epochs)
        best = max(best, epochs / (time.perf_counter() - start))
    return best


def frame_cost_ms(lab, repeats=20):
    best = float("inf")
    for _ in range(repeats):
        lab.gan.train_epoch()             # so nothing is cached
        start = time.perf_counter()
        lab.frame()
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="rough time per timed run")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, numpy {__import__('numpy').__version__}")
    for name, config in CASES:
        lab = Lab(config)
        lab.train(50)                                   # warm up
        start = time.perf_counter()
        lab.train(50)
        guess = 50 / (time.perf_counter() - start)
        epochs = max(10, int(guess * args.seconds))
        rate = best_rate(lab, epochs, repeats=5)
        print(f"{name:48s} {rate:9.0f} epochs/s  ({1e6 / rate:7.1f} us/epoch)")
    lab = Lab(Config())
    print(f"{'frame() with 30x30 heatmap, 20x20 manifold':48s} {frame_cost_ms(lab):9.2f} ms")
    print(f"{'metrics() alone':48s} {metrics_cost_ms(lab):9.2f} ms")


def metrics_cost_ms(lab, repeats=20):
    best = float("inf")
    for _ in range(repeats):
        lab.gan.train_epoch()
        start = time.perf_counter()
        lab.metrics()
        best = min(best, time.perf_counter() - start)
    return best * 1e3


if __name__ == "__main__":
    main()
