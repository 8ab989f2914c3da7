// Steer the noise: one slider per noise dimension (the first MAX_SLIDERS),
// "randomise" and "reset", and for the conditional model the digit to draw.
// While a slider moves, its values go to the worker at most one message at a
// time (the newest waits for the previous reply), and the image in the frame
// that follows is drawn big beside the sliders with D's score and what the
// classifier reads in it.

import { el, fmt, setText } from '../ui/dom.js';
import { drawDigit } from './ink.js';

export const MAX_SLIDERS = 16;
const RANGE = 3;        // sliders span -3..3: nearly all of a Gaussian's mass, more than a uniform's

export function createSliders({ container, canvas, scoreOutput, classPicker, classSelect, randomButton,
  resetButton, api, messages }) {
  let sliders = [];
  let z = [];
  let sending = false;
  let queued = false;
  let dims = 0;

  for (let digit = 0; digit < 10; digit++) classSelect.append(new Option(String(digit), String(digit)));

  async function send(args) {
    if (sending) {
      queued = true;
      return;
    }
    sending = true;
    try {
      const reply = await api.client.command('noise', args);
      if (reply.noise) z = reply.noise.z.slice();
    } catch (error) {
      messages.error(error.message);
    } finally {
      sending = false;
    }
    if (queued) {
      queued = false;
      send({ z: z.slice() });
    }
  }

  function build(count) {
    dims = count;
    container.replaceChildren();
    sliders = [];
    for (let i = 0; i < Math.min(count, MAX_SLIDERS); i++) {
      const value = el('output', { class: 'slider-value', text: '0.00' });
      const input = el('input', { type: 'range', min: -RANGE, max: RANGE, step: 0.05, value: 0,
        id: `noise-${i}`, 'aria-label': `noise dimension ${i + 1}` });
      input.addEventListener('input', () => {
        z[i] = Number(input.value);
        setText(value, z[i].toFixed(2));
        send({ z: z.slice() });
      });
      sliders.push({ input, value });
      container.append(el('label', { class: 'noise-slider' }, el('span', { class: 'dim', text: `z${i + 1}` }),
        input, value));
    }
    if (count > MAX_SLIDERS) {
      container.append(el('p', { class: 'hint', text: `The other ${count - MAX_SLIDERS} noise values stay where they are (randomise changes them too).` }));
    }
  }

  function show(values) {
    z = values.slice();
    sliders.forEach(({ input, value }, i) => {
      if (document.activeElement !== input) {
        input.value = String(values[i]);
        setText(value, values[i].toFixed(2));
      }
    });
  }

  randomButton.addEventListener('click', () => send({ randomise: true }).then(() => show(z)));
  resetButton.addEventListener('click', () => send({ reset: true }).then(() => show(z)));
  classSelect.addEventListener('change', () => send({ label: Number(classSelect.value) }));

  let shownNoise = null;
  return {
    enable() {
      randomButton.disabled = false;
      resetButton.disabled = false;
    },
    /** Called with every frame. */
    update(frame) {
      const h = frame.header;
      const count = h.config.noise_dim;
      if (count !== dims) build(count);
      const key = JSON.stringify(h.noise);
      if (key !== shownNoise && !sending) {
        shownNoise = key;
        show(h.noise.z);
        if (document.activeElement !== classSelect) classSelect.value = String(h.noise.label);
      }
      classPicker.hidden = h.config.model !== 'conditional';
      const a = frame.arrays;
      if (a.slider) drawDigit(canvas, a.slider.data, 0, 'fake');
      const score = a.slider_score?.data[0];
      const read = a.slider_read?.data;
      setText(scoreOutput, read ? `D: ${fmt(score, 2)} · reads as ${read[0]} (p ${fmt(read[1], 2)})` : `D: ${fmt(score, 2)}`);
    },
    /** For tests: the values the sliders hold. */
    values: () => sliders.map(({ input }) => Number(input.value)),
    get count() {
      return sliders.length;
    },
  };
}
