// The live pictures inside the model graph's nodes, drawn with canvas 2D
// (see canvas2d.js for why not Bokeh): noise as dots on a square or a line,
// the generator as its manifold, fake and real samples as dots, the
// discriminator as its heatmap, predictions as dots coloured by D's verdict,
// the losses as bars, and the generator's gradients as short pink lines.
// In slow motion the nodes show the batch the current stage works on.

import { COLORS, predictionColor } from './colors.js';
import { arrows, binnedDots, dots, resized, unitCanvas } from './canvas2d.js';
import { fmt } from './dom.js';
import { cellAlphas, corner, manifoldOf, morph } from './manifold.js';

const PREDICTION_BINS = 12;
const PALETTE = Array.from({ length: PREDICTION_BINS }, (_, b) => predictionColor((b + 0.5) / PREDICTION_BINS));
const ALPHA_LEVELS = 8;   // manifold cells are filled in this many opacity steps
const GRADIENT_LINES = 150;
const STRIDE = 2;   // a 60-pixel picture shows the shape with every other sample

export function createMiniViews(graph, { noiseRange }) {
  const c = graph.canvases;
  const heatCanvas = document.createElement('canvas');   // the heatmap at its own resolution
  let morphBuffer = null;
  let staticKey = null;
  let alphaBuffer = null;

  function noise(xy, dim) {
    const { ctx, px } = unitCanvas(c.noise, '#fafafa');
    const [low, high] = noiseRange;
    const scale = 1 / (high - low);
    ctx.fillStyle = '#777';
    const size = 2 * px;
    const n = xy.length / dim;
    if (dim === 2) {
      for (let i = 0; i < n; i++) ctx.fillRect((xy[2 * i] - low) * scale - px, (xy[2 * i + 1] - low) * scale - px, size, size);
    } else {
      ctx.fillStyle = '#ccc';
      ctx.fillRect(0, 0.5 - px / 2, 1, px);
      ctx.fillStyle = '#777';
      for (let i = 0; i < n; i++) ctx.fillRect((xy[i] - low) * scale - px, 0.5 - px, size, size);
    }
  }

  function manifold(shape, t) {
    const { ctx, px } = unitCanvas(c.generator, '#fff');
    morphBuffer = morphBuffer?.length === shape.vertices.length ? morphBuffer : new Float32Array(shape.vertices.length);
    const v = morph(shape, t, noiseRange, morphBuffer);
    alphaBuffer = alphaBuffer?.length === shape.density.length ? alphaBuffer : new Float32Array(shape.density.length);
    const alpha = cellAlphas(shape.density, 0.8, alphaBuffer);
    ctx.fillStyle = COLORS.manifold;
    ctx.strokeStyle = COLORS.manifold;
    if (shape.dim === 1) {
      ctx.lineWidth = 2.5 * px;
      for (let k = 0; k < shape.cells; k++) {
        ctx.globalAlpha = 0.2 + alpha[k];
        ctx.beginPath();
        ctx.moveTo(v[2 * k], v[2 * k + 1]);
        ctx.lineTo(v[2 * k + 2], v[2 * k + 3]);
        ctx.stroke();
      }
    } else {
      // one path per opacity level: a few fills instead of one per cell
      const cells = shape.cells;
      for (let level = 1; level <= ALPHA_LEVELS; level++) {
        ctx.beginPath();
        for (let i = 0; i < cells; i++) {
          for (let j = 0; j < cells; j++) {
            if (Math.ceil((alpha[i * cells + j] / 0.8) * ALPHA_LEVELS) !== level) continue;
            for (let k = 0; k < 4; k++) {
              const at = 2 * corner(cells, i, j, k);
              if (k === 0) ctx.moveTo(v[at], v[at + 1]);
              else ctx.lineTo(v[at], v[at + 1]);
            }
            ctx.closePath();
          }
        }
        ctx.globalAlpha = (0.8 * level) / ALPHA_LEVELS;
        ctx.fill();
      }
    }
    ctx.globalAlpha = 1;
  }

  function heatmap(rgba, n) {
    if (heatCanvas.width !== n) heatCanvas.width = heatCanvas.height = n;
    heatCanvas.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, n * n * 4), n, n), 0, 0);
    const { ctx } = unitCanvas(c.discriminator);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(heatCanvas, 0, 0, 1, 1);   // row 0 is the lowest y: the flipped transform puts it at the bottom
  }

  function samples(canvas, xy, color, background = '#fff', movedFrom = null, stride = STRIDE) {
    const { ctx, px } = unitCanvas(canvas, background);
    if (movedFrom) {
      ctx.globalAlpha = 0.35;
      dots(ctx, movedFrom, color, 2 * px);
      ctx.globalAlpha = 1;
      ctx.strokeStyle = COLORS.gradient;
      ctx.lineWidth = px;
      ctx.beginPath();
      for (let i = 0; i < xy.length / 2; i += 2) {
        ctx.moveTo(movedFrom[2 * i], movedFrom[2 * i + 1]);
        ctx.lineTo(xy[2 * i], xy[2 * i + 1]);
      }
      ctx.stroke();
    }
    dots(ctx, xy, color, 2.4 * px, xy.length / 2, stride);
  }

  function predictions(parts) {
    const { ctx, px } = unitCanvas(c.predictions, '#fff');
    for (const [xy, pred] of parts) binnedDots(ctx, xy, pred, PALETTE, 2.6 * px, STRIDE);
  }

  function gradients(xy, grad) {
    const { ctx, px } = unitCanvas(c.gradients, '#fff');
    const n = xy.length / 2;
    const stride = Math.max(1, Math.floor(n / GRADIENT_LINES));
    let longest = 0;
    for (let i = 0; i < n; i += stride) longest = Math.max(longest, Math.hypot(grad[2 * i], grad[2 * i + 1]));
    ctx.globalAlpha = 0.5;
    dots(ctx, xy, COLORS.fake, 1.6 * px, n, stride);
    ctx.globalAlpha = 1;
    arrows(ctx, xy, grad, longest > 0 ? 0.12 / longest : 0, COLORS.gradient, 1.2 * px, stride);
  }

  function loss(name, value, color) {
    const { ctx } = unitCanvas(c[name], '#eee');
    ctx.fillStyle = color;
    const length = value === null ? 0 : Math.min(1, Math.abs(value) / 2);
    ctx.globalAlpha = value < 0 ? 0.5 : 1;
    ctx.fillRect(0, 0, length, 1);
    ctx.globalAlpha = 1;
    graph.setValue(name, fmt(value, 3));
  }

  return {
    /** Draw every node. `extra` holds {heatRGBA, morphT, stage}: the heatmap's
     *  colours (shared with the layered view), the hover morph and the
     *  slow-motion batch ({arrays, values}) if any. */
    draw(frame, { heatRGBA, morphT = 1, stage = null }) {
      const a = frame.arrays;
      const m = frame.header.metrics;
      const s = stage?.arrays ?? {};
      const sv = stage?.values ?? {};
      // The noise and the real samples shown stay the same for a whole run
      // (or a slow-motion stage): draw them only when that changes.
      const key = `${frame.header.build}:${stage ? stage.net + stage.index : ''}`;
      if (key !== staticKey || resized(c.noise) || resized(c.real)) {
        staticKey = key;
        noise((s.noise ?? a.noise).data, a.noise.shape[1]);
        samples(c.real, (s.real ?? a.real).data, COLORS.real);
      }
      manifold(manifoldOf(a), morphT);
      // A stage's batch is shown only with its positions (a stage whose frame
      // was skipped leaves a gap): otherwise a node shows the fixed samples.
      const moved = s.moved_from && s.fake ? s.moved_from.data : null;
      samples(c.fake, (s.fake ?? a.fake).data, COLORS.fake, '#fff', moved, s.fake ? 1 : STRIDE);
      heatmap(heatRGBA, a.heatmap.shape[0]);
      if (s.fake_pred && s.fake) {
        const parts = [[s.fake.data, s.fake_pred.data]];
        if (s.real_pred && s.real) parts.unshift([s.real.data, s.real_pred.data]);
        predictions(parts);
      } else {
        predictions([[a.real.data, a.real_pred.data], [a.fake.data, a.fake_pred.data]]);
      }
      if (s.fake_grad && s.fake) gradients(s.fake.data, s.fake_grad.data);
      else gradients(a.fake.data, a.fake_grad.data);
      loss('d_loss', sv.d_loss ?? m.d_loss, COLORS.discriminator);
      loss('g_loss', sv.g_loss ?? m.g_loss, COLORS.fake);
    },
    /** Only the generator, for the hover animation between frames. */
    drawManifold(frame, t) {
      manifold(manifoldOf(frame.arrays), t);
    },
  };
}
