// Ink colours for digit images: a pixel's value in [0, 1] mixes white paper
// with the ink of its kind (the paper's colours: real green, fake purple), as
// 256-entry tables of packed little-endian RGBA for image_rgba and canvases.

const INKS = {
  real: [20, 110, 60],
  fake: [95, 35, 125],
  plain: [25, 25, 25],
};
const tables = {};

export function inkTable(name) {
  if (!tables[name]) {
    const ink = INKS[name] ?? INKS.plain;
    const table = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      const t = i / 255;
      const [r, g, b] = ink.map((c) => Math.round(255 + (c - 255) * t));
      table[i] = (255 << 24) | (b << 16) | (g << 8) | r;
    }
    tables[name] = table;
  }
  return tables[name];
}

/** Draw one 8x8 image (64 values, offset `at`) onto a canvas, scaled up crisp. */
export function drawDigit(canvas, pixels, at = 0, ink = 'fake') {
  const table = inkTable(ink);
  const small = drawDigit.scratch ??= new ImageData(8, 8);
  const words = new Uint32Array(small.data.buffer);
  for (let i = 0; i < 64; i++) {
    const v = pixels[at + i];
    words[i] = table[v >= 1 ? 255 : v > 0 ? (v * 255) | 0 : 0];
  }
  const buffer = drawDigit.buffer ??= Object.assign(document.createElement('canvas'), { width: 8, height: 8 });
  buffer.getContext('2d').putImageData(small, 0, 0);
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(buffer, 0, 0, canvas.width, canvas.height);
}
