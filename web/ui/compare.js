// Compare runs side by side: "Compare with…" picks a setting and 1 to 3 other
// values; the worker trains every run (ganlab_wasm/multirun.py) and each
// frame carries the other runs' fakes, small heatmaps and metrics. The main
// views keep showing run 1; this panel draws the others small, with the
// settings in which each differs written over it, and one metric of theirs
// (KL, JS, sliced Wasserstein, D or G loss) over epochs or updates in one
// colour per run. Play / pause / step are the page's own: they
// drive every run.

import { el, setText } from './dom.js';
import { COLORS, heatmapRGBA } from './colors.js';
import { dots, unitCanvas } from './canvas2d.js';

export const RUN_COLORS = ['#333333', '#d95f02', '#1b9e77', '#7570b3'];
const HISTORY = 2000;
// What the chart can overlay: a frame's metrics key and its name on the chart.
const CHART_METRICS = [['kl', 'KL divergence'], ['js', 'JS divergence'], ['sw', 'sliced Wasserstein'],
  ['d_loss', 'D loss'], ['g_loss', 'G loss']];

/** "run 1: <setting> = <its value>": what the large views show while comparing. */
export function runOneTitle(schema, compare) {
  const setting = schema.config.find((s) => s.name === compare.vary);
  return `run 1: ${setting ? setting.label : compare.vary} = ${compare.values[0]}`;
}

