// The layered distributions view: one BokehJS plot of the unit square with a
// renderer per layer (discriminator heatmap, generator manifold, real density
// contours, real samples, generator gradients, fake samples), a toggle for
// each and a one-line legend of what is on.
//
// Speed: the Bokeh models are built once; a frame only replaces
// ColumnDataSource data, with arrays reused between frames. Glyphs are chosen
// so that one layer is one canvas operation: samples are one `line` whose
// NaN-separated, round-capped stubs draw as dots in a single stroke (a
// `scatter` styles, fills and restores every marker on its own), gradients and
// contours are NaN-separated `line`s too, and the manifold's cells are painted
// into one image (raster.js) under a `line` for its mesh.

import { COLORS } from './colors.js';
import { PingPong, replaceData } from './buffers.js';
import { el } from './dom.js';
import { cellAlphas, manifoldOf, morph } from './manifold.js';
import { createManifoldRaster } from './raster.js';

export const LAYERS = [
  { name: 'heatmap', label: 'Discriminator heatmap', on: true,
    legend: 'background: D\'s verdict (green real, purple fake, grey unsure)' },
  { name: 'real_density', label: 'Real density', on: false, legend: 'green rings: dense real data' },
  { name: 'manifold', label: 'Generator manifold', on: true, legend: 'purple mesh: noise warped by G' },
  { name: 'real', label: 'Real samples', on: true, legend: 'green dots: real' },
  { name: 'gradients', label: 'Generator gradients', on: true, legend: 'pink: where fakes are pushed' },
  { name: 'fake', label: 'Fake samples', on: true, legend: 'purple dots: fake' },
];

/** Layers named in a link -> {visible: {name: on} for every layer, unknown: [names that are no layer]}. */
export function layersFromList(names) {
  const known = LAYERS.map((l) => l.name);
  return {
    visible: Object.fromEntries(known.map((name) => [name, names.includes(name)])),
    unknown: names.filter((name) => !known.includes(name)),
  };
}

const CONTOUR_ALPHAS = [0.95, 0.7, 0.5, 0.3];   // densest level first
const GRADIENT_LENGTH = 0.025;                  // the median gradient line, in canvas units
const GRADIENT_MAX = 0.08;
const DOT = 1e-4;                               // length of the stub that draws as a dot
const RASTER = 240;                             // manifold image size, pixels
const MANIFOLD_RGB = [1, 3, 5].map((i) => parseInt(COLORS.manifold.slice(i, i + 2), 16));   // '#rrggbb'

/** Dots as stubs of a round-capped line: x, x + DOT, NaN per point. */
function fillDots(xy, out) {
  const n = xy.length / 2;
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i];
    const y = xy[2 * i + 1];
    out.x[3 * i] = x;
    out.x[3 * i + 1] = x + DOT;
    out.x[3 * i + 2] = NaN;
    out.y[3 * i] = y;
    out.y[3 * i + 1] = y;
    out.y[3 * i + 2] = NaN;
  }
  return out;
}
const lineColumns = (n) => ({ x: new Float32Array(n), y: new Float32Array(n) });

