"""Train the pretrained model shipped for each preset distribution.

    python scripts/make_pretrained.py [--epochs N] [--seeds K] [names...]

Each preset trains with its recommended settings from a few seeds; the
snapshot with the lowest KL divergence seen at any checkpoint is kept and
written to ganlab_wasm/pretrained/<name>.npz (a Lab.save() blob, a few KB).
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

from ganlab_wasm import Config, Lab, recommended  # noqa: E402
from ganlab_wasm.data import PRESETS  # noqa: E402

OUT = os.path.join(HERE, "..", "ganlab_wasm", "pretrained")
CHECKPOINT = 250


def best_snapshot(name, epochs, seeds):
    best_kl, best_blob = float("inf"), None
    for seed in range(seeds):
        lab = Lab(recommended(Config(distribution=name, seed=seed)))
        for _ in range(epochs // CHECKPOINT):
            kl = lab.train(CHECKPOINT)["kl"]
            if kl < best_kl:
                best_kl, best_blob = kl, lab.save()
    return best_kl, best_blob


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5000)
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("names", nargs="*", default=list(PRESETS))
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    for name in args.names:
        start = time.perf_counter()
        kl, blob = best_snapshot(name, args.epochs, args.seeds)
        with open(os.path.join(OUT, f"{name}.npz"), "wb") as f:
            f.write(blob)
        epoch = Lab.load(blob).epoch
        print(f"{name:16s} KL {kl:.3f} at epoch {epoch:5d}  {len(blob):6d} bytes  "
              f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
