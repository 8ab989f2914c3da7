// Geometry for drawing the generator's manifold: the noise grid the core
// mapped through G (frame arrays `manifold`, `manifold_density`), its cells as
// polygons, how opaque each cell is, and the morph from the regular noise grid
// to its image (the paper's Fig. 5) used while the generator node is hovered.

/** {dim, cells, vertices (interleaved x, y), density} from a frame's arrays. */
export function manifoldOf(arrays) {
  const { manifold, manifold_density: density } = arrays;
  const dim = manifold.shape.length === 3 ? 2 : 1;
  return { dim, cells: manifold.shape[0] - 1, vertices: manifold.data, density: density.data };
}

/** The undeformed grid: where each manifold vertex's noise value sits when
 *  the noise range [low, high] is laid over the unit square (1D noise: a
 *  horizontal line through the middle). Cached per shape. */
const gridCache = new Map();
export function noiseGrid(dim, cells, [low, high]) {
  const key = `${dim}:${cells}:${low}:${high}`;
  if (!gridCache.has(key)) {
    const n = cells + 1;
    const out = new Float32Array(dim === 2 ? n * n * 2 : n * 2);
    const at = (k) => k / cells;   // noise edges are evenly spaced over [low, high]
    if (dim === 2) {
      // vertex (i, j) is noise (edge j, edge i): rows follow the second coordinate
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          out[2 * (i * n + j)] = at(j);
          out[2 * (i * n + j) + 1] = at(i);
        }
      }
    } else {
      for (let k = 0; k < n; k++) {
        out[2 * k] = at(k);
        out[2 * k + 1] = 0.5;
      }
    }
    gridCache.set(key, out);
  }
  return gridCache.get(key);
}

/** Vertices a fraction t of the way from the noise grid to G's image. */
export function morph(shape, t, range, out = new Float32Array(shape.vertices.length)) {
  if (t >= 1) return shape.vertices;
  const grid = noiseGrid(shape.dim, shape.cells, range);
  const v = shape.vertices;
  for (let k = 0; k < v.length; k++) out[k] = grid[k] + (v[k] - grid[k]) * t;
  return out;
}

/** Opacity of each cell: density relative to the median cell, so the picture
 *  says where G packs its samples more or less densely whatever the scale. */
export function cellAlphas(density, maxAlpha = 0.7, out = new Float32Array(density.length)) {
  const sorted = Float32Array.from(density).sort();
  const median = sorted[sorted.length >> 1] || 1e-9;
  for (let k = 0; k < density.length; k++) {
    const d = density[k];
    out[k] = Number.isFinite(d) ? (maxAlpha * d) / (d + median) : maxAlpha;
  }
  return out;
}

/** Corner k (0..3, counter-clockwise) of cell (i, j) of a 2D vertex grid, as an index into the vertices. */
export function corner(cells, i, j, k) {
  const n = cells + 1;
  const di = k >= 2 ? 1 : 0;
  const dj = k === 1 || k === 2 ? 1 : 0;
  return (i + di) * n + (j + dj);
}
