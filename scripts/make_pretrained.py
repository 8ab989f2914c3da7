"""Train the pretrained model shipped for each preset distribution.

    python scripts/make_pretrained.py [--epochs N] [--seeds K] [names...]

Each preset trains with its recommended settings from a few seeds. The
snapshots with the lowest KL divergence at the checkpoints are candidates; each
is loaded and played on for PLAY epochs with its own settings, and the one
whose worst KL over that play is lowest is kept (a model that looks converged
but falls apart when the learner presses play teaches the wrong thing). It is
written to ganlab_wasm/pretrained/<name>.npz (a Lab.save(moments=False, half=True) blob, 5-50 KB).
Issue 10 asks KL <= 0.15 as loaded and <= 0.3 over 2,000 epochs of play.
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


PLAY = 2000          # epochs of play each candidate is checked over
CANDIDATES = 6       # lowest-KL snapshots checked, over all seeds
LOADED_MAX = 0.15    # a candidate above this as loaded is kept only if none is below
# (epochs, seeds) for the presets that converge slowly: the spiral and the
# clusters, at the slow rates of their recommended settings, are still
# improving at 5,000
SLOWER = {"spiral": (8000, 8), "disjoint": (12000, 6), "eight_gaussians": (12000, 6)}


def candidates(name, epochs, seeds):
    """(KL, blob) of the lowest-KL checkpoints over all seeds."""
    found = []
    for seed in range(seeds):
        lab = Lab(recommended(Config(distribution=name, seed=seed)))
        for _ in range(epochs // CHECKPOINT):
            lab.train(CHECKPOINT, report=False)
            # shipped without optimizer moments and with float16 weights (the
            # models live in the site's wheel): what is measured below is what
            # ships, loaded, and play starts the moments afresh
            blob = lab.save(moments=False, half=True)
            found.append((Lab.load(blob).metrics()["kl"], blob))
            found = sorted(found, key=lambda c: c[0])[:CANDIDATES]
    return found


def worst_over_play(blob, epochs=PLAY, every=100):
    """The worst KL while a loaded model trains on with its own settings."""
    lab = Lab.load(blob)
    return max(lab.train(every)["kl"] for _ in range(epochs // every))


def best_snapshot(name, epochs, seeds):
    """The candidate that holds up best under play: (KL loaded, worst KL in play, blob)."""
    checked = [(worst_over_play(blob), kl, blob) for kl, blob in candidates(name, epochs, seeds)]
    worst, kl, blob = min(checked, key=lambda c: (c[1] > LOADED_MAX, c[0], c[1]))
    return kl, worst, blob


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None, help="per preset: 5,000 (see SLOWER)")
    parser.add_argument("--seeds", type=int, default=None, help="per preset: 4 (see SLOWER)")
    parser.add_argument("names", nargs="*", default=list(PRESETS))
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    for name in args.names:
        start = time.perf_counter()
        epochs, seeds = SLOWER.get(name, (5000, 4))
        kl, worst, blob = best_snapshot(name, args.epochs or epochs, args.seeds or seeds)
        with open(os.path.join(OUT, f"{name}.npz"), "wb") as f:
            f.write(blob)
        epoch = Lab.load(blob).epoch
        print(f"{name:16s} KL {kl:.3f} at epoch {epoch:5d}, worst {worst:.3f} over {PLAY} more  {len(blob):6d} bytes  "
              f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
