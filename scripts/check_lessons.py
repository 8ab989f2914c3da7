"""Do the article's lessons hold? Each lab the article embeds is run as its
URL opens it, on its own seed and on others, and its lesson's claim measured.

    python scripts/check_lessons.py                # its own seed + 5 others
    python scripts/check_lessons.py --seeds 3      # its own seed + 3 others
    python scripts/check_lessons.py --only lab-collapse --first-seed 100

A lab's settings are Config's defaults plus the URL fragment's Config keys
(the page keys such as autoplay are dropped; recommended settings are not
applied, as the page does not apply them). A lab whose URL has a comparison
(compare=k_d:5) is one lesson of its runs: each is that lab with one setting
changed, on the same seed (the page trains them stacked, number for number as
apart: tests/core/test_multirun.py). A pair of labs (a div.pair) is one
lesson too: both run on the same seed and are compared.

A lesson PASSES when its claim holds on its own seed (the run a reader sees)
and on at least 4 of 5 other seeds (the same share of however many --seeds).
Epoch counts are what a reader watches at the page's "normal" speed of 200
epochs a second: 1,000 epochs is five seconds.
"""

import argparse
import math
import os
import sys
import time
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

from ganlab_wasm import Config, Lab  # noqa: E402
from ganlab_wasm.config import FIELD_BY_NAME  # noqa: E402
from ganlab_wasm.metrics import COVERED_SHARE  # noqa: E402
from ganlab_wasm.schema import COMPARABLE, OPTIONS  # noqa: E402

ARTICLE = os.path.join(HERE, "..", "web", "article.html")
# Keys of the fragment that are not the run's settings: the page's own
# (web/page/url-state.js PAGE_KEYS) and the session options from the schema.
PAGE_KEYS = {"autoplay", "layers", "hide", "views", "embed", "origin", "compare", "lab"} | {o.name for o in OPTIONS}
OTHER_SEEDS = 5
SHARE_NEEDED = 4 / 5     # of the other seeds


# --- reading the article ---------------------------------------------------
@dataclass(frozen=True)
class Embed:
    """One lab iframe: its id, the Config its URL opens, whether it autoplays,
    and the configs of the other runs its comparison trains beside it."""
    id: str
    config: Config
    autoplay: bool
    compared: tuple = ()

    @property
    def configs(self):
        return (self.config, *self.compared)


@dataclass(frozen=True)
class Lesson:
    """One figure of the article: a single lab, or a pair compared side by side."""
    embeds: tuple

    @property
    def id(self):
        return "+".join(e.id for e in self.embeds)

    @property
    def seed(self):
        return self.embeds[0].config.seed

    def on_seed(self, seed):
        """The lesson's configs with the seed changed (a pair or a comparison keeps sharing one)."""
        return [replace(config, seed=seed) for e in self.embeds for config in e.configs]


def value_of(name, text):
    """A fragment value as its Config field's type."""
    kind = FIELD_BY_NAME[name].kind
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "bool":
        return text.lower() in ("1", "true", "yes", "on")
    return text


def config_from_src(src):
    """The Config an embed URL opens and whether it autoplays. An unknown key
    is an error here: the page would ignore it, so the lesson would not be
    showing what its URL says."""
    settings, autoplay = {}, False
    for key, text in parse_qsl(urlsplit(src).fragment, keep_blank_values=True):
        if key == "autoplay":
            autoplay = text in ("", "1", "true", "yes", "on")
        elif key in PAGE_KEYS:
            continue
        elif key in FIELD_BY_NAME:
            settings[key] = value_of(key, text)
        else:
            raise ValueError(f"{src}: {key!r} is neither a setting nor a page key")
    return Config(**settings), autoplay


def compared_from_src(src, config):
    """The other runs of the comparison an embed URL starts (compare=setting:
    value,value), as configs: none without one. A malformed one is an error
    here, as in config_from_src: the page would show a lone run instead."""
    texts = [text for key, text in parse_qsl(urlsplit(src).fragment) if key == "compare"]
    if not texts:
        return ()
    name, _, values = texts[-1].partition(":")
    if name not in COMPARABLE or name == "seed" or not values:     # a lesson is checked over seeds
        raise ValueError(f"{src}: compare={texts[-1]!r} is not setting:value,value of a comparable setting "
                         "other than the seed")
    return tuple(replace(config, **{name: value_of(name, text)}) for text in values.split(","))


