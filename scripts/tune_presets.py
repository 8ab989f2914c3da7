"""Does training visibly work? Medians and counts over seeds for every case
the page offers (issue 10's criteria).

    python scripts/tune_presets.py                 # 5 seeds, every case
    python scripts/tune_presets.py --full          # 10 seeds, as the criteria ask
    python scripts/tune_presets.py --only preset: --seeds 3 --set k_d=3

Cases:
  defaults        the page as it opens (Config()), two Gaussians
  preset:<name>   each preset with its recommended settings
  loss:<name>     each loss on two Gaussians with the settings offered for it
  drawn:<shape>   drawn data (two blobs, a letter-like stroke), recommended settings
  pretrained:<name>  each shipped model, as loaded and after more epochs (one run)

For each run, KL is read every CHECK epochs; a run "reaches" when KL first
drops to the case's threshold within its epoch budget, and "stays" when KL
then stays at or below STAY for the next HOLD epochs. Border is the share of
fakes within 0.01 of the canvas edge at the end (the criterion: at most 3%
when the real data has under 2% there). For eight Gaussians and the grid,
"modes" counts runs whose every mode got at least a third of its fair share.
"""

import argparse
import os
import sys
import time
from dataclasses import dataclass
from multiprocessing import Pool

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")   # one core per worker process

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

from ganlab_wasm import Config, Lab, recommended  # noqa: E402
from ganlab_wasm.config import LOSSES  # noqa: E402
from ganlab_wasm.data import PRESETS  # noqa: E402
from ganlab_wasm.metrics import COVERED_SHARE  # noqa: E402

CHECK = 100          # epochs between KL readings
STAY = 0.4           # KL must stay at or below this ...
HOLD = 5000          # ... for this many epochs after reaching the threshold
BORDER_MAX = 0.03    # at most this share of fakes on the border ...
REAL_BORDER = 0.02   # ... when the real data has less than this there
MODE_CHECKED = ("eight_gaussians", "grid")


def two_blobs():
    """Two round blobs, as a person would dab them with the pen."""
    rng = np.random.default_rng(11)
    a = rng.normal((0.3, 0.35), 0.05, (60, 2))
    b = rng.normal((0.68, 0.7), 0.05, (60, 2))
    return tuple(map(tuple, np.clip(np.concatenate([a, b]), 0.02, 0.98).round(4)))


def letter_stroke():
    """A letter-like stroke: an S drawn in one go, a point every few pixels
    (two arcs of radius 0.13 that meet at (0.5, 0.49))."""
    upper = np.linspace(np.pi / 6, 1.5 * np.pi, 60)            # counter-clockwise round the top
    lower = np.linspace(0.5 * np.pi, -5 * np.pi / 6, 60)        # clockwise round the bottom
    x = 0.5 + 0.13 * np.concatenate([np.cos(upper), np.cos(lower)])
    y = np.concatenate([0.62 + 0.13 * np.sin(upper), 0.36 + 0.13 * np.sin(lower)])
    return tuple(map(tuple, np.stack([x, y], axis=1).round(4)))


DRAWN = {"two_blobs": two_blobs, "letter_s": letter_stroke}


@dataclass(frozen=True)
class Case:
    name: str
    settings: dict          # Config fields (seed added per run)
    budget: int             # epochs within which KL must reach the threshold
    threshold: float
    min_runs: int           # of 10 seeds (scaled to the seeds run)
    hold: bool = True       # must it stay <= STAY for HOLD epochs afterwards?


def cases(overrides=None):
    """Every case, keyed by name; overrides apply on top of every setting."""
    overrides = overrides or {}
    out = {}

    def add(name, config, budget, threshold, min_runs, hold=True):
        settings = {**config.to_dict(), **overrides}
        settings.pop("seed")
        out[name] = Case(name, settings, budget, threshold, min_runs, hold)

    add("defaults", Config(), 3000, 0.3, 9)
    for name in PRESETS:
        add(f"preset:{name}", recommended(Config(distribution=name)), 5000, 0.3, 8)
    for loss in LOSSES:
        add(f"loss:{loss}", recommended(Config(loss=loss)), 5000, 0.5, 8, hold=False)
    for shape, points in DRAWN.items():
        add(f"drawn:{shape}", recommended(Config(distribution="drawn", points=points())), 5000, 0.4, 8,
            hold=False)
    return out


