// The training log: D and G loss over epochs with a rolling average (to
// smooth the zig-zag), an upper bound that clips outliers, and a small
// overview chart whose RangeTool window zooms the big one; the quality
// figures the digit classifier reads in the fakes over time (from the core's
// log); and a histogram of which digits the generator makes right now.
// Charts redraw a few times a second, not every frame (a Bokeh repaint costs
// milliseconds; see ui/metrics.js).

import { COLORS } from '../ui/colors.js';
import { el, fmt, setText } from '../ui/dom.js';
import { BoundedHistory } from '../ui/history.js';

const REDRAW_MS = 400;
const LOSSES = [
  { name: 'd_loss', label: 'D loss', color: COLORS.discriminator },
  { name: 'g_loss', label: 'G loss', color: COLORS.fake },
];
const QUALITY = [
  { name: 'confident', label: 'read with confidence', color: '#333', scale: 1 },
  { name: 'classes_covered', label: 'digits covered ÷ 10', color: COLORS.real, scale: 0.1 },
  { name: 'top_share', label: 'share of the top digit', color: '#d95f02', scale: 1 },
  { name: 'label_agreement', label: 'read as asked', color: COLORS.discriminator, scale: 1, dash: 'dashed' },
];

/** Mean of the last `window` values at each point (NaN-aware). */
export function rollingMean(values, window, out = new Float64Array(values.length)) {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) { sum += v; count++; }
    if (i >= window) {
      const old = values[i - window];
      if (!Number.isNaN(old)) { sum -= old; count--; }
    }
    out[i] = count ? sum / count : NaN;
  }
  return out;
}

function figure(props) {
  const fig = Bokeh.Plotting.figure({
    height: 150, width: 300, sizing_mode: 'stretch_width', tools: '', toolbar_location: null,
    min_border_left: 36, min_border_right: 8, min_border_top: 6, min_border_bottom: 22, outline_line_color: null,
    ...props,
  });
  for (const axis of fig.axes) {
    axis.axis_line_color = '#aaa';
    axis.major_label_text_font_size = '10px';
    axis.minor_tick_line_color = null;
    axis.ticker.desired_num_ticks = 4;
  }
  fig.xgrid.grid_line_color = null;
  fig.ygrid.grid_line_color = '#eee';
  return fig;
}

function readout(lines, prefix) {
  const values = {};
  const box = el('div', { class: 'readout' });
  for (const line of lines) {
    values[line.name] = el('output', { class: 'value', id: `${prefix}-${line.name}`, text: '–' });
    box.append(el('span', { class: 'metric', dataset: { metric: line.name } },
      el('span', { class: `key ${line.dash ?? 'solid'}`, style: `--c: ${line.color}`, 'aria-hidden': 'true' }),
      el('span', { text: `${line.label} ` }), values[line.name]));
  }
  return { box, values };
}

