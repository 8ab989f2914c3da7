// One BokehJS plot of the canvas: D's heatmap under real (green) and fake
// (purple) samples. The minimal and embedded pages use it; the full page has
// the layered view with every layer.

import { COLORS, heatmapRGBA } from './colors.js';

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

export function simplePlot(element, { width = 480, height = 480, sizing_mode = 'fixed' } = {}) {
  const { ndarray } = Bokeh.require('core/util/ndarray');
  const range = () => new Bokeh.Range1d({ start: 0, end: 1 });
  const fig = Bokeh.Plotting.figure({
    width, height, sizing_mode, x_range: range(), y_range: range(), tools: '', toolbar_location: null,
  });
  const heat = new Bokeh.ColumnDataSource({ data: { image: [] } });
  const real = new Bokeh.ColumnDataSource({ data: { x: [], y: [] } });
  const fake = new Bokeh.ColumnDataSource({ data: { x: [], y: [] } });
  fig.image_rgba({ image: { field: 'image' }, x: 0, y: 0, dw: 1, dh: 1, source: heat });
  fig.scatter({ x: { field: 'x' }, y: { field: 'y' }, source: real, size: 4, fill_color: COLORS.real, line_color: null });
  fig.scatter({ x: { field: 'x' }, y: { field: 'y' }, source: fake, size: 4, fill_color: COLORS.fake, line_color: null });
  Bokeh.Plotting.show(fig, element);
  return {
    draw({ arrays }) {
      const [n] = arrays.heatmap.shape;
      heat.data = { image: [ndarray(heatmapRGBA(arrays.heatmap.data), { shape: [n, n] })] };
      real.data = columns(arrays.real);
      fake.data = columns(arrays.fake);
    },
  };
}
