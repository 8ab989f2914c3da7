// The live grid of fakes for a fixed noise batch (conditional: one row per
// digit), D's score under each; hovering a fake shows its nearest real image
// (has G memorised the data?), the distance to it, D's score and what the
// classifier reads. The history slider scrubs back through the grids the
// core kept every sample interval; "compare with pretrained" draws the
// pretrained model's grid beside this one.

import { el, fmt, fmtInt, setText } from '../ui/dom.js';
import { createImageGrid } from './grid.js';
import { drawDigit } from './ink.js';

export function createFakes({ element, compareElement, compareColumn, compareCaption, caption, tooltip, history,
  historyText, historyLive, api, messages }) {
  let last = null;          // the last frame
  let nearest = null;       // the last nearest real images (frames carry them every 0.25 s while playing)
  const tipFake = el('canvas', { class: 'digit-tip', width: 48, height: 48 });
  const tipReal = el('canvas', { class: 'digit-tip', width: 48, height: 48 });
  const tipText = el('div', { class: 'tip-text' });
  tooltip.append(el('div', { class: 'tip-images' },
    el('figure', {}, tipFake, el('figcaption', { text: 'fake' })),
    el('figure', {}, tipReal, el('figcaption', { text: 'nearest real' }))), tipText);

  function showTip(i, event) {
    if (i === null || !last || scrubbing()) {
      tooltip.hidden = true;
      return;
    }
    const a = last.arrays;
    drawDigit(tipFake, a.grid.data, i * 64, 'fake');
    if (nearest) drawDigit(tipReal, nearest.grid_nearest.data, i * 64, 'real');
    const asked = a.grid_class?.data[i];
    tipText.replaceChildren(
      el('div', { text: `D's score: ${fmt(a.grid_score.data[i], 2)} (${a.grid_score.data[i] >= 0.5 ? 'looks real' : 'looks fake'})` }),
      el('div', { text: `reads as ${a.grid_read.data[i]} (p ${fmt(a.grid_confidence.data[i], 2)})${asked >= 0 ? `, asked for ${asked}` : ''}` }),
      el('div', { text: nearest ? `nearest real: #${fmtInt(nearest.grid_nearest_index.data[i])}, distance ${fmt(nearest.grid_nearest_distance.data[i], 3)}` : '' }));
    tooltip.hidden = false;
    const box = tooltip.parentElement.getBoundingClientRect();
    const x = event.clientX - box.left + 14;
    const y = event.clientY - box.top + 14;
    tooltip.style.left = `${Math.min(x, box.width - 200)}px`;
    tooltip.style.top = `${y}px`;
    tooltip.dataset.index = String(i);
  }

  const grid = createImageGrid(element, { columns: 10, rows: 10, ink: 'fake', captions: true,
    label: 'Generated digits', onHover: showTip, scale: 7 });
  const compare = createImageGrid(compareElement, { columns: 10, rows: 10, ink: 'fake', captions: true,
    label: 'Pretrained model\'s digits', scale: 7 });

  let shownIndex = null;       // history index being shown, null = live
  const scrubbing = () => shownIndex !== null;
  let sending = false;
  async function scrub(index) {
    if (sending) return;
    sending = true;
    messages.clearError();
    try {
      await api.client.command('scrub', { index });
    } catch (error) {
      messages.error(error.message);
    } finally {
      sending = false;
    }
    if (index !== null && Number(history.value) !== index) scrub(Number(history.value));
  }
  history.addEventListener('input', () => scrub(Number(history.value)));
  historyLive.addEventListener('click', () => scrub(null));

  function refresh() {
    const a = last?.arrays;
    if (!a) return;
    const h = last.header;
    if (h.history.shown !== undefined && a.history_grid) {
      grid.draw(a.history_grid.data, { scores: a.history_score.data });
      setText(caption, `your generator at epoch ${fmtInt(h.history.shown_epoch)} (from the history)`);
    } else {
      grid.draw(a.grid.data, { scores: a.grid_score.data });
      setText(caption, `your generator, epoch ${fmtInt(h.metrics.epoch)}`);
    }
  }

  return {
    grid,
    compare,
    enable() {
      historyLive.disabled = false;
    },
    update(frame) {
      last = frame;
      const a = frame.arrays;
      if (frame.header.build !== nearest?.build) nearest = null;
      if (a.grid_nearest) {
        nearest = { build: frame.header.build, grid_nearest: a.grid_nearest, grid_nearest_index: a.grid_nearest_index,
          grid_nearest_distance: a.grid_nearest_distance };
      }
      const h = frame.header;
      shownIndex = h.history.shown ?? null;
      refresh();
      const epochs = h.history.epochs;
      history.max = String(Math.max(0, epochs.length - 1));
      history.disabled = epochs.length === 0;
      if (shownIndex === null) {
        if (document.activeElement !== history) history.value = history.max;
        setText(historyText, epochs.length ? `live (${epochs.length} kept, every ${fmtInt(h.history.every)} epochs)` : 'live (none kept yet)');
      } else {
        setText(historyText, `epoch ${fmtInt(h.history.shown_epoch)} (${shownIndex + 1} of ${epochs.length})`);
      }
      historyLive.classList.toggle('primary', shownIndex !== null);
      compareColumn.hidden = !h.compare;
      if (h.compare && frame.arrays.compare_grid) {
        compare.draw(frame.arrays.compare_grid.data, { scores: frame.arrays.compare_score.data });
        setText(compareCaption, `pretrained ${h.compare.model} model, epoch ${fmtInt(h.compare.epoch)}`);
      }
      if (!tooltip.hidden && grid.hovered !== null) {
        tooltip.hidden = scrubbing();
      }
    },
    /** For tests: the tooltip's last index. */
    get scrubbed() {
      return shownIndex;
    },
  };
}
