"""Do the GAN Lab paper's manual-step experiments read clearly at the
page's defaults? (issue 10). The paper's usage scenario, run as a learner
runs it on a freshly opened page, pressing the step buttons:

1. one "D" click: the heatmap visibly changes;
2. "G" clicks, D left alone: the fakes first move toward the real data, then
   overshoot it (G chases D's frozen idea of "real" past the real data), within
   about 15 clicks;
3. three "D" clicks: D catches up, and the next G clicks bring the fakes back
   toward the real data.

Distances are the sliced Wasserstein-1 the page charts ("sw"). A click does
`step_updates` updates (the page's "updates per step" setting).

    python scripts/check_paper_steps.py                 # 10 seeds at the page's defaults
    python scripts/check_paper_steps.py --updates 1     # GAN Lab's one update per click
"""

import argparse
import os
import sys
from dataclasses import dataclass

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

from ganlab_wasm import Config, Lab  # noqa: E402
from ganlab_wasm.schema import SETTING_BY_NAME  # noqa: E402

DEFAULT_UPDATES = SETTING_BY_NAME["step_updates"].default
MAX_G_CLICKS = 40
WITHIN_CLICKS = 15          # "within about 15 clicks"
VISIBLE = 8                 # a colour change of 8/255 or more in a channel can be seen
VISIBLE_SHARE = 0.10        # ... on at least a tenth of the heatmap
OVERSHOOT = 1.10            # sw 10% above its lowest point: the fakes went past
SEEDS_NEEDED = 8 / 10

# web/ui/colors.js: D's output -> the heatmap's colour (purple, grey, green)
_FAKE_TINT, _NEUTRAL, _REAL_TINT = (np.array(c, float) for c in ((200, 170, 225), (236, 236, 236), (165, 219, 180)))


def heatmap_colours(values):
    v = (np.clip(values, 0, 1) * 255).astype(int)[..., None] / 255
    low = _FAKE_TINT + (_NEUTRAL - _FAKE_TINT) * (v * 2)
    high = _NEUTRAL + (_REAL_TINT - _NEUTRAL) * ((v - 0.5) * 2)
    return np.round(np.where(v < 0.5, low, high))


def colour_change(before, after):
    """Per heatmap cell, the largest change of a colour channel, in 1/255."""
    return np.abs(heatmap_colours(after) - heatmap_colours(before)).max(axis=-1)


@dataclass
class Scenario:
    seed: int
    d_click_visible_share: float     # share of heatmap cells one D click changes visibly
    approach: bool                   # the G clicks first brought the fakes closer
    overshoot_click: object          # the G click at which the fakes had gone past (None: never)
    recovered: bool                  # after three D clicks, G clicks bring them closer again

    @property
    def holds(self):
        return (self.d_click_visible_share >= VISIBLE_SHARE and self.approach
                and self.overshoot_click is not None and self.overshoot_click <= WITHIN_CLICKS
                and self.recovered)


def run_scenario(seed, updates=DEFAULT_UPDATES, config=None):
    lab = Lab(config or Config(seed=seed))
    before = lab.frame()["heatmap"]
    lab.step("d", updates)
    changed = colour_change(before, lab.frame()["heatmap"])
    visible = float(np.mean(changed >= VISIBLE))

    sw = [lab.metrics()["sw"]]
    overshoot = None
    for click in range(1, MAX_G_CLICKS + 1):
        sw.append(lab.step("g", updates)["sw"])
        lowest = min(sw)
        if lowest < sw[0] and sw[-1] >= OVERSHOOT * lowest:
            overshoot = click
            break
    approach = min(sw) < sw[0]
    recovered = False
    if overshoot is not None:
        for _ in range(3):
            lab.step("d", updates)
        start = lab.metrics()["sw"]
        after = [lab.step("g", updates)["sw"] for _ in range(3)]
        recovered = min(after) < start
    return Scenario(seed, visible, approach, overshoot, recovered)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--updates", type=int, default=DEFAULT_UPDATES, help="updates per click")
    args = parser.parse_args()
    results = [run_scenario(s, args.updates) for s in range(args.first_seed, args.first_seed + args.seeds)]
    print(f"updates per click: {args.updates}")
    print("seed | D click: cells visibly changed | G clicks: approach, overshoot at | 3 D clicks: G comes back | holds")
    for r in results:
        print(f"{r.seed:4d} | {r.d_click_visible_share:6.0%} | {'yes' if r.approach else 'no':>3}, "
              f"{r.overshoot_click if r.overshoot_click else '-':>3} | {'yes' if r.recovered else 'no':>3} | "
              f"{'yes' if r.holds else 'no'}")
    held = sum(r.holds for r in results)
    clicks = [r.overshoot_click for r in results if r.overshoot_click]
    print(f"median visibly changed by one D click: {np.median([r.d_click_visible_share for r in results]):.0%}; "
          f"median G clicks to overshoot: {np.median(clicks) if clicks else '-'}; "
          f"holds on {held}/{len(results)} seeds: {'PASS' if held >= SEEDS_NEEDED * len(results) else 'FAIL'}")
    return 0 if held >= SEEDS_NEEDED * len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
