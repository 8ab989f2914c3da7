"""What side-by-side runs cost: R runs trained as one stack vs one run.

    python benchmarks/bench_compare.py [--seconds S] [--runs 2 4]

For each case, epochs per second of one Lab, of a Comparison of R runs that
differ in a learning rate (one stack), and of the same R runs trained one
after another; the ratio "stack / one run" is what a comparison costs (the
goal for 4 runs: at most 1.6x). The cases are interleaved and each is the
best of several timed runs, so a busy machine distorts the ratios less.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from ganlab_wasm import Config, Lab  # noqa: E402
from ganlab_wasm.multirun import Comparison  # noqa: E402

CASES = [
    ("default model", Config()),
    ("default model, k_d=1", Config(k_d=1)),
    ("default model, adam both", Config(k_d=1, optimizer_g="adam", optimizer_d="adam",
                                        learning_rate_g=0.001, learning_rate_d=0.001)),
    ("k_d 1 vs 3 (uneven updates)", None),
    ("3 x 32 nets, batch 256", Config(g_layers=3, g_neurons=32, d_layers=3, d_neurons=32, batch_size=256, k_d=1)),
]


def seconds_per_epoch(train, epochs, repeats):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        train(epochs)
        best = min(best, (time.perf_counter() - start) / epochs)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.5, help="rough time per timed run")
    parser.add_argument("--runs", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, numpy {__import__('numpy').__version__}")
    print(f"{'case':32s} {'R':>2s} {'one run':>10s} {'stacked':>10s} {'in turn':>10s} {'stack/one':>10s} {'in turn/one':>12s}")
    for name, config in CASES:
        for runs in args.runs:
            if config is None:      # the k_d lesson: runs do different amounts of work
                base = Config(k_d=1)
                configs = [base.replace(k_d=1 + 2 * (r % 2)) for r in range(runs)]
            else:
                base = config
                configs = [config.replace(learning_rate_d=config.learning_rate_d * (1 + r)) for r in range(runs)]
            one = Lab(configs[-1])
            stacked = Comparison(configs=configs)
            singles = [Lab(c) for c in configs]
            one.train(30)
            stacked.train(30, report=False)
            t = time.perf_counter()
            one.train(30, report=False)
            epochs = max(20, int(args.seconds * 30 / (time.perf_counter() - t)))
            cost = {"one": float("inf"), "stacked": float("inf"), "turn": float("inf")}
            for _ in range(args.repeats):     # interleaved, so load changes hit all three alike
                cost["one"] = min(cost["one"], seconds_per_epoch(lambda n: one.train(n, report=False), epochs, 1))
                cost["stacked"] = min(cost["stacked"], seconds_per_epoch(
                    lambda n: stacked.train(n, report=False), epochs, 1))
                cost["turn"] = min(cost["turn"], seconds_per_epoch(
                    lambda n: [s.train(n, report=False) for s in singles], epochs, 1))
            print(f"{name:32s} {runs:2d} {1e6 * cost['one']:8.0f}us {1e6 * cost['stacked']:8.0f}us "
                  f"{1e6 * cost['turn']:8.0f}us {cost['stacked'] / cost['one']:9.2f}x {cost['turn'] / cost['one']:11.2f}x")
            del base


if __name__ == "__main__":
    main()
