// The model overview graph's live pictures for images (the graph itself is
// ui/graph.js, shared with the 2-D page): the noise vector as bars, the
// generator as a mosaic of its fakes, a fake and a real digit, the
// discriminator's scores on the grid as a 10x10 patch, the predictions as
// dots on a 0..1 line, the losses as bars, and G's gradient on a fake as a
// pink (more ink) and green (less ink) picture. In slow motion the nodes show
// the batch the current stage works on (ui/slowmo.js collects it).

import { COLORS, heatmapRGBA } from '../ui/colors.js';
import { unitCanvas } from '../ui/canvas2d.js';
import { fmt } from '../ui/dom.js';
import { drawDigit } from './ink.js';

function mosaic(canvas, pixels, count, side, ink) {
  const size = 8 * side;
  const image = new ImageData(size, size);
  const words = new Uint32Array(image.data.buffer);
  const scratch = document.createElement('canvas');
  scratch.width = scratch.height = 8;
  const table = [];
  for (let k = 0; k < Math.min(count, side * side); k++) {
    const ox = (k % side) * 8;
    const oy = Math.floor(k / side) * 8;
    for (let p = 0; p < 64; p++) {
      const v = Math.max(0, Math.min(1, pixels[k * 64 + p]));
      const shade = Math.round(255 * (1 - v));
      words[(oy + (p >> 3)) * size + ox + (p & 7)] = ink(v, shade, table);
    }
  }
  const buffer = Object.assign(document.createElement('canvas'), { width: size, height: size });
  buffer.getContext('2d').putImageData(image, 0, 0);
  fitCanvas(canvas);
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(buffer, 0, 0, canvas.width, canvas.height);
}
const purpleInk = (v) => {
  const r = Math.round(255 - 160 * v);
  const g = Math.round(255 - 220 * v);
  const b = Math.round(255 - 130 * v);
  return (255 << 24) | (b << 16) | (g << 8) | r;
};

function fitCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(8, Math.round((canvas.clientWidth || 60) * ratio));
  const h = Math.max(8, Math.round((canvas.clientHeight || 60) * ratio));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
}

export function createImageMiniViews(graph) {
  const c = graph.canvases;
  let real = null;
  const heat = new Uint32Array(100);

  function noiseBars(z) {
    const { ctx } = unitCanvas(c.noise, '#fafafa');
    const n = Math.min(z.length, 32);
    ctx.fillStyle = '#777';
    for (let i = 0; i < n; i++) {
      const v = Math.max(-3, Math.min(3, z[i])) / 6;
      ctx.fillRect(i / n + 0.1 / n, 0.5, 0.8 / n, v);
    }
  }

  function predictions(fakePred, realPred) {
    const { ctx, px } = unitCanvas(c.predictions, '#fff');
    ctx.fillStyle = '#ddd';
    ctx.fillRect(0, 0.5 - px, 1, 2 * px);
    const row = (values, y, color) => {
      ctx.fillStyle = color;
      for (let i = 0; i < values.length; i++) ctx.fillRect(values[i] - 2 * px, y - 2 * px, 4 * px, 4 * px);
    };
    if (realPred) row(realPred, 0.7, COLORS.real);
    row(fakePred, realPred ? 0.3 : 0.5, COLORS.fake);
  }

  function loss(name, value, color) {
    const { ctx } = unitCanvas(c[name], '#eee');
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, Math.max(0, Math.min(1, (value ?? 0) / 3)), 1);
    graph.setValue(name, fmt(value, 3));
  }

  function gradient(grad) {
    if (!grad) {
      unitCanvas(c.gradients, '#f4f4f4');
      return;
    }
    let scale = 1e-12;
    for (let p = 0; p < 64; p++) scale = Math.max(scale, Math.abs(grad[p]));
    fitCanvas(c.gradients);
    const image = new ImageData(8, 8);
    const words = new Uint32Array(image.data.buffer);
    for (let p = 0; p < 64; p++) {
      const t = grad[p] / scale;                 // > 0: G is pushed to add ink there
      const [r, g, b] = t > 0 ? [255, Math.round(255 - 214 * t), Math.round(255 - 117 * t)]
        : [Math.round(255 + 229 * t), Math.round(255 + 103 * t), Math.round(255 + 175 * t)];
      words[p] = (255 << 24) | (b << 16) | (g << 8) | r;
    }
    const buffer = Object.assign(document.createElement('canvas'), { width: 8, height: 8 });
    buffer.getContext('2d').putImageData(image, 0, 0);
    const ctx = c.gradients.getContext('2d');
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(buffer, 0, 0, c.gradients.width, c.gradients.height);
  }

  return {
    draw(frame, { stage = null } = {}) {
      const a = frame.arrays;
      const h = frame.header;
      const s = stage?.arrays ?? {};
      const sv = stage?.values ?? {};
      if (a.dataset_sample) real = a.dataset_sample.data.slice(0, 64 * 9);
      const fakes = s.fake?.data ?? a.grid.data;
      const noise = s.noise?.data ?? a.noise?.data;
      if (noise) noiseBars(noise.subarray(0, h.config.noise_dim));
      mosaic(c.generator, fakes, 9, 3, purpleInk);
      fitCanvas(c.fake);
      drawDigit(c.fake, fakes, 0, 'fake');
      const reals = s.real?.data ?? real;
      if (reals) {
        fitCanvas(c.real);
        drawDigit(c.real, reals, 0, 'real');
      }
      // D's verdict on the grid's fakes, a 10x10 patch in the heatmap's colours
      heatmapRGBA(a.grid_score.data, heat);
      const image = new ImageData(new Uint8ClampedArray(heat.buffer.slice(0)), 10, 10);
      const buffer = Object.assign(document.createElement('canvas'), { width: 10, height: 10 });
      buffer.getContext('2d').putImageData(image, 0, 0);
      fitCanvas(c.discriminator);
      const ctx = c.discriminator.getContext('2d');
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(buffer, 0, 0, c.discriminator.width, c.discriminator.height);
      predictions(s.fake_pred?.data ?? a.grid_score.data, s.real_pred?.data ?? null);
      loss('d_loss', sv.d_loss ?? h.metrics.d_loss, COLORS.discriminator);
      loss('g_loss', sv.g_loss ?? h.metrics.g_loss, COLORS.fake);
      gradient(s.fake_grad ? s.fake_grad.data.subarray(0, 64) : null);
      const cfg = h.config;
      const cond = cfg.model === 'conditional' ? ' + digit' : '';
      graph.setCaption('generator', `${cfg.noise_dim}${cond} → ${Array(cfg.g_layers).fill(cfg.g_neurons).join(' → ')} → 64`);
      graph.setCaption('discriminator', `64${cond} → ${Array(cfg.d_layers).fill(cfg.d_neurons).join(' → ')} → 1`);
    },
  };
}