export function createCompare(root, { api, messages, schema, runOne = true }) {
  const labels = Object.fromEntries(schema.config.map((s) => [s.name, s.label]));
  const compareCommand = schema.commands.find((c) => c.name === 'compare');
  const comparable = compareCommand.args.find((a) => a.name === 'vary').choices;
  const byName = Object.fromEntries(schema.config.map((s) => [s.name, s]));

  const vary = el('select', { id: 'compare-vary', 'aria-label': 'setting to compare' },
    ...comparable.map((name) => el('option', { value: name, text: labels[name] || name })));
  const values = el('input', { id: 'compare-values', type: 'text', size: '14', placeholder: 'e.g. 0.03, 0.3',
    'aria-label': 'other values, separated by commas' });
  const start = el('button', { type: 'button', id: 'compare-start', text: 'Compare with…' });
  const stop = el('button', { type: 'button', id: 'compare-stop', text: 'Stop comparing', hidden: true });
  const axis = el('select', { id: 'compare-axis', 'aria-label': 'x axis of the comparison chart' },
    el('option', { value: 'epoch', text: 'x: epochs' }), el('option', { value: 'updates', text: 'x: updates' }));
  const metric = el('select', { id: 'compare-metric', 'aria-label': 'metric of the comparison chart' },
    ...CHART_METRICS.map(([value, text]) => el('option', { value, text })));
  const views = el('div', { class: 'compare-views', id: 'compare-views' });
  const chart = el('canvas', { class: 'compare-chart', id: 'compare-chart', width: '300', height: '120' });
  const form = el('div', { class: 'compare-form' }, vary, values, start, stop, axis, metric);
  root.append(form, views, chart);

  let tiles = [];
  let history = [];       // per run: [{epoch, updates, kl, js, sw, d_loss, g_loss}]
  let lastSignature = '';

  function parse(text, name) {
    const setting = byName[name];
    const parts = text.split(',').map((t) => t.trim()).filter(Boolean);
    return parts.map((t) => {
      if (setting.kind === 'choice') {
        const hit = setting.choices.find((c) => c === t || setting.choice_labels?.[c]?.toLowerCase() === t.toLowerCase());
        if (!hit) throw new Error(`"${t}" is not a ${setting.label}: choose from ${setting.choices.join(', ')}`);
        return hit;
      }
      const number = Number(t);
      if (!Number.isFinite(number)) throw new Error(`"${t}" is not a number (${setting.label})`);
      return number;
    });
  }

  start.addEventListener('click', async () => {
    messages.clearError();
    let list;
    try {
      list = parse(values.value, vary.value);
      if (!list.length) throw new Error(`type 1 to 3 other values of ${labels[vary.value]}, separated by commas`);
    } catch (error) {
      messages.error(`Cannot compare: ${error.message}. Nothing was changed.`);
      return;
    }
    const reply = await messages.guard(api.compare(vary.value, list));
    if (reply) messages.note(`Comparing ${labels[vary.value]}: ${list.length + 1} runs from epoch 0, same seed. Press play.`);
  });
  stop.addEventListener('click', async () => {
    const reply = await messages.guard(api.compare_stop());
    if (reply) messages.note('Back to one run (the first), where it was.');
  });
  axis.addEventListener('change', drawChart);
  metric.addEventListener('change', drawChart);

  function describe(differences) {
    const entries = Object.entries(differences);
    if (!entries.length) return 'run 1';
    return entries.map(([k, v]) => `${labels[k] || k} = ${v}`).join(', ');
  }

  function layout(compare) {
    const signature = JSON.stringify(compare.runs.map((r) => r.differences));
    if (signature === lastSignature) return;
    lastSignature = signature;
    views.replaceChildren();
    if (runOne) {
      // run 1 is the page's large views: say so, in its colour, before the others
      views.append(el('figure', { class: 'compare-run-one', id: 'compare-run-one' },
        el('div', { class: 'compare-title', style: `color: ${RUN_COLORS[0]}` }, runOneTitle(schema, compare)),
        el('div', { class: 'compare-status', text: 'the large views above' })));
    }
    tiles = compare.runs.slice(1).map((run, i) => {
      const title = el('div', { class: 'compare-title', style: `color: ${RUN_COLORS[i + 1]}` },
        `run ${i + 2}: ${describe(run.differences)}`);
      const canvas = el('canvas', { class: 'compare-canvas', width: '140', height: '140' });
      const status = el('div', { class: 'compare-status' });
      views.append(el('figure', { class: 'compare-tile' }, title, canvas, status));
      return { canvas, status };
    });
    history = compare.runs.map(() => []);
  }

  function update(frame) {
    const compare = frame.header.compare;
    root.dataset.active = compare ? 'true' : 'false';
    stop.hidden = !compare;
    if (!compare) {
      if (lastSignature) {
        lastSignature = '';
        views.replaceChildren();
        history = [];
        drawChart();
      }
      return;
    }
    layout(compare);
    const heat = frame.arrays.runs_heatmap;
    const fakes = frame.arrays.runs_fake;
    const [, n] = heat.shape;
    const samples = fakes.shape[1];
    tiles.forEach((tile, i) => {
      const { ctx, px } = unitCanvas(tile.canvas);
      const rgba = heatmapRGBA(heat.data.subarray(i * n * n, (i + 1) * n * n));
      const image = new ImageData(new Uint8ClampedArray(rgba.buffer), n, n);
      const bitmap = document.createElement('canvas');
      bitmap.width = bitmap.height = n;
      bitmap.getContext('2d').putImageData(image, 0, 0);
      ctx.save();
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(bitmap, 0, 0, 1, 1);      // rows are y upwards, as the transform
      ctx.restore();
      dots(ctx, frame.arrays.real.data, COLORS.real, 2.5 * px, Math.min(200, frame.arrays.real.shape[0]));
      dots(ctx, fakes.data.subarray(i * samples * 2, (i + 1) * samples * 2), COLORS.fake, 2.5 * px, 200);
      const run = compare.runs[i + 1];
      const m = compare.metrics[i + 1];
      setText(tile.status, run.stopped ? `stopped: ${run.stopped}` :
        `KL ${m.kl === null ? '—' : m.kl.toFixed(3)} · epoch ${m.epoch}`);
    });
    compare.metrics.forEach((m, r) => {
      const runHistory = history[r];
      if (!runHistory) return;
      const lastEntry = runHistory[runHistory.length - 1];
      if (lastEntry && lastEntry.epoch > m.epoch) runHistory.length = 0;        // rewound or restarted
      if (!lastEntry || lastEntry.epoch !== m.epoch) {
        runHistory.push({ epoch: m.epoch, updates: m.updates,
          ...Object.fromEntries(CHART_METRICS.map(([key]) => [key, m[key] ?? null])) });
      }
      if (runHistory.length > HISTORY) runHistory.splice(0, runHistory.length - HISTORY);
    });
    drawChart();
  }

  function drawChart() {
    const ctx = chart.getContext('2d');
    ctx.clearRect(0, 0, chart.width, chart.height);
    const key = axis.value;
    const y = metric.value;
    const all = history.flat().filter((p) => p[y] !== null);
    if (!all.length) return;
    const maxX = Math.max(1, ...all.map((p) => p[key]));
    const maxY = Math.max(1e-6, ...all.map((p) => p[y]));
    history.forEach((points, r) => {
      ctx.strokeStyle = RUN_COLORS[r];
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      points.filter((p) => p[y] !== null).forEach((p, i) => {
        const x = (p[key] / maxX) * (chart.width - 4) + 2;
        const yPixel = chart.height - 2 - (p[y] / maxY) * (chart.height - 14);
        if (i === 0) ctx.moveTo(x, yPixel);
        else ctx.lineTo(x, yPixel);
      });
      ctx.stroke();
    });
    ctx.fillStyle = '#555';
    ctx.font = '10px sans-serif';
    const name = CHART_METRICS.find(([k]) => k === y)[1];
    ctx.fillText(`${name} by ${key === 'epoch' ? 'epoch' : 'update'} (max ${maxY.toFixed(2)})`, 4, 10);
  }

  return {
    update,
    enable() {
      for (const control of [vary, values, start, stop, axis, metric]) control.disabled = false;
    },
    /** Per run [{epoch, updates, kl, js, sw, d_loss, g_loss}] as kept for the chart (for tests). */
    history: () => history.map((h) => h.map((p) => ({ ...p }))),
  };
}
