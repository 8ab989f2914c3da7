// A grid of 8x8 images as one BokehJS figure: every tile is composed into a
// single RGBA raster (one image_rgba glyph, so a 100-image grid costs one
// texture upload per frame, not a hundred glyphs), with an optional caption
// under each tile (D's score) as a text glyph. Hovering a tile calls
// onHover(index | null, event); the tile under the pointer is outlined.
//
// Pixels arrive as a Float32Array of n * 64 values in [0, 1] (row-major 8x8,
// 1 = ink), the way the worker packs them.

import { el } from '../ui/dom.js';
import { inkTable } from './ink.js';

export const SIDE = 8;           // pixels per side of one digit
const GAP = 1;                   // blank pixels between tiles
const CAPTION = 4;               // raster rows under each tile for its caption

export function createImageGrid(element, { columns, rows, ink = 'fake', captions = false, label = '',
  scale = 6, onHover = null } = {}) {
  const { ndarray } = Bokeh.require('core/util/ndarray');
  let cols = columns;
  let nrows = rows;
  let width = 0;
  let height = 0;
  let rgba = null;
  let table = inkTable(ink);
  const cellH = SIDE + (captions ? CAPTION : GAP);

  const xRange = new Bokeh.Range1d({ start: 0, end: 1 });
  const yRange = new Bokeh.Range1d({ start: 0, end: 1 });
  const fig = Bokeh.Plotting.figure({
    width: 300, height: 300, sizing_mode: 'scale_width', x_range: xRange, y_range: yRange,
    tools: '', toolbar_location: null, x_axis_location: null, y_axis_location: null,
    min_border: 0, outline_line_color: null, background_fill_color: '#ffffff', border_fill_color: null,
  });
  fig.center = [];
  const imageSource = new Bokeh.ColumnDataSource({ data: { image: [], dw: [], dh: [] } });
  const image = fig.image_rgba({ image: { field: 'image' }, x: 0, y: 0, dw: { field: 'dw' }, dh: { field: 'dh' },
    source: imageSource });
  const textSource = new Bokeh.ColumnDataSource({ data: { x: [], y: [], text: [], color: [] } });
  if (captions) {
    fig.text({ x: { field: 'x' }, y: { field: 'y' }, text: { field: 'text' }, text_color: { field: 'color' },
      source: textSource, text_align: 'center', text_baseline: 'middle', text_font_size: '9px' });
  }
  const hoverSource = new Bokeh.ColumnDataSource({ data: { x: [], y: [] } });
  fig.rect({ x: { field: 'x' }, y: { field: 'y' }, width: SIDE + 0.6, height: SIDE + 0.6, source: hoverSource,
    fill_alpha: 0, line_color: '#e7298a', line_width: 2 });

  const plot = el('div', { class: 'image-grid-plot', role: 'img', 'aria-label': label });
  element.append(plot);
  let view = null;
  const shown = Bokeh.Plotting.show(fig, plot).then((v) => (view = v));

  function resize(c, r) {
    cols = c;
    nrows = r;
    width = cols * (SIDE + GAP) - GAP;
    height = nrows * cellH - (captions ? 0 : GAP);
    rgba = new Uint32Array(width * height);
    xRange.setv({ start: 0, end: width });
    yRange.setv({ start: 0, end: height });
    // fixed aspect: the plot scales with its column, the tiles stay square
    fig.setv({ width: width * scale, height: height * scale });
  }
  resize(cols, nrows);

  /** Tile i's lower-left corner in data units (Bokeh's y runs upwards). */
  const corner = (i) => {
    const c = i % cols;
    const r = Math.floor(i / cols);
    return [c * (SIDE + GAP), height - r * cellH - SIDE];
  };

  let count = 0;
  let last = null;
  function draw(pixels, { scores = null, texts = null, colors = null, columns: c = cols, rows: r = null } = {}) {
    const n = Math.floor(pixels.length / (SIDE * SIDE));
    const wantRows = r ?? Math.max(1, Math.ceil(n / c));
    if (c !== cols || wantRows !== nrows) resize(c, wantRows);
    count = Math.min(n, cols * nrows);
    rgba.fill(0xffffffff);
    for (let i = 0; i < count; i++) {
      const [x0, y0] = corner(i);
      for (let py = 0; py < SIDE; py++) {
        // raster row 0 is the bottom: the digit's top row goes highest
        const row = (y0 + SIDE - 1 - py) * width + x0;
        const src = i * 64 + py * SIDE;
        for (let px = 0; px < SIDE; px++) {
          const v = pixels[src + px];
          rgba[row + px] = table[v >= 1 ? 255 : v > 0 ? (v * 255) | 0 : 0];
        }
      }
    }
    imageSource.setv({ data: { image: [ndarray(rgba.slice(), { shape: [height, width] })], dw: [width], dh: [height] } },
      { check_eq: false });
    if (captions) {
      const x = [];
      const y = [];
      const text = [];
      const color = [];
      for (let i = 0; i < count; i++) {
        const [x0, y0] = corner(i);
        x.push(x0 + SIDE / 2);
        y.push(y0 - CAPTION / 2 + 0.3);
        text.push(texts ? texts[i] : scores ? scores[i].toFixed(2) : '');
        color.push(colors ? colors[i] : scores ? scoreColor(scores[i]) : '#444');
      }
      textSource.data = { x, y, text, color };
    }
    last = { pixels, scores, texts };
  }

  // Hover: the pointer's place over the plot gives the tile (plot area = the whole figure).
  function tileAt(event) {
    const box = plot.getBoundingClientRect();
    if (!box.width || !box.height) return null;
    const x = ((event.clientX - box.left) / box.width) * width;
    const yDown = ((event.clientY - box.top) / box.height) * height;
    const c = Math.floor(x / (SIDE + GAP));
    const r = Math.floor(yDown / cellH);
    const inTile = x - c * (SIDE + GAP) < SIDE && yDown - r * cellH < SIDE;
    const i = r * cols + c;
    return inTile && c >= 0 && c < cols && r >= 0 && i < count ? i : null;
  }
  let hovered = null;
  function setHovered(i) {
    hovered = i;
    if (i === null) hoverSource.data = { x: [], y: [] };
    else {
      const [x0, y0] = corner(i);
      hoverSource.data = { x: [x0 + SIDE / 2], y: [y0 + SIDE / 2] };
    }
  }
  if (onHover) {
    plot.addEventListener('pointermove', (event) => {
      const i = tileAt(event);
      if (i !== hovered) setHovered(i);
      onHover(i, event);
    });
    plot.addEventListener('pointerleave', (event) => {
      setHovered(null);
      onHover(null, event);
    });
  }

  return {
    element: plot,
    shown,
    draw,
    setInk(name) {
      table = inkTable(name);
      if (last) draw(last.pixels, { scores: last.scores, texts: last.texts });
    },
    get hovered() {
      return hovered;
    },
    get view() {
      return view;
    },
    /** What the grid shows, for tests: tile count, grid size, captions, pixels of tile i. */
    inspect(i = null) {
      const out = { count, columns: cols, rows: nrows, captions: [...(textSource.data.text ?? [])],
        drawn: imageSource.data.image.length > 0 };
      if (i !== null && last) out.tile = Array.from(last.pixels.subarray(i * 64, i * 64 + 64));
      return out;
    },
  };
}

/** D's score as a colour: purple (fake) below 0.5, green (real) above. */
export function scoreColor(score) {
  if (score === null || Number.isNaN(score)) return '#888';
  return score >= 0.5 ? '#1a9850' : '#8e44ad';
}