class _LabFinder(HTMLParser):
    """Collects iframe.lab elements, grouping those inside one div.pair."""

    def __init__(self):
        super().__init__()
        self.groups = []          # lists of (id, src)
        self._div_depth = 0
        self._pair_depth = None   # the div depth at which the open pair started

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "div":
            self._div_depth += 1
            if "pair" in classes and self._pair_depth is None:
                self._pair_depth = self._div_depth
                self.groups.append([])
        elif tag == "iframe" and "lab" in classes:
            found = (attrs.get("id"), attrs.get("src"))
            if self._pair_depth is None:
                self.groups.append([found])
            else:
                self.groups[-1].append(found)

    def handle_endtag(self, tag):
        if tag == "div":
            if self._pair_depth == self._div_depth:
                self._pair_depth = None
            self._div_depth -= 1


def lessons_from_html(text):
    """Every lesson of an article's HTML, in page order."""
    finder = _LabFinder()
    finder.feed(text)
    lessons = []
    for group in finder.groups:
        embeds = []
        for id_, src in group:
            config, autoplay = config_from_src(src)
            embeds.append(Embed(id_, config, autoplay, compared_from_src(src, config)))
        embeds = tuple(embeds)
        lessons.append(Lesson(embeds))
    return lessons


def read_lessons(path=ARTICLE):
    with open(path, encoding="utf-8") as f:
        return lessons_from_html(f.read())


# --- measuring -------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """One lesson on one seed: the figure shown in the table and whether the claim held."""
    figure: float
    holds: bool
    note: str = ""


def shown_points(lab):
    """The 450 shown real and fake points and D's "how real" for each (a
    cheap frame: the heatmap and manifold are not needed)."""
    return lab.frame(heatmap_size=2, manifold_cells=1)


def spread(points):
    """Root mean squared distance from the points' centre, in canvas widths."""
    return float(np.sqrt(np.mean(np.sum((points - points.mean(0)) ** 2, axis=1))))


def d_edge(lab):
    """How far D is from "cannot tell" where the points are: the mean of
    |D(x) - 0.5| over the shown real and fake points (0 = grey, 0.5 = sure)."""
    f = shown_points(lab)
    return float(np.mean(np.abs(np.concatenate([f["real_pred"], f["fake_pred"]]) - 0.5)))


def median_moved(before, after):
    """Median distance the shown fakes moved, in canvas widths."""
    return float(np.median(np.linalg.norm(after - before, axis=1)))


# Lesson 1: the fakes reach the reals and D's opinion where the points are
# turns grey. A perfect generator scores KL 0.02-0.04; 0.2 is a generator
# whose blobs sit on the real ones. D gains an edge first (the background
# colours), then must lose at least half of it, to under 0.1 (D's "how real"
# within 0.4-0.6 on average).
CONVERGE_EPOCHS, CONVERGE_KL, EDGE_CHECK, GREY_EDGE = 3000, 0.2, 250, 0.1


def converges(configs):
    (config,) = configs
    lab, peak = Lab(config), 0.0
    while lab.epoch < CONVERGE_EPOCHS:
        lab.train(EDGE_CHECK, report=False)
        peak = max(peak, d_edge(lab))
    kl, edge = lab.metrics()["kl"], d_edge(lab)
    holds = kl <= CONVERGE_KL and edge <= GREY_EDGE and edge <= peak / 2
    return Outcome(kl, holds, f"D edge {edge:.2f} of peak {peak:.2f}")


# Lesson 2: with a frozen D the generator piles its points onto one spot away
# from the data. "One spot": the fakes' spread under a tenth of the reals';
# "away from the data": KL at least 2 (the converging lesson 1 is at 0.1-0.2;
# fakes far off score about 4.3).
PILE_EPOCHS, PILE_SPREAD, PILE_KL = 2000, 0.1, 2.0


def piles_up(configs):
    (config,) = configs
    lab = Lab(config)
    kl = lab.train(PILE_EPOCHS)["kl"]
    f = shown_points(lab)
    ratio = spread(f["fake"]) / spread(f["real"])
    return Outcome(ratio, ratio <= PILE_SPREAD and kl >= PILE_KL, f"KL {kl:.2f}")


