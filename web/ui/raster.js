// Paints the generator's manifold into an RGBA image: every cell of the warped
// noise grid is filled with its opacity, overlapping cells (where G folds the
// plane) compound like layers of tinted film. One image is one drawImage for
// Bokeh; 400 separately styled polygons were the costliest part of a frame.

import { corner } from './manifold.js';

/** Scan-convert one polygon (xs, ys in pixel units, k corners) with the
 *  crossing rule on pixel centres, multiplying each covered pixel's
 *  transparency by (1 - alpha). */
function fillPolygon(transparency, size, xs, ys, k, alpha) {
  let top = Infinity;
  let bottom = -Infinity;
  for (let c = 0; c < k; c++) {
    top = Math.min(top, ys[c]);
    bottom = Math.max(bottom, ys[c]);
  }
  const rowStart = Math.max(0, Math.ceil(top - 0.5));
  const rowEnd = Math.min(size - 1, Math.floor(bottom - 0.5));
  const keep = 1 - alpha;
  const cross = [0, 0, 0, 0];
  for (let row = rowStart; row <= rowEnd; row++) {
    const y = row + 0.5;
    let n = 0;
    for (let c = 0; c < k; c++) {
      const d = (c + 1) % k;
      const y0 = ys[c];
      const y1 = ys[d];
      if ((y0 <= y && y < y1) || (y1 <= y && y < y0)) {
        cross[n++] = xs[c] + ((y - y0) / (y1 - y0)) * (xs[d] - xs[c]);
      }
    }
    if (n < 2) continue;
    if (n === 4) cross.sort((a, b) => a - b);   // rare: a bent cell crossed four times
    else if (cross[0] > cross[1]) [cross[0], cross[1]] = [cross[1], cross[0]];
    for (let p = 0; p + 1 < n; p += 2) {
      const from = Math.max(0, Math.ceil(cross[p] - 0.5));
      const to = Math.min(size - 1, Math.ceil(cross[p + 1] - 0.5) - 1);
      const base = row * size;
      for (let col = from; col <= to; col++) transparency[base + col] *= keep;
    }
  }
}

export function createManifoldRaster(size, [r, g, b]) {
  const transparency = new Float32Array(size * size);
  const xs = new Float32Array(4);
  const ys = new Float32Array(4);
  const halfWidth = 0.006 * size;   // 1D manifolds: each segment as a thin band
  // Two images taking turns (see buffers.js): Bokeh must be handed a different array each frame.
  const images = [new Uint32Array(size * size), new Uint32Array(size * size)];
  let turn = 0;

  return {
    size,
    /** Paint vertices (interleaved, unit square) with per-cell alphas into a
     *  Uint32Array image, rows from the bottom (Bokeh's image order). */
    paint(shape, vertices, alphas) {
      transparency.fill(1);
      const cells = shape.cells;
      if (shape.dim === 2) {
        for (let i = 0; i < cells; i++) {
          for (let j = 0; j < cells; j++) {
            for (let k = 0; k < 4; k++) {
              const at = 2 * corner(cells, i, j, k);
              xs[k] = vertices[at] * size;
              ys[k] = vertices[at + 1] * size;
            }
            fillPolygon(transparency, size, xs, ys, 4, alphas[i * cells + j]);
          }
        }
      } else {
        for (let k = 0; k < cells; k++) {
          const x0 = vertices[2 * k] * size;
          const y0 = vertices[2 * k + 1] * size;
          const x1 = vertices[2 * k + 2] * size;
          const y1 = vertices[2 * k + 3] * size;
          const length = Math.hypot(x1 - x0, y1 - y0) || 1;
          const nx = (-(y1 - y0) / length) * halfWidth;
          const ny = ((x1 - x0) / length) * halfWidth;
          xs[0] = x0 + nx; ys[0] = y0 + ny;
          xs[1] = x1 + nx; ys[1] = y1 + ny;
          xs[2] = x1 - nx; ys[2] = y1 - ny;
          xs[3] = x0 - nx; ys[3] = y0 - ny;
          fillPolygon(transparency, size, xs, ys, 4, alphas[k]);
        }
      }
      turn ^= 1;
      const image = images[turn];
      const rgb = (b << 16) | (g << 8) | r;
      for (let p = 0; p < image.length; p++) {
        const a = transparency[p];
        image[p] = a < 0.996 ? (Math.round((1 - a) * 255) << 24) | rgb : 0;
      }
      return image;
    },
  };
}
