// The metrics view: D loss and G loss, KL and JS divergence (nats), and the
// sliced Wasserstein distance (canvas widths), as BokehJS line charts over
// epochs with the current values above them, plus "modes covered k/n" for
// the presets made of separate modes. The history is
// bounded (history.js), and the charts are redrawn a few times a second,
// not on every frame: a Bokeh chart's repaint (axes, tick labels) costs
// several milliseconds, and a line a few pixels longer is not worth it.

import { COLORS } from './colors.js';
import { el, fmt, setText } from './dom.js';
import { BoundedHistory } from './history.js';

const REDRAW_MS = 400;
const CHARTS = [
  { id: 'losses', title: 'Losses', yLabel: 'loss', lines: [
    { name: 'd_loss', label: 'D loss', color: COLORS.discriminator },
    { name: 'g_loss', label: 'G loss', color: COLORS.fake },
  ] },
  { id: 'divergence', title: 'Divergence from the real data (nats)', yLabel: 'divergence (nats)',
    note: 'On a 20 × 20 grid. A perfect generator scores KL 0.02–0.04; both saturate when the fakes are far off.',
    lines: [
      { name: 'kl', label: 'KL divergence', color: '#444444' },
      { name: 'js', label: 'JS divergence', color: '#444444', dash: 'dashed' },
    ] },
  { id: 'distance', title: 'Distance from the real data (canvas widths)', yLabel: 'distance (canvas widths)',
    note: 'How far the fake samples must move, on average, to match the real ones. A perfect generator scores about 0.005.',
    modes: true,
    lines: [
      { name: 'sw', label: 'Sliced Wasserstein', color: '#444444' },
    ] },
];

export function createMetrics(container, { capacity = 1000 } = {}) {
  const names = CHARTS.flatMap((c) => c.lines.map((l) => l.name));
  const history = new BoundedHistory(names, capacity);
  const values = {};
  const sources = [];
  const views = [];
  const figures = [];
  let lastRedraw = 0;
  let dirty = false;
  let modes = null;

  for (const chart of CHARTS) {
    const readout = el('div', { class: 'readout' });
    for (const line of chart.lines) {
      values[line.name] = el('output', { class: 'value', id: `value-${line.name}`, text: '–' });
      readout.append(el('span', { class: 'metric', dataset: { metric: line.name } },
        el('span', { class: `key ${line.dash ?? 'solid'}`, style: `--c: ${line.color}`, 'aria-hidden': 'true' }),
        el('span', { text: `${line.label} ` }), values[line.name]));
    }
    if (chart.modes) {
      // shown only for data made of separate modes (the header then has modes_total)
      modes = el('span', { class: 'metric modes', hidden: true, title: 'modes holding at least a third of their fair share of the fake samples' },
        el('span', { text: 'modes covered ' }), el('output', { class: 'value', id: 'value-modes', text: '–' }));
      readout.append(modes);
    }
    const plot = el('div', { class: 'chart', id: `chart-${chart.id}` });
    container.append(el('div', { class: 'metric-block', dataset: { control: `metrics-${chart.id}` } },
      el('h3', { text: chart.title }), el('p', { class: 'metric-note', text: chart.note ?? '' }), readout, plot));
    // Ranges set by hand with the data (see redraw): Bokeh's automatic ranges
    // are computed during a paint and then ask for a second one.
    const x_range = new Bokeh.Range1d({ start: 0, end: 1 });
    const y_range = new Bokeh.Range1d({ start: 0, end: 1 });
    const fig = Bokeh.Plotting.figure({
      height: 170, width: 300, sizing_mode: 'stretch_width', tools: '', toolbar_location: null, x_range, y_range,
      min_border_left: 36, min_border_right: 8, min_border_top: 6, min_border_bottom: 22,
      outline_line_color: null, x_axis_label: 'epoch', y_axis_label: chart.yLabel,
    });
    figures.push(fig);
    fig.xaxis.axis_line_color = '#aaa';
    fig.yaxis.axis_line_color = '#aaa';
    fig.xaxis.major_label_text_font_size = '10px';
    fig.yaxis.major_label_text_font_size = '10px';
    for (const axis of fig.axes) {
      axis.axis_label_text_font_size = '11px';
      axis.axis_label_text_font_style = 'normal';
      axis.axis_label_text_color = '#555';
      axis.axis_label_standoff = 4;
    }
    fig.xaxis.minor_tick_line_color = null;
    fig.yaxis.minor_tick_line_color = null;
    for (const axis of fig.axes) axis.ticker.desired_num_ticks = 4;
    fig.xgrid.grid_line_color = null;
    fig.ygrid.grid_line_color = '#eee';
    const source = new Bokeh.ColumnDataSource({ data: { epoch: [], ...Object.fromEntries(chart.lines.map((l) => [l.name, []])) } });
    for (const line of chart.lines) {
      fig.line({ x: { field: 'epoch' }, y: { field: line.name }, source, line_color: line.color, line_width: 1.8,
        line_dash: line.dash ?? 'solid' });
    }
    sources.push({ source, lines: chart.lines.map((l) => l.name), x_range, y_range });
    Bokeh.Plotting.show(fig, plot).then((view) => views.push(view));
  }

  function redraw() {
    const data = history.data();
    const last = data.epoch.length ? data.epoch[data.epoch.length - 1] : 0;
    for (const { source, lines, x_range, y_range } of sources) {
      source.data = { epoch: data.epoch, ...Object.fromEntries(lines.map((n) => [n, data[n]])) };
      let low = Infinity;
      let high = -Infinity;
      for (const name of lines) {
        for (const v of data[name]) {
          if (v < low) low = v;
          if (v > high) high = v;
        }
      }
      if (!(low <= high)) [low, high] = [0, 1];
      const pad = Math.max(1e-3, (high - low) * 0.08);
      y_range.setv({ start: low - pad, end: high + pad });
      x_range.setv({ start: 0, end: Math.max(1, last) });
    }
    dirty = false;
    lastRedraw = performance.now();
  }

  let build = null;
  let timer = null;
  return {
    history,
    views,
    /** The Bokeh figures, losses first (tests read their axes). */
    figures,
    /** Called with every frame's header. */
    update(header) {
      const m = header.metrics;
      for (const name of names) setText(values[name], fmt(m[name], 3));
      const hasModes = Number.isInteger(m.modes_total);
      modes.hidden = !hasModes;
      if (hasModes) setText(modes.lastChild, `${m.modes}/${m.modes_total}`);
      if (header.build !== build) {           // a new run: a new history
        build = header.build;
        history.clear();
      }
      if (history.add(m.epoch, m)) dirty = true;
      if (!dirty) return;
      const wait = lastRedraw + REDRAW_MS - performance.now();
      if (wait <= 0) redraw();
      else if (timer === null) {
        // the last frame before a pause still gets drawn
        timer = setTimeout(() => {
          timer = null;
          if (dirty) redraw();
        }, wait);
      }
    },
  };
}
