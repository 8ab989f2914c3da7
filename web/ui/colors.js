// The paper's colours: real data green, fake data and the generator purple,
// the discriminator blue, gradients pink. The heatmap runs from purple (D says
// fake) through grey (can't tell) to green (D says real).

export const COLORS = {
  real: '#1a9850',
  fake: '#8e44ad',
  discriminator: '#2b7bba',
  gradient: '#e7298a',
  manifold: '#8e44ad',
  contour: '#1a9850',
};

const FAKE_TINT = [200, 170, 225];
const NEUTRAL = [236, 236, 236];
const REAL_TINT = [165, 219, 180];

function mix(a, b, t) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));
}

/** A 256-entry table from D's output in [0, 1] to packed little-endian RGBA. */
function buildTable() {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    const v = i / 255;
    const [r, g, b] = v < 0.5 ? mix(FAKE_TINT, NEUTRAL, v * 2) : mix(NEUTRAL, REAL_TINT, (v - 0.5) * 2);
    table[i] = (255 << 24) | (b << 16) | (g << 8) | r;
  }
  return table;
}
const TABLE = buildTable();

/** Colour a row-major heatmap (values in [0, 1]) into an RGBA Uint32Array. */
export function heatmapRGBA(values, out = new Uint32Array(values.length)) {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = TABLE[v >= 1 ? 255 : v > 0 ? (v * 255) | 0 : 0];
  }
  return out;
}

/** CSS colour of D's "how real" value v, for single markers. */
export function predictionColor(v) {
  const [r, g, b] = v < 0.5 ? mix([142, 68, 173], NEUTRAL, v * 2) : mix(NEUTRAL, [26, 152, 80], (v - 0.5) * 2);
  return `rgb(${r},${g},${b})`;
}
