"""Bring your own data: 2-D points from CSV or whitespace-separated text,
scaled onto the canvas for a drawn distribution.

    from ganlab_wasm.points_io import read_points
    points = read_points(open("mydata.csv").read()).points
    lab = Lab(Config(distribution="drawn", points=points))

One row per point, two numbers (x, y) separated by commas, semicolons, tabs
or spaces. Blank lines and lines starting with # are skipped, and so is a
header row (a first row that is not numbers). The points are scaled into the
canvas with a margin, keeping their aspect ratio (y up, as on the page). A row
that is not two finite numbers is skipped and named in the result's notes; if
fewer than MIN_DRAWN_POINTS rows are good, PointsError says why and nothing
is made. Beyond MAX_DRAWN_POINTS points, every k-th point is kept (notes say so).
The worker's `load_points` command runs this same parser for the page.
"""

import math
import re
from dataclasses import dataclass, field

import numpy as np

from .config import MAX_DRAWN_POINTS, MIN_DRAWN_POINTS

MARGIN = 0.1                 # canvas fraction left free on each side
MAX_TEXT = 2_000_000         # characters: a bigger paste is refused before parsing
MAX_NAMED = 5                # bad lines named one by one in the notes
_SPLIT = re.compile(r"[,;\s]+")


class PointsError(ValueError):
    """The text holds too few good points (or is too big); nothing was made."""


@dataclass
class PointsResult:
    points: tuple                      # ((x, y), ...) on the canvas, in [0, 1]^2
    notes: list = field(default_factory=list)    # what was skipped, scaled or thinned, for the user
    bad_lines: list = field(default_factory=list)  # 1-based line numbers of rows that were skipped
    read: int = 0                      # good rows in the text (before thinning)


def _row(line):
    """(x, y) for a row of two finite numbers, else None."""
    tokens = [t for t in _SPLIT.split(line.strip()) if t]
    if len(tokens) != 2:
        return None
    try:
        x, y = float(tokens[0]), float(tokens[1])
    except ValueError:
        return None
    return (x, y) if math.isfinite(x) and math.isfinite(y) else None


def parse_rows(text):
    """(good rows as an (n, 2) float64 array, [(line number, line)] of bad rows, header line or None)."""
    if not isinstance(text, str):
        raise PointsError("the points must be text (CSV or numbers separated by spaces)")
    if len(text) > MAX_TEXT:
        raise PointsError(f"the text is too long ({len(text):,} characters; at most {MAX_TEXT:,})")
    good, bad, header, seen_data = [], [], None, False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        point = _row(stripped)
        if point is not None:
            good.append(point)
            seen_data = True
        elif not seen_data and header is None and not bad and re.search(r"[A-Za-z]", stripped):
            header = number                  # e.g. "x,y" above the numbers
        else:
            bad.append((number, stripped))
    return np.array(good, np.float64).reshape(-1, 2), bad, header


def fit_to_canvas(xy, margin=MARGIN):
    """Scale points into [margin, 1 - margin]^2 keeping the aspect ratio, centred."""
    low, high = xy.min(axis=0), xy.max(axis=0)
    extent = float((high - low).max())
    scale = (1 - 2 * margin) / extent if extent > 0 else 0.0
    centre = (low + high) / 2
    out = 0.5 + (xy - centre) * scale
    return np.clip(out, 0.0, 1.0)


def read_points(text, margin=MARGIN, limit=MAX_DRAWN_POINTS):
    """Parse and scale; returns a PointsResult or raises PointsError."""
    xy, bad, header = parse_rows(text)
    notes = []
    if header is not None:
        notes.append(f"line {header} was read as a header and skipped")
    if bad:
        named = ", ".join(f"line {n} ({_clip(line)!r})" for n, line in bad[:MAX_NAMED])
        more = f" and {len(bad) - MAX_NAMED} more" if len(bad) > MAX_NAMED else ""
        notes.append(f"{len(bad)} row(s) are not two numbers and were skipped: {named}{more}")
    if len(xy) < MIN_DRAWN_POINTS:
        found = "no" if not len(xy) else f"only {len(xy)}"
        detail = f"; {notes[-1]}" if bad else ""
        raise PointsError(f"the data has {found} good point(s); at least {MIN_DRAWN_POINTS} are needed "
                          f"(one row per point: x, y){detail}")
    read = len(xy)
    if read > limit:
        step = math.ceil(read / limit)
        xy = xy[::step]
        notes.append(f"the data has {read} points, more than the limit of {limit}: "
                     f"one point in {step} was kept ({len(xy)} points)")
    points = fit_to_canvas(xy, margin)
    return PointsResult(tuple((float(x), float(y)) for x, y in points), notes, [n for n, _ in bad], read)


def points_to_csv(points):
    """The canvas points as CSV text with a header (what read_points reads back)."""
    return "x,y\n" + "".join(f"{x:.6g},{y:.6g}\n" for x, y in points)


def _clip(line, width=30):
    return line if len(line) <= width else line[:width - 1] + "…"
