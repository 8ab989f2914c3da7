"""What the pictures need, as float32 arrays: the discriminator's heatmap,
the generator's manifold, the fake samples' gradients and the real density's
contour lines."""

import numpy as np

from .data import NOISE_HIGH, NOISE_LOW, noise_cell_mass
from .nn import run_steps

F32 = np.float32

# The *_steps versions pause after each matrix product, and cut their input
# into row chunks so that no product passes this many multiply-adds (about
# 2 ms in Pyodide): the worker builds a big model's frame in slices and
# answers pause between them. The plain versions run the same steps to the end.
FRAME_PRODUCT_MACS = 4_000_000


def row_chunks(net, x, macs=FRAME_PRODUCT_MACS):
    """x cut into row chunks whose widest product through net stays within
    macs multiply-adds (at least one chunk, so empty input still runs)."""
    rows = max(1, macs // net.widest)
    return [x[start:start + rows] for start in range(0, max(len(x), 1), rows)]


def net_steps(net, x, macs=FRAME_PRODUCT_MACS):
    """net(x) in steps (row chunks; the kept training trace is left alone)."""
    parts = []
    for chunk in row_chunks(net, x, macs):
        parts.append((yield from net.trace_steps(chunk))[-1])
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def cell_centers(n):
    """The n*n centres of an n x n grid on [0, 1]^2, row by row from the bottom."""
    ticks = (np.arange(n, dtype=F32) + F32(0.5)) / F32(n)
    xs, ys = np.meshgrid(ticks, ticks)
    return np.stack([xs.ravel(), ys.ravel()], axis=1)


def heatmap(discriminator, prob, size, centers=None):
    """D's "how real" on a size x size grid: image[row = y, column = x]."""
    return run_steps(heatmap_steps(discriminator, prob, size, centers))


def heatmap_steps(discriminator, prob, size, centers=None):
    if centers is None:
        centers = cell_centers(size)
    scores = yield from net_steps(discriminator, centers)
    return prob(scores[:, 0]).reshape(size, size).astype(F32)


def manifold(generator, noise_type, noise_dim, cells):
    return run_steps(manifold_steps(generator, noise_type, noise_dim, cells))


def manifold_steps(generator, noise_type, noise_dim, cells):
    """The noise square (or segment) mapped through G.

    Returns the warped grid vertices, (cells+1, cells+1, 2) for 2D noise or
    (cells+1, 2) for 1D, and each cell's density: the probability mass of the
    noise in that cell divided by the area (or length) of its image, i.e. how
    densely G puts samples there.
    """
    edges = np.linspace(NOISE_LOW, NOISE_HIGH, cells + 1, dtype=F32)
    mass = noise_cell_mass(noise_type, edges)
    if noise_dim == 1:
        line = yield from net_steps(generator, edges[:, None])
        length = np.linalg.norm(np.diff(line, axis=0), axis=1)
        return line, (mass / np.maximum(length, 1e-9)).astype(F32)
    zx, zy = np.meshgrid(edges, edges)
    grid = np.stack([zx.ravel(), zy.ravel()], axis=1)
    vertices = (yield from net_steps(generator, grid)).reshape(cells + 1, cells + 1, 2)
    area = quad_areas(vertices)
    density = np.outer(mass, mass) / np.maximum(area, 1e-9)
    return vertices, density.astype(F32)


def quad_areas(v):
    """Areas of the quads (v[i,j], v[i,j+1], v[i+1,j+1], v[i+1,j]) of a vertex grid."""
    a, b, c, d = v[:-1, :-1], v[:-1, 1:], v[1:, 1:], v[1:, :-1]
    # shoelace formula: half the cross product of the two diagonals
    p, q = c - a, d - b
    return 0.5 * np.abs(p[..., 0] * q[..., 1] - p[..., 1] * q[..., 0])


def generator_push(discriminator, loss, fake):
    """For each fake sample, the direction that lowers G's loss fastest:
    minus the gradient of its own loss term with respect to its position."""
    return run_steps(generator_push_steps(discriminator, loss, fake))


def generator_push_steps(discriminator, loss, fake, macs=FRAME_PRODUCT_MACS):
    parts = []
    for chunk in row_chunks(discriminator, fake, macs):
        trace = yield from discriminator.trace_steps(chunk)
        # In float64: after a run-away D the scores are finite but large, and their
        # gradient through D's weights can pass float32's range (the arrows only
        # need directions and relative lengths, see below).
        d_scores = loss.g_grad(trace[-1].astype(np.float64)) * len(chunk)   # per sample, not averaged
        parts.append((yield from discriminator.backward_steps(
            d_scores, weight_grads=False, input_grad=True, trace=trace)))
    grad = np.concatenate(parts)
    with np.errstate(all="ignore"):
        grad = np.where(np.isfinite(grad), grad, 0.0)
        largest = np.max(np.abs(grad)) if grad.size else 0.0
        if largest > 1e30:                   # keep the directions, in float32's range
            grad = grad / largest
    return (-grad).astype(F32)


# --- real density contours ---------------------------------------------

def density_grid(points, size=64, bandwidth=0.025):
    """A kernel density estimate of points on a size x size grid over [0, 1]^2.

    Binned KDE: a histogram (samples off the canvas count in the edge cells)
    smoothed by a Gaussian kernel applied along both axes as two small
    matrix products. Returns (density[row = y, col = x], cell centres).
    """
    idx = np.clip((points * size).astype(np.intp), 0, size - 1)
    hist = np.bincount(idx[:, 1] * size + idx[:, 0], minlength=size * size).reshape(size, size)
    ticks = (np.arange(size) + 0.5) / size
    kernel = np.exp(-0.5 * ((ticks[:, None] - ticks[None, :]) / bandwidth) ** 2)
    kernel /= kernel.sum(axis=0, keepdims=True)
    density = kernel @ hist @ kernel.T
    density *= size * size / len(points)          # mass per unit area
    return density, ticks


def mass_levels(density, fractions):
    """Density thresholds whose upper level sets hold the given fractions of the mass."""
    values = np.sort(density.ravel())[::-1]
    cumulative = np.cumsum(values) / values.sum()
    return [float(values[min(np.searchsorted(cumulative, f), len(values) - 1)]) for f in fractions]


# marching squares: corner bits (1: (i, j), 2: (i, j+1), 4: (i+1, j+1),
# 8: (i+1, j)) -> pairs of crossed edges (0: bottom, 1: right, 2: top, 3: left)
_SEGMENTS = {1: [(3, 0)], 2: [(0, 1)], 3: [(3, 1)], 4: [(1, 2)], 5: [(3, 0), (1, 2)], 6: [(0, 2)],
             7: [(3, 2)], 8: [(2, 3)], 9: [(0, 2)], 10: [(0, 1), (2, 3)], 11: [(1, 2)], 12: [(1, 3)],
             13: [(0, 1)], 14: [(3, 0)]}


def contour_segments(values, ticks, level):
    """Line segments (k, 4: x0, y0, x1, y1) where `values` (on grid points
    ticks x ticks, [row = y, col = x]) crosses `level`."""
    above = values > level
    case = (above[:-1, :-1] * 1 + above[:-1, 1:] * 2 + above[1:, 1:] * 4 + above[1:, :-1] * 8)
    v00, v01, v11, v10 = values[:-1, :-1], values[:-1, 1:], values[1:, 1:], values[1:, :-1]
    x0, x1 = ticks[None, :-1], ticks[None, 1:]
    y0, y1 = ticks[:-1, None], ticks[1:, None]

    def crossing(edge, cells):
        """Where `level` crosses the given edge of each selected cell."""
        i, j = cells
        ends = {0: (v00, v01), 1: (v01, v11), 2: (v11, v10), 3: (v10, v00)}[edge]
        va, vb = ends[0][i, j], ends[1][i, j]
        t = (level - va) / (vb - va)
        if edge == 0:
            return x0[0, j] + t * (x1[0, j] - x0[0, j]), y0[i, 0]
        if edge == 1:
            return x1[0, j] + 0 * t, y0[i, 0] + t * (y1[i, 0] - y0[i, 0])
        if edge == 2:
            return x1[0, j] - t * (x1[0, j] - x0[0, j]), y1[i, 0]
        return x0[0, j] + 0 * t, y1[i, 0] - t * (y1[i, 0] - y0[i, 0])

    parts = []
    for code, pairs in _SEGMENTS.items():
        cells = np.nonzero(case == code)
        if len(cells[0]) == 0:
            continue
        for a, b in pairs:
            (xa, ya), (xb, yb) = crossing(a, cells), crossing(b, cells)
            parts.append(np.stack([xa, ya, xb, yb], axis=1))
    return np.concatenate(parts).astype(F32) if parts else np.zeros((0, 4), F32)


def real_contours(points, fractions=(0.25, 0.5, 0.75, 0.95)):
    """Contour segments of the real density at levels holding the given mass
    fractions (25% of the real data lies inside the first line, and so on).
    Returns (segments (k, 4), level index of each segment (k,))."""
    density, ticks = density_grid(points)
    segments, which = [], []
    for index, level in enumerate(mass_levels(density, fractions)):
        seg = contour_segments(density, ticks, level)
        segments.append(seg)
        which.append(np.full(len(seg), index, F32))
    return np.concatenate(segments), np.concatenate(which)
