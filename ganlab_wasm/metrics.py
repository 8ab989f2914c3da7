"""How far the fake distribution is from the real one: KL and JS on a grid,
a sliced Wasserstein distance, the modes covered and the share on the border.

For KL and JS, both distributions are histogrammed on a GRID x GRID grid over the canvas.
Every sample counts: one off the canvas falls in the nearest edge cell. The
histograms are smoothed with a pseudo-count of PSEUDO_COUNT per cell, so an
empty fake cell under real mass gives a large but finite KL, never infinity.
(GAN Lab counted 151 of 450 real samples against 150 fake ones on 900 cells
and dropped off-canvas samples; we use many more samples than cells.)
"""

import numpy as np

GRID = 20
PSEUDO_COUNT = 0.5
REAL_SAMPLES = 20_000
FAKE_SAMPLES = 5_000


def histogram(points, grid=GRID):
    """Counts per cell, flattened row by row (row = y)."""
    idx = np.clip(np.floor(points * grid).astype(np.intp), 0, grid - 1)
    return np.bincount(idx[:, 1] * grid + idx[:, 0], minlength=grid * grid)


def smoothed(counts):
    counts = counts + PSEUDO_COUNT
    return counts / counts.sum()


def kl(p, q):
    """KL(p || q) in nats for strictly positive distributions."""
    return float(np.sum(p * np.log(p / q)))


def kl_js(real_counts, fake_counts):
    """(KL(P_real || P_fake), JS(P_real, P_fake)) from two histograms."""
    p, q = smoothed(real_counts), smoothed(fake_counts)
    m = 0.5 * (p + q)
    return kl(p, q), 0.5 * kl(p, m) + 0.5 * kl(q, m)


# --- distances that do not saturate ----------------------------------------
# KL and JS on a grid saturate once the two histograms stop overlapping: a
# generator far away and one just beside the data score alike. The sliced
# Wasserstein-1 distance keeps growing with how far the mass has to move: it
# is the mean, over DIRECTIONS fixed directions, of the 1D Wasserstein-1
# distance between the projected samples (with equal counts, the mean gap
# between the sorted projections). Its unit is the canvas width; 0 is a
# perfect match in principle, and two samples of 5,000 from the same
# distribution score about SW_NOISE_FLOOR (450 against 450: 0.015 to 0.035).
DIRECTIONS = 16
_ANGLES = np.arange(DIRECTIONS) * (np.pi / DIRECTIONS)
_PROJECTION = np.stack([np.cos(_ANGLES), np.sin(_ANGLES)]).astype(np.float32)   # (2, DIRECTIONS)
SW_NOISE_FLOOR = 0.005


def sorted_projections(points):
    """The points projected on each direction and sorted, (n, DIRECTIONS):
    computed once for the real reference sample."""
    return np.sort(points @ _PROJECTION, axis=0)


def sliced_wasserstein(real, fake, real_sorted=None):
    """Sliced Wasserstein-1 distance between two point sets (n, 2), in canvas
    units; pass real_sorted = sorted_projections(real) to skip that part."""
    a = sorted_projections(real) if real_sorted is None else real_sorted
    b = sorted_projections(fake)
    if len(a) != len(b):
        # compare the two empirical quantile functions at common levels
        levels = (np.arange(max(len(a), len(b))) + 0.5) / max(len(a), len(b))
        a = np.quantile(a, levels, axis=0, method="inverted_cdf")
        b = np.quantile(b, levels, axis=0, method="inverted_cdf")
    return float(np.mean(np.abs(a - b)))


# --- modes -----------------------------------------------------------------
MODE_RADIUS = 3.0        # a sample belongs to a mode within 3 of its stds
COVERED_SHARE = 1 / 3    # a mode is covered with a third of its fair share


def mode_shares(points, centers, stds):
    """For each mode, the share of points within MODE_RADIUS of its stds
    (nearest mode first, so no point counts twice), over its fair share
    1 / len(centers). A perfect generator scores about 0.99 everywhere (the 1%
    outside 3 stds); a collapsed one scores 0 on the modes it dropped."""
    centers, inv_var = np.asarray(centers, np.float64), 1 / np.asarray(stds, np.float64) ** 2
    points = np.asarray(points, np.float64)
    # squared Mahalanobis distances (n, modes), expanded into two small matrix
    # products: sum_k (p_k - c_k)^2 / s_k^2 = p^2 . (1/s^2) - 2 p . (c/s^2) + c^2 . (1/s^2)
    dist = (points * points) @ inv_var.T
    dist -= 2 * points @ (centers * inv_var).T
    dist += np.sum(centers * centers * inv_var, axis=1)
    nearest = np.argmin(dist, axis=1)
    inside = np.take_along_axis(dist, nearest[:, None], axis=1)[:, 0] <= MODE_RADIUS ** 2
    counts = np.bincount(nearest[inside], minlength=len(centers))
    return counts / (len(points) / len(centers))


def modes_covered(shares):
    """How many modes hold at least COVERED_SHARE of their fair share."""
    return int(np.sum(shares >= COVERED_SHARE))


# --- the canvas border -----------------------------------------------------
BORDER = 0.01


def border_share(points):
    """Share of points within BORDER of the canvas edge (or beyond it): a
    generator whose output squashes at the edge pins samples there."""
    near = (points < BORDER) | (points > 1 - BORDER)
    return float(np.mean(near[:, 0] | near[:, 1]))