export function createImageMetrics(container, { capacity = 1500 } = {}) {
  const history = new BoundedHistory(LOSSES.map((l) => l.name), capacity);
  const views = [];

  // --- losses: window, bound, zoom ------------------------------------------
  const lossReadout = readout(LOSSES, 'value');
  const windowInput = el('input', { type: 'range', id: 'loss-window', min: 1, max: 100, step: 1, value: 10,
    'aria-label': 'Rolling average window' });
  const windowText = el('output', { for: 'loss-window', text: '10' });
  const boundInput = el('input', { type: 'number', id: 'loss-bound', min: 0, step: 0.1, placeholder: 'auto',
    'aria-label': 'Upper bound of the loss chart' });
  const showAll = el('button', { type: 'button', class: 'small', id: 'loss-all', text: 'show all' });
  const lossPlot = el('div', { class: 'chart', id: 'chart-losses' });
  container.append(el('div', { class: 'metric-block', dataset: { control: 'metrics-losses' } },
    el('h3', { text: 'Losses' }), lossReadout.box,
    el('div', { class: 'chart-controls' },
      el('label', {}, 'rolling average ', windowInput, ' ', windowText, ' points'),
      el('label', {}, 'upper bound ', boundInput), showAll),
    lossPlot));

  const x = new Bokeh.Range1d({ start: 0, end: 1 });
  const y = new Bokeh.Range1d({ start: 0, end: 1 });
  const lossFig = figure({ x_range: x, y_range: y });
  const lossSource = new Bokeh.ColumnDataSource({ data: { epoch: [], d_loss: [], g_loss: [], d_raw: [], g_raw: [] } });
  for (const line of LOSSES) {
    const raw = line.name === 'd_loss' ? 'd_raw' : 'g_raw';
    lossFig.line({ x: { field: 'epoch' }, y: { field: raw }, source: lossSource, line_color: line.color,
      line_alpha: 0.25, line_width: 1 });
    lossFig.line({ x: { field: 'epoch' }, y: { field: line.name }, source: lossSource, line_color: line.color,
      line_width: 1.8 });
  }
  const ox = new Bokeh.Range1d({ start: 0, end: 1 });
  const oy = new Bokeh.Range1d({ start: 0, end: 1 });
  const overviewFig = figure({ height: 70, x_range: ox, y_range: oy, min_border_top: 2 });
  overviewFig.yaxis.visible = false;
  overviewFig.ygrid.grid_line_color = null;
  for (const line of LOSSES) {
    overviewFig.line({ x: { field: 'epoch' }, y: { field: line.name }, source: lossSource, line_color: line.color,
      line_width: 1 });
  }
  const rangeTool = new Bokeh.RangeTool({ x_range: x });
  rangeTool.overlay.fill_color = COLORS.discriminator;
  rangeTool.overlay.fill_alpha = 0.15;
  overviewFig.add_tools(rangeTool);
  // One document for both: the range tool's x range is a model they share.
  const lossColumn = new Bokeh.Column({ children: [lossFig, overviewFig], sizing_mode: 'stretch_width' });
  Bokeh.Plotting.show(lossColumn, lossPlot).then((v) => views.push(v));

  // The big chart follows the whole run until the window is dragged.
  let zoomed = false;
  let settingRange = false;
  x.connect(x.change, () => {
    if (!settingRange) zoomed = true;
  });
  showAll.addEventListener('click', () => {
    zoomed = false;
    redraw();
  });
  windowInput.addEventListener('input', () => {
    setText(windowText, windowInput.value);
    redraw();
  });
  boundInput.addEventListener('input', () => redraw());

  // --- quality over time ----------------------------------------------------
  const qualityReadout = readout(QUALITY, 'quality');
  const qualityPlot = el('div', { class: 'chart', id: 'chart-quality' });
  container.append(el('div', { class: 'metric-block', dataset: { control: 'metrics-quality' } },
    el('h3', { text: 'What a digit classifier reads in the fakes' }), qualityReadout.box, qualityPlot));
  const qx = new Bokeh.Range1d({ start: 0, end: 1 });
  const qualityFig = figure({ x_range: qx, y_range: new Bokeh.Range1d({ start: 0, end: 1.02 }) });
  const qualitySource = new Bokeh.ColumnDataSource({ data: { epoch: [], ...Object.fromEntries(QUALITY.map((q) => [q.name, []])) } });
  const qualityLines = {};
  for (const q of QUALITY) {
    qualityLines[q.name] = qualityFig.line({ x: { field: 'epoch' }, y: { field: q.name }, source: qualitySource,
      line_color: q.color, line_width: 1.6, line_dash: q.dash ?? 'solid' });
  }
  Bokeh.Plotting.show(qualityFig, qualityPlot).then((v) => views.push(v));

  // --- which digits now -----------------------------------------------------
  const histPlot = el('div', { class: 'chart histogram', id: 'chart-classes' });
  container.append(el('div', { class: 'metric-block', dataset: { control: 'metrics-classes' } },
    el('h3', { text: 'Which digits the generator makes' }),
    el('p', { class: 'hint', text: 'share of the fakes read as each digit; dark: read with confidence' }), histPlot));
  const digits = Array.from({ length: 10 }, (_, i) => String(i));
  const histFig = figure({ height: 130, x_range: new Bokeh.FactorRange({ factors: digits }),
    y_range: new Bokeh.Range1d({ start: 0, end: 0.5 }) });
  const histSource = new Bokeh.ColumnDataSource({ data: { digit: digits, share: new Array(10).fill(0),
    confident: new Array(10).fill(0) } });
  histFig.vbar({ x: { field: 'digit' }, top: { field: 'share' }, width: 0.8, source: histSource,
    fill_color: '#d9c7e6', line_color: null });
  histFig.vbar({ x: { field: 'digit' }, top: { field: 'confident' }, width: 0.5, source: histSource,
    fill_color: COLORS.fake, line_color: null });
  Bokeh.Plotting.show(histFig, histPlot).then((v) => views.push(v));

  // --- drawing --------------------------------------------------------------
  let lastRedraw = 0;
  let timer = null;
  let dirty = false;
  let log = null;
  let shares = null;
  let conditional = false;
  let build = null;

  function bound() {
    const v = Number(boundInput.value);
    return boundInput.value !== '' && Number.isFinite(v) && v > 0 ? v : null;
  }

  function redraw() {
    const data = history.data();
    const w = Number(windowInput.value);
    const cap = bound();
    const clip = (values) => (cap === null ? values : values.map((v) => (v > cap ? cap : v)));
    const d = rollingMean(data.d_loss, w);
    const g = rollingMean(data.g_loss, w);
    lossSource.data = { epoch: data.epoch, d_loss: clip(d), g_loss: clip(g), d_raw: clip(data.d_loss),
      g_raw: clip(data.g_loss) };
    let low = Infinity;
    let high = -Infinity;
    for (const column of [d, g]) {
      for (const v of column) {
        if (v < low) low = v;
        if (v > high) high = v;
      }
    }
    if (!(low <= high)) [low, high] = [0, 1];
    if (cap !== null) high = Math.min(high, cap);
    if (!(low < high)) low = high - 1;
    const pad = Math.max(1e-3, (high - low) * 0.08);
    y.setv({ start: Math.max(0, low - pad), end: high + pad });
    oy.setv({ start: Math.max(0, low - pad), end: high + pad });
    const last = data.epoch.length ? data.epoch[data.epoch.length - 1] : 0;
    const first = data.epoch.length ? data.epoch[0] : 0;
    ox.setv({ start: first, end: Math.max(first + 1, last) });
    if (!zoomed) {
      settingRange = true;
      x.setv({ start: first, end: Math.max(first + 1, last) });
      settingRange = false;
    }
    if (log) {
      const out = { epoch: log.epoch };
      for (const q of QUALITY) {
        const values = log[q.name] ?? new Float32Array(log.epoch.length).fill(NaN);
        out[q.name] = Array.from(values, (v) => v * q.scale);
      }
      qualitySource.data = out;
      const end = log.epoch.length ? log.epoch[log.epoch.length - 1] : 1;
      qx.setv({ start: 0, end: Math.max(1, end) });
    }
    qualityLines.label_agreement.visible = conditional;
    if (shares) {
      histSource.data = { digit: digits, share: Array.from(shares.share), confident: Array.from(shares.confident) };
      histFig.y_range.setv({ start: 0, end: Math.max(0.3, ...shares.share) * 1.05 });
    }
    dirty = false;
    lastRedraw = performance.now();
  }

  function schedule() {
    const wait = lastRedraw + REDRAW_MS - performance.now();
    if (wait <= 0) redraw();
    else timer ??= setTimeout(() => {
      timer = null;
      if (dirty) redraw();
    }, wait);
  }

  return {
    history,
    views,
    /** Called with every frame. */
    update(frame) {
      const h = frame.header;
      const m = h.metrics;
      const a = frame.arrays;
      if (h.build !== build) {
        build = h.build;
        history.clear();
        zoomed = false;
      }
      conditional = h.config.model === 'conditional';
      for (const line of LOSSES) setText(lossReadout.values[line.name], fmt(m[line.name], 3));
      const digitsNow = m.digits ?? {};
      setText(qualityReadout.values.confident, fmt(digitsNow.confident, 2));
      setText(qualityReadout.values.classes_covered, digitsNow.classes_covered ?? '–');
      setText(qualityReadout.values.top_share, fmt(digitsNow.top_share, 2));
      setText(qualityReadout.values.label_agreement, conditional ? fmt(digitsNow.label_agreement, 2) : 'n/a');
      // losses are measured every 0.25 s while playing: only those frames add a point
      if (h.metrics_fresh && history.add(m.epoch, m)) dirty = true;
      if (a.log_epoch && (!log || log.epoch.length !== a.log_epoch.data.length
          || log.epoch[log.epoch.length - 1] !== a.log_epoch.data[a.log_epoch.data.length - 1])) {
        log = Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith('log_'))
          .map(([k, v]) => [k.slice(4), Float64Array.from(v.data)]));
        dirty = true;
      }
      if (a.class_share) {
        shares = { share: a.class_share.data.slice(), confident: a.confident_share?.data.slice() ?? new Float32Array(10) };
        dirty = true;
      }
      if (dirty) schedule();
    },
    redraw,
    /** For tests: what the charts hold. */
    inspect() {
      return {
        points: lossSource.data.epoch.length,
        d_loss: Array.from(lossSource.data.d_loss),
        d_raw: Array.from(lossSource.data.d_raw),
        x: [x.start, x.end],
        y: [y.start, y.end],
        zoomed,
        quality: Object.fromEntries(QUALITY.map((q) => [q.name, Array.from(qualitySource.data[q.name] ?? [])])),
        qualityEpochs: Array.from(qualitySource.data.epoch ?? []),
        share: Array.from(histSource.data.share),
        confident: Array.from(histSource.data.confident),
        rangeTool: overviewFig.toolbar.tools.includes(rangeTool),
      };
    },
    /** Zoom the loss chart as the range tool does (for tests and the keyboard). */
    zoom(start, end) {
      x.setv({ start, end });
    },
  };
}
