// The smallest page on the worker runtime: play/pause, the epoch counter,
// epochs per second, and one plot of real and fake samples over D's heatmap.

import { COLORS, heatmapRGBA } from './colors.js';
import { LabClient } from './lab-client.js';
import { createApi } from './api.js';

const $ = (id) => document.getElementById(id);
const { ndarray } = Bokeh.require('core/util/ndarray');

function columns(array) {
  const n = array.shape[0];
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = array.data[2 * i];
    y[i] = array.data[2 * i + 1];
  }
  return { x, y };
}

function makePlot() {
  const range = () => new Bokeh.Range1d({ start: 0, end: 1 });
  const fig = Bokeh.Plotting.figure({
    width: 480, height: 480, x_range: range(), y_range: range(), tools: '', toolbar_location: null,
  });
  const heat = new Bokeh.ColumnDataSource({ data: { image: [] } });
  const real = new Bokeh.ColumnDataSource({ data: { x: [], y: [] } });
  const fake = new Bokeh.ColumnDataSource({ data: { x: [], y: [] } });
  fig.image_rgba({ image: { field: 'image' }, x: 0, y: 0, dw: 1, dh: 1, source: heat });
  fig.scatter({ x: { field: 'x' }, y: { field: 'y' }, source: real, size: 4, fill_color: COLORS.real, line_color: null });
  fig.scatter({ x: { field: 'x' }, y: { field: 'y' }, source: fake, size: 4, fill_color: COLORS.fake, line_color: null });
  Bokeh.Plotting.show(fig, $('plot'));
  return {
    draw({ arrays }) {
      const [n] = arrays.heatmap.shape;
      heat.data = { image: [ndarray(heatmapRGBA(arrays.heatmap.data), { shape: [n, n] })] };
      real.data = columns(arrays.real);
      fake.data = columns(arrays.fake);
    },
  };
}

const client = new LabClient();
client.start().catch(() => {});
const ganlab = createApi(client);
window.ganlab = ganlab;
const plot = makePlot();

client.addEventListener('progress', ({ detail }) => {
  $('progress').value = detail.fraction;
  $('stage').textContent = detail.message;
});
client.addEventListener('fatal', ({ detail }) => {
  $('message').textContent = `The lab stopped: ${detail.message}`;
});
client.addEventListener('error', ({ detail }) => {
  $('message').textContent = detail.message;
});
client.addEventListener('frame', ({ detail: { frame } }) => {
  const h = frame.header;
  $('epoch').textContent = h.metrics.epoch;
  $('eps').textContent = Math.round(h.epochs_per_second);
  $('kl').textContent = h.metrics.kl == null ? '–' : h.metrics.kl.toFixed(3);
  $('play').textContent = h.playing ? 'Pause' : 'Play';
  plot.draw(frame);
});
ganlab.ready.then(() => {
  $('play').disabled = false;
  $('progress').hidden = true;
});
$('play').addEventListener('click', () => {
  $('message').textContent = '';
  ganlab.toggle().catch((e) => ($('message').textContent = e.message));
});