def run(case, seed):
    """One run of a case: what the table needs."""
    settings = dict(case.settings, seed=seed)
    settings["points"] = tuple(map(tuple, settings["points"]))
    lab = Lab(Config(**settings))
    reached, worst_after, kls = None, 0.0, []
    end = case.budget + (HOLD if case.hold else 0)
    while lab.epoch < end:
        kl = lab.train(CHECK)["kl"]
        kls.append(kl)
        if reached is None:
            if kl <= case.threshold:
                reached = lab.epoch
                end = reached + HOLD if case.hold else reached
            elif lab.epoch >= case.budget:
                break
        else:
            worst_after = max(worst_after, kl)
    m = lab.metrics()
    shares = lab.mode_shares()
    return {"seed": seed, "reached": reached, "stays": reached is not None and worst_after <= STAY,
            "worst_after": worst_after if reached is not None else None,
            "kl_at_budget": kls[min(case.budget // CHECK, len(kls)) - 1], "kl_end": m["kl"], "sw_end": m["sw"],
            "border": m["border"], "real_border": lab.real_border_share(),
            "min_mode_share": None if shares is None else float(shares.min()), "epochs": lab.epoch}


def _run(job):
    case, seed = job
    return case.name, run(case, seed)


def summarize(case, results):
    """One table row: medians, counts and whether the case passes."""
    n = len(results)
    need = int(np.ceil(case.min_runs * n / 10))
    reached = sum(r["reached"] is not None for r in results)
    stays = sum(r["stays"] for r in results)
    border_ok = sum(r["border"] <= BORDER_MAX or r["real_border"] >= REAL_BORDER for r in results)
    distribution = case.settings["distribution"]
    row = {"case": case.name, "runs": n, "need": need, "reached": reached,
           "stays": stays if case.hold else None,
           "median_reach_epoch": _median([r["reached"] for r in results if r["reached"] is not None]),
           "median_kl_budget": _median([r["kl_at_budget"] for r in results]),
           "median_kl_end": _median([r["kl_end"] for r in results]),
           "median_worst_after": _median([r["worst_after"] for r in results if r["worst_after"] is not None]),
           "median_sw_end": _median([r["sw_end"] for r in results]),
           "median_border": _median([r["border"] for r in results]), "border_ok": border_ok,
           "modes_ok": None}
    ok = reached >= need and border_ok >= need and (not case.hold or stays >= need)
    if distribution in MODE_CHECKED:
        row["modes_ok"] = sum(r["min_mode_share"] >= COVERED_SHARE for r in results)
        row["median_min_mode_share"] = _median([r["min_mode_share"] for r in results])
        ok = ok and row["modes_ok"] >= need
    row["pass"] = ok
    return row


def _median(values):
    return float(np.median(values)) if values else None


def sweep(names, seeds, jobs=2, overrides=None):
    """Rows for the named cases over seeds 0..seeds-1."""
    table = cases(overrides)
    work = [(table[name], seed) for name in names for seed in range(seeds)]
    if jobs > 1:
        with Pool(jobs) as pool:
            done = pool.map(_run, work, chunksize=1)
    else:
        done = [_run(job) for job in work]
    return [summarize(table[name], [r for n, r in done if n == name]) for name in names]


def pretrained_rows(names, more=2000):
    """Each shipped model: KL as loaded, and the worst KL over `more` epochs of play."""
    rows = []
    for name in names:
        lab = Lab.pretrained(name)
        loaded = lab.metrics()["kl"]
        worst = 0.0
        for _ in range(more // CHECK):
            worst = max(worst, lab.train(CHECK)["kl"])
        m = lab.metrics()
        rows.append({"case": f"pretrained:{name}", "kl_loaded": loaded, "worst_kl_after": worst,
                     "kl_end": m["kl"], "border": m["border"],
                     "pass": loaded <= 0.15 and worst <= 0.3})
    return rows


def _fmt(v, digits=2):
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "PASS" if v else "FAIL"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def print_table(rows, pretrained):
    """reach: runs reaching the threshold within the budget; stay: of those, runs
    whose KL then stayed <= STAY for HOLD epochs; ep@reach: median epoch of
    reaching; KL@N: median KL at the budget (or when reached); worst: median of
    the worst KL after reaching; border: median share on the border, bok: runs
    within the border criterion; modes: runs where every mode got a third of
    its share."""
    print(f"{'case':26s} {'reach':>7s} {'stay':>6s} {'ep@reach':>8s} {'KL@N':>6s} {'worst':>6s} {'KLend':>6s} {'SWend':>6s} "
          f"{'border':>6s} {'bok':>4s} {'modes':>5s}  result")
    for r in rows:
        stays = "-" if r["stays"] is None else f"{r['stays']}/{r['runs']}"
        modes = "-" if r["modes_ok"] is None else f"{r['modes_ok']}/{r['runs']}"
        print(f"{r['case']:26s} {r['reached']:>3d}/{r['runs']:<3d} {stays:>6s} {_fmt(r['median_reach_epoch'], 0):>8s} "
              f"{_fmt(r['median_kl_budget']):>6s} {_fmt(r['median_worst_after']):>6s} {_fmt(r['median_kl_end']):>6s} "
              f"{_fmt(r['median_sw_end'], 3):>6s} "
              f"{_fmt(r['median_border'], 3):>6s} {r['border_ok']:>4d} {modes:>5s}  "
              f"{_fmt(r['pass'])} (need {r['need']})")
    for r in pretrained:
        print(f"{r['case']:26s} KL loaded {r['kl_loaded']:.3f}, worst over 2000 more {r['worst_kl_after']:.3f}, "
              f"end {r['kl_end']:.3f}, border {r['border']:.3f}  {_fmt(r['pass'])}")


def _parse_overrides(pairs):
    out = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        for cast in (int, float):
            try:
                value = cast(value)
                break
            except ValueError:
                pass
        out[key] = value
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--full", action="store_true", help="10 seeds, as the criteria ask")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument("--only", default="", help="run only cases whose names start with this (comma list)")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE",
                        help="override a setting in every case (for tuning)")
    parser.add_argument("--no-pretrained", action="store_true")
    args = parser.parse_args()
    seeds = 10 if args.full else args.seeds
    overrides = _parse_overrides(args.set)
    prefixes = [p for p in args.only.split(",") if p]
    names = [n for n in cases() if not prefixes or any(n.startswith(p) for p in prefixes)]
    start = time.perf_counter()
    rows = sweep(names, seeds, args.jobs, overrides)
    pretrained = []
    if not args.no_pretrained and (not prefixes or any("pretrained:".startswith(p) or p.startswith("pretrained")
                                                       for p in prefixes)):
        wanted = [p.split(":", 1)[1] for p in prefixes if p.startswith("pretrained:") and ":" in p]
        pretrained = pretrained_rows([n for n in PRESETS if not wanted or n in wanted or wanted == [""]])
    print(f"seeds 0..{seeds - 1}, KL read every {CHECK} epochs; {time.perf_counter() - start:.0f} s")
    print_table(rows, pretrained)


if __name__ == "__main__":
    main()