# Lesson 3: with five D steps per epoch (run 2) the generator finds the ring
# sooner than with one (run 1). Measured as KL(one step) / KL(five steps) after
# KD_EPOCHS; it must be at least 1.5, and the five-step lab must be near the
# ring by then (KL at most 1; far-off fakes score about 4).
KD_EPOCHS, KD_RATIO, KD_NEAR = 1500, 1.5, 1.0


def more_d_steps_help(configs):
    fewer, more = sorted(configs, key=lambda c: c.k_d)
    kl_fewer = Lab(fewer).train(KD_EPOCHS)["kl"]
    kl_more = Lab(more).train(KD_EPOCHS)["kl"]
    ratio = kl_fewer / kl_more
    return Outcome(ratio, ratio >= KD_RATIO and kl_more <= KD_NEAR,
                   f"KL k_d={fewer.k_d} {kl_fewer:.2f}, k_d={more.k_d} {kl_more:.2f}")


# Lesson 4: mode collapse. Read every COLLAPSE_CHECK epochs from
# COLLAPSE_START to COLLAPSE_EPOCHS (the first epochs only find the circle):
# the fakes never cover all eight blobs at once (a blob is covered with a
# third of its fair share, metrics.COVERED_SHARE), and they hop: over the run
# they cover more blobs than they ever cover at once, so they left a blob
# for another. The figure is the most blobs covered at once.
COLLAPSE_START, COLLAPSE_EPOCHS, COLLAPSE_CHECK = 1000, 6000, 100


def collapses_and_hops(configs):
    (config,) = configs
    lab = Lab(config)
    lab.train(COLLAPSE_START, report=False)
    covered_sets = []
    while True:
        shares = lab.mode_shares()
        covered_sets.append(frozenset(np.flatnonzero(shares >= COVERED_SHARE)))
        if lab.epoch >= COLLAPSE_EPOCHS:
            break
        lab.train(COLLAPSE_CHECK, report=False)
    modes = len(shares)
    at_once = max(len(s) for s in covered_sets)
    ever = len(frozenset().union(*covered_sets))
    return Outcome(at_once, at_once < modes and ever > at_once, f"{ever} of {modes} covered at some time")


# Lesson 5: with the minimax loss "the points barely move". The median
# distance the shown fakes move in MOVE_EPOCHS with minimax must be at most
# half of what they move with the log loss on the same seed; the figure is
# that ratio.
MOVE_EPOCHS, MOVE_RATIO = 1000, 0.5


def fakes_moved(config):
    lab = Lab(config)
    start = shown_points(lab)["fake"]
    lab.train(MOVE_EPOCHS, report=False)
    return median_moved(start, shown_points(lab)["fake"])


def minimax_stalls(configs):
    by_loss = {c.loss: c for c in configs}
    minimax, log = fakes_moved(by_loss["minimax"]), fakes_moved(by_loss["log"])
    ratio = minimax / log
    return Outcome(ratio, ratio <= MOVE_RATIO, f"moved minimax {minimax:.3f}, log {log:.3f}")


# Lesson 6: room to fold. After CAPACITY_EPOCHS the generator with fewer
# neurons covers fewer of the three clusters than the other (a cluster is
# covered with a third of its fair share) and its KL is at least
# CAPACITY_RATIO times as high; the figure is that ratio.
CAPACITY_EPOCHS, CAPACITY_RATIO = 3000, 1.5


def capacity_shows(configs):
    small, big = sorted(configs, key=lambda c: c.g_neurons)
    runs = [Lab(small), Lab(big)]
    (kl_small, modes_small), (kl_big, modes_big) = (
        (m["kl"], m["modes"]) for m in (lab.train(CAPACITY_EPOCHS) for lab in runs))
    ratio = kl_small / kl_big
    return Outcome(ratio, ratio >= CAPACITY_RATIO and modes_small < modes_big,
                   f"KL {small.g_neurons} neurons {kl_small:.2f} ({modes_small} clusters), "
                   f"{big.g_neurons} neurons {kl_big:.2f} ({modes_big})")


@dataclass(frozen=True)
class Claim:
    text: str       # what the table says is measured
    measure: object  # configs -> Outcome