export function createLayered({ plotElement, togglesElement, legendElement, noiseRange }) {
  const { ndarray } = Bokeh.require('core/util/ndarray');
  const unit = () => new Bokeh.Range1d({ start: 0, end: 1 });
  const fig = Bokeh.Plotting.figure({
    width: 480, height: 480, sizing_mode: 'scale_width', x_range: unit(), y_range: unit(),
    tools: '', toolbar_location: null, x_axis_location: null, y_axis_location: null,
    min_border: 0, outline_line_color: null, background_fill_color: '#ffffff', border_fill_color: null,
  });
  // No axes, so no grids either: each grid costs style lookups on every repaint.
  fig.center = [];
  const source = (data) => new Bokeh.ColumnDataSource({ data });
  const xy = () => source({ x: [], y: [] });
  const src = {
    heatmap: source({ image: [] }),
    manifold: source({ image: [] }),
    mesh: xy(),
    contours: CONTOUR_ALPHAS.map(xy),
    real: xy(),
    gradients: xy(),
    fake: xy(),
    drawn: xy(),
    hover: xy(),
  };
  const f = (name) => ({ field: name });
  const line = (s, props) => fig.line({ x: f('x'), y: f('y'), source: s, ...props });
  const dots = (s, color, alpha) => line(s, { line_color: color, line_alpha: alpha, line_width: 5, line_cap: 'round' });
  const renderers = {
    heatmap: [fig.image_rgba({ image: f('image'), x: 0, y: 0, dw: 1, dh: 1, source: src.heatmap })],
    manifold: [
      fig.image_rgba({ image: f('image'), x: 0, y: 0, dw: 1, dh: 1, source: src.manifold }),
      line(src.mesh, { line_color: COLORS.manifold, line_alpha: 0.22, line_width: 0.6 }),
    ],
    real_density: src.contours.map((s, level) => line(s, { line_color: COLORS.contour, line_width: 1.6,
      line_alpha: CONTOUR_ALPHAS[level] })),
    real: [dots(src.real, COLORS.real, 0.85)],
    gradients: [line(src.gradients, { line_color: COLORS.gradient, line_width: 1.2, line_alpha: 0.85 })],
    fake: [dots(src.fake, COLORS.fake, 0.9)],
  };
  const drawnRenderer = fig.scatter({ x: f('x'), y: f('y'), size: 6, fill_color: COLORS.real,
    line_color: '#ffffff', line_width: 0.8, source: src.drawn, visible: false });
  fig.scatter({ x: f('x'), y: f('y'), size: 12, fill_color: null, line_color: '#222', line_width: 1.5,
    source: src.hover });
  let plotView = null;
  Bokeh.Plotting.show(fig, plotElement).then((view) => (plotView = view));

  // --- toggles and legend -------------------------------------------------
  const visible = Object.fromEntries(LAYERS.map((l) => [l.name, l.on]));
  const boxes = {};
  for (const layer of LAYERS) {
    const box = el('input', { type: 'checkbox', id: `layer-${layer.name}`, checked: layer.on, disabled: true,
      onchange: () => setLayers({ [layer.name]: box.checked }) });
    boxes[layer.name] = box;
    togglesElement.append(el('label', { class: `layer-toggle layer-${layer.name}`, dataset: { control: `layer-${layer.name}` } },
      box, el('span', { class: 'swatch', 'aria-hidden': 'true' }), el('span', { text: layer.label })));
  }
  let drawing = false;
  function apply() {
    for (const [name, list] of Object.entries(renderers)) {
      for (const r of list) r.visible = visible[name] && !drawing;
    }
    drawnRenderer.visible = drawing;
    const on = LAYERS.filter((l) => visible[l.name]).map((l) => l.legend);
    legendElement.textContent = drawing
      ? 'Drawing: click or touch and drag on the square to add real data points.'
      : on.length ? `${on.join(' · ')}.` : 'Every layer is off: switch some on above.';
  }
  const layerListeners = [];
  function setLayers(changes) {
    for (const name of Object.keys(changes)) {
      if (!(name in visible)) throw new Error(`unknown layer ${name}; layers are ${Object.keys(visible).join(', ')}`);
    }
    for (const [name, on] of Object.entries(changes)) {
      visible[name] = Boolean(on);
      boxes[name].checked = visible[name];
    }
    apply();
    for (const listener of layerListeners) listener({ ...visible });
  }
  apply();

  // --- drawing a frame ------------------------------------------------------
  const fakeBuf = new PingPong((n) => lineColumns(3 * n));
  const gradBuf = new PingPong((n) => lineColumns(3 * n));
  const meshBuf = new PingPong((cells) => lineColumns(2 * (cells + 1) * (cells + 2)));
  const raster = createManifoldRaster(RASTER, MANIFOLD_RGB);
  let alphas = new Float32Array(0);
  let shownBuild = null;
  let lastFrame = null;
  let morphT = 1;

  function drawManifold(frame) {
    const shape = manifoldOf(frame.arrays);
    if (alphas.length !== shape.density.length) alphas = new Float32Array(shape.density.length);
    cellAlphas(shape.density, 0.55, alphas);
    const vertices = morphT >= 1 ? shape.vertices : morph(shape, morphT, noiseRange);
    const image = raster.paint(shape, vertices, alphas);
    replaceData(src.manifold, { image: [ndarray(image, { shape: [RASTER, RASTER] })] });
    if (shape.dim === 2) {
      // the mesh: each row of vertices, then each column, NaN between them
      const n = shape.cells + 1;
      const mesh = meshBuf.next(shape.cells);
      let at = 0;
      for (const byRow of [true, false]) {
        for (let a = 0; a < n; a++) {
          for (let b = 0; b < n; b++) {
            const v = 2 * (byRow ? a * n + b : b * n + a);
            mesh.x[at] = vertices[v];
            mesh.y[at++] = vertices[v + 1];
          }
          mesh.x[at] = NaN;
          mesh.y[at++] = NaN;
        }
      }
      replaceData(src.mesh, mesh);
    } else if (src.mesh.data.x.length) {
      src.mesh.data = { x: [], y: [] };
    }
  }

  let lengths = new Float32Array(0);
  function drawGradients(fake, grad) {
    const n = fake.length / 2;
    if (lengths.length !== n) lengths = new Float32Array(n);
    for (let i = 0; i < n; i++) lengths[i] = Math.hypot(grad[2 * i], grad[2 * i + 1]);
    // The median gradient gets a fixed length on screen: gradients shrink by
    // orders of magnitude during training, and a few huge ones must not
    // flatten the rest.
    const median = lengths.sort()[n >> 1];
    const scale = median > 0 ? GRADIENT_LENGTH / median : 0;
    const out = gradBuf.next(n);
    for (let i = 0; i < n; i++) {
      let dx = grad[2 * i] * scale;
      let dy = grad[2 * i + 1] * scale;
      const length = Math.hypot(dx, dy);
      if (length > GRADIENT_MAX) {
        dx *= GRADIENT_MAX / length;
        dy *= GRADIENT_MAX / length;
      }
      out.x[3 * i] = fake[2 * i];
      out.y[3 * i] = fake[2 * i + 1];
      out.x[3 * i + 1] = fake[2 * i] + dx;
      out.y[3 * i + 1] = fake[2 * i + 1] + dy;
      out.x[3 * i + 2] = NaN;
      out.y[3 * i + 2] = NaN;
    }
    replaceData(src.gradients, out);
  }

  function drawContours(arrays) {
    const seg = arrays.contour.data;
    const level = arrays.contour_level.data;
    src.contours.forEach((s, which) => {
      let count = 0;
      for (let i = 0; i < level.length; i++) if (level[i] === which) count++;
      const out = lineColumns(3 * count);
      let at = 0;
      for (let i = 0; i < level.length; i++) {
        if (level[i] !== which) continue;
        out.x[at] = seg[4 * i];
        out.y[at++] = seg[4 * i + 1];
        out.x[at] = seg[4 * i + 2];
        out.y[at++] = seg[4 * i + 3];
        out.x[at] = NaN;
        out.y[at++] = NaN;
      }
      s.data = out;
    });
  }

  return {
    figure: fig,
    view: () => plotView,
    /** Draw a frame. heatRGBA: the heatmap's colours (computed once, shared with the graph). */
    draw(frame, heatRGBA) {
      lastFrame = frame;
      const { header, arrays } = frame;
      const n = arrays.heatmap.shape[0];
      replaceData(src.heatmap, { image: [ndarray(heatRGBA, { shape: [n, n] })] });
      if (header.static && arrays.contour) drawContours(arrays);
      if (header.build !== shownBuild) {
        shownBuild = header.build;
        src.real.data = fillDots(arrays.real.data, lineColumns(3 * arrays.real.shape[0]));
      }
      replaceData(src.fake, fillDots(arrays.fake.data, fakeBuf.next(arrays.fake.shape[0])));
      drawGradients(arrays.fake.data, arrays.fake_grad.data);
      drawManifold(frame);
    },
    /** The hover morph of the generator (0: the noise grid, 1: G's image). */
    setMorph(t) {
      morphT = t;
      if (lastFrame) drawManifold(lastFrame);
    },
    layers: () => ({ ...visible }),
    setLayers,
    /** listener({name: on}) after every change of the visible layers. */
    onLayersChange: (listener) => layerListeners.push(listener),
    enable() {
      for (const box of Object.values(boxes)) box.disabled = false;
    },
    setDrawing(on) {
      drawing = on;
      apply();
    },
    setDrawn(points) {
      const n = points.length / 2;
      const x = new Float32Array(n);
      const y = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        x[i] = points[2 * i];
        y[i] = points[2 * i + 1];
      }
      src.drawn.data = { x, y };
    },
    setHover(point) {
      src.hover.data = point ? { x: [point[0]], y: [point[1]] } : { x: [], y: [] };
    },
    lastFrame: () => lastFrame,
    /** For tests and tools: what the renderers hold and show right now. */
    inspect() {
      const points = (s) => {
        const { x, y } = s.data;
        const out = { x: [], y: [] };
        for (let i = 0; i < x.length; i += 3) {
          out.x.push(x[i]);
          out.y.push(y[i]);
        }
        return out;
      };
      return {
        visible: Object.fromEntries(Object.entries(renderers).map(([k, list]) => [k, list.every((r) => r.visible)])),
        real: points(src.real),
        fake: points(src.fake),
        heatmap: Array.from(src.heatmap.data.image[0] ?? []),
        manifoldPixels: (src.manifold.data.image[0] ?? []).reduce((count, v) => count + (v !== 0), 0),
        drawn: src.drawn.data.x.length,
        contours: src.contours.reduce((sum, s) => sum + s.data.x.length / 3, 0),
      };
    },
  };
}
