// The latent map, GAN Lab's manifold idea for images: the generator over a
// grid of the noise square, two noise dimensions varying (across and down)
// while the others hold the sliders' values. Which two vary is the
// latent_x / latent_y option; the worker sends the C x C images.

import { setText } from '../ui/dom.js';
import { createImageGrid } from './grid.js';

export function createLatentMap({ element, xSelect, ySelect, note, api, messages }) {
  const grid = createImageGrid(element, { columns: 8, rows: 8, ink: 'fake', label: 'Latent map', scale: 5 });
  let dims = 0;

  function fill(count) {
    dims = count;
    for (const select of [xSelect, ySelect]) {
      select.replaceChildren(...Array.from({ length: count }, (_, i) => new Option(`z${i + 1}`, String(i))));
    }
  }

  async function choose(name, select, other) {
    messages.clearError();
    const value = Number(select.value);
    if (value === Number(other.value)) {
      messages.error('The latent map needs two different noise dimensions: pick another one.');
      select.value = String(api.state().options[name]);
      return;
    }
    if (!(await messages.guard(api.set({ [name]: value })))) select.value = String(api.state().options[name]);
  }
  xSelect.addEventListener('change', () => choose('latent_x', xSelect, ySelect));
  ySelect.addEventListener('change', () => choose('latent_y', ySelect, xSelect));

  return {
    grid,
    enable() {
      xSelect.disabled = false;
      ySelect.disabled = false;
    },
    update(frame) {
      const h = frame.header;
      const count = h.config.noise_dim;
      if (count !== dims) fill(count);
      for (const [select, name] of [[xSelect, 'latent_x'], [ySelect, 'latent_y']]) {
        if (document.activeElement !== select && select.value !== String(h.options[name])) {
          select.value = String(Math.min(h.options[name], count - 1));
        }
      }
      ySelect.disabled = count < 2;
      const latent = frame.arrays.latent;
      if (!latent) return;
      const cells = latent.shape[0];
      grid.draw(latent.data, { columns: latent.shape[1], rows: cells });
      const axis = frame.arrays.latent_axis?.data;
      const span = axis ? `${axis[0].toFixed(1)} to ${axis[axis.length - 1].toFixed(1)}` : '';
      setText(note, count < 2 ? `one noise dimension: it varies across (${span})`
        : `z${h.options.latent_x + 1} across, z${h.options.latent_y + 1} down, each ${span}`);
    },
  };
}