# Keyed by the lesson's id (its iframes' ids); the lab the Python section
# drives has no claim of its own.
CLAIMS = {
    "lab-intro": Claim(f"KL at {CONVERGE_EPOCHS} (<= {CONVERGE_KL}), D grey", converges),
    "lab-no-d": Claim(f"fake/real spread at {PILE_EPOCHS} (<= {PILE_SPREAD}), KL >= {PILE_KL}", piles_up),
    "lab-kd": Claim(f"KL k_d=1 / k_d=5 at {KD_EPOCHS} (>= {KD_RATIO})", more_d_steps_help),
    "lab-collapse": Claim(f"most modes at once {COLLAPSE_START}-{COLLAPSE_EPOCHS} (< 8), hops",
                          collapses_and_hops),
    "lab-loss": Claim(f"moved minimax / log in {MOVE_EPOCHS} (<= {MOVE_RATIO})", minimax_stalls),
    "lab-capacity": Claim(f"KL few / many G neurons at {CAPACITY_EPOCHS} (>= {CAPACITY_RATIO}), fewer clusters",
                          capacity_shows),
}


def other_seeds(own, count, first=0):
    """count seeds from `first` on, skipping the lesson's own."""
    seeds, s = [], first
    while len(seeds) < count:
        if s != own:
            seeds.append(s)
        s += 1
    return seeds


def needed(count):
    """How many of `count` other seeds must hold (4 of 5)."""
    return math.ceil(SHARE_NEEDED * count - 1e-9)


@dataclass(frozen=True)
class Verdict:
    lesson: Lesson
    claim: Claim
    own: Outcome
    others: dict     # seed -> Outcome
    need: int

    @property
    def held(self):
        return sum(o.holds for o in self.others.values())

    @property
    def passed(self):
        return self.own.holds and self.held >= self.need

    @property
    def median(self):
        return float(np.median([self.own.figure] + [o.figure for o in self.others.values()]))


def check(lesson, seeds=OTHER_SEEDS, first_seed=0, need=None):
    """Run the lesson's claim on its own seed and `seeds` others."""
    claim = CLAIMS[lesson.id]
    own = claim.measure(lesson.on_seed(lesson.seed))
    others = {s: claim.measure(lesson.on_seed(s)) for s in other_seeds(lesson.seed, seeds, first_seed)}
    return Verdict(lesson, claim, own, others, needed(seeds) if need is None else need)


# --- the table -------------------------------------------------------------
def cell(seed, outcome, own=False):
    mark = "" if outcome.holds else "x"
    return f"{seed}{'*' if own else ''}:{outcome.figure:.3g}{mark}"


def report(verdict, verbose):
    v = verdict
    cells = [cell(v.lesson.seed, v.own, own=True)] + [cell(s, o) for s, o in v.others.items()]
    lines = [f"{v.lesson.id:<22} {v.claim.text}",
             f"{'':<22} {'  '.join(cells)}   median {v.median:.3g}   "
             f"held {v.held}/{len(v.others)} (need {v.need}, own {'yes' if v.own.holds else 'NO'})   "
             f"{'PASS' if v.passed else 'FAIL'}"]
    if verbose:
        lines += [f"{'':<24}seed {s}: {o.note}" for s, o in [(v.lesson.seed, v.own), *v.others.items()]]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=OTHER_SEEDS, help="other seeds per lesson (default 5)")
    parser.add_argument("--first-seed", type=int, default=0, help="the other seeds start here (default 0)")
    parser.add_argument("--only", action="append", help="a lesson id (or one of its iframe ids); repeatable")
    parser.add_argument("--article", default=ARTICLE)
    parser.add_argument("-v", "--verbose", action="store_true", help="each seed's details")
    args = parser.parse_args(argv)

    lessons = read_lessons(args.article)
    failed = False
    print(f"{len(lessons)} labs or pairs in {os.path.relpath(args.article)}; a cell is seed:figure "
          f"(* its own seed, x where the claim fails)")
    for lesson in lessons:
        if args.only and not any(name in lesson.id.split("+") or name == lesson.id for name in args.only):
            continue
        if lesson.id not in CLAIMS:
            autoplays = any(e.autoplay for e in lesson.embeds)
            print(f"{lesson.id:<22} no claim{' (but it autoplays: give it one)' if autoplays else ''}")
            failed |= autoplays
            continue
        began = time.perf_counter()
        verdict = check(lesson, args.seeds, args.first_seed)
        print(report(verdict, args.verbose) + f"   {time.perf_counter() - began:.0f}s", flush=True)
        failed |= not verdict.passed
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
