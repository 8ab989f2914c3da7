// Thumbnails of the data distributions for the picker, drawn from real
// samples of each preset that the worker sends once (client.thumbnails()).

import { COLORS } from './colors.js';
import { dots, unitCanvas } from './canvas2d.js';

/** Draw interleaved points (a Float32Array of x, y in [0, 1]) into a canvas. */
export function drawThumbnail(canvas, xy, color = COLORS.real) {
  const size = Number(canvas.dataset.size) || 64;   // its CSS size, for when the menu is closed
  const { ctx, px } = unitCanvas(canvas, '#f7f7f7', [size, size]);
  ctx.globalAlpha = 0.75;
  dots(ctx, xy, color, 2.2 * px);
  ctx.globalAlpha = 1;
}
