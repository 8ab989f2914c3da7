// Plain canvas-2D drawing for the small pictures (the model graph's mini views
// and the data picker's thumbnails). Ten live mini views as Bokeh plots would
// each run Bokeh's layout and render pipeline every frame; a few hundred
// fillRect calls on a 70-pixel canvas cost a fraction of a millisecond.

// CSS sizes of the canvases drawn every frame, kept up to date by a
// ResizeObserver: reading clientWidth in the frame handler would force a
// layout after every text update.
const sizes = new WeakMap();
const observer = new ResizeObserver((entries) => {
  for (const entry of entries) {
    const box = entry.contentBoxSize?.[0];
    sizes.set(entry.target, box ? [box.inlineSize, box.blockSize] : [entry.contentRect.width, entry.contentRect.height]);
  }
});

/** Size the canvas's backing store to its CSS box (observed, or `fallback`
 *  [w, h] for a canvas not laid out, like a thumbnail in a closed menu). */
function fit(canvas, fallback) {
  if (!sizes.has(canvas)) {
    observer.observe(canvas);
    sizes.set(canvas, [canvas.clientWidth, canvas.clientHeight]);
  }
  let [cw, ch] = sizes.get(canvas);
  if (!cw || !ch) [cw, ch] = fallback ?? [canvas.width, canvas.height];
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(cw * ratio));
  const h = Math.max(1, Math.round(ch * ratio));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  return [w, h];
}

/** Whether the canvas's size changed since it was last drawn (cached pictures must be redrawn). */
export function resized(canvas) {
  const size = sizes.get(canvas);
  const ratio = window.devicePixelRatio || 1;
  return !size || Math.round(size[0] * ratio) !== canvas.width || Math.round(size[1] * ratio) !== canvas.height;
}

/** Size the canvas to its CSS box and map the unit square onto it, y upwards.
 *  Returns {ctx, px}: px is one CSS pixel in unit coordinates. */
export function unitCanvas(canvas, background = '#fff', fallback = null) {
  const [w, h] = fit(canvas, fallback);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, w, h);
  ctx.setTransform(w, 0, 0, -h, 0, h);
  const ratio = window.devicePixelRatio || 1;
  return { ctx, px: ratio / w, w, h };
}

/** Interleaved (x, y) points as small squares, all one colour. */
export function dots(ctx, xy, color, size, count = xy.length / 2, stride = 1) {
  ctx.fillStyle = color;
  const half = size / 2;
  for (let i = 0; i < count; i += stride) {
    ctx.fillRect(xy[2 * i] - half, xy[2 * i + 1] - half, size, size);
  }
}

/** Points coloured by a value in [0, 1], in `palette.length` bins: one fill
 *  colour change per bin instead of one CSS colour string per point. */
export function binnedDots(ctx, xy, values, palette, size, stride = 1) {
  const bins = palette.length;
  const half = size / 2;
  for (let b = 0; b < bins; b++) {
    ctx.fillStyle = palette[b];
    for (let i = 0; i < values.length; i += stride) {
      const v = values[i];
      const bin = v >= 1 ? bins - 1 : v > 0 ? (v * bins) | 0 : 0;
      if (bin === b) ctx.fillRect(xy[2 * i] - half, xy[2 * i + 1] - half, size, size);
    }
  }
}

/** Thin line segments from each point along its vector (scaled). */
export function arrows(ctx, xy, vectors, scale, color, lineWidth, stride = 1) {
  ctx.strokeStyle = color;
  ctx.lineWidth = lineWidth;
  ctx.beginPath();
  for (let i = 0; i < xy.length / 2; i += stride) {
    const x = xy[2 * i];
    const y = xy[2 * i + 1];
    ctx.moveTo(x, y);
    ctx.lineTo(x + vectors[2 * i] * scale, y + vectors[2 * i + 1] * scale);
  }
  ctx.stroke();
}
