// The data distribution picker: a button showing the current data, opening a
// grid of presets, each with a thumbnail drawn from its real samples, plus
// "draw your own". Picking calls onPick(name); what that means (a new run,
// a pretrained model, drawing mode) is the app's business.

import { el, setText } from './dom.js';
import { distributionLabel } from './labels.js';
import { drawThumbnail } from './thumbnails.js';

export function createPicker(container, { presets, onPick }) {
  const currentCanvas = el('canvas', { class: 'thumb', width: 40, height: 40, dataset: { size: 40 } });
  const currentName = el('span', { class: 'picker-name', text: '…' });
  const button = el('button', {
    type: 'button', id: 'picker-button', class: 'picker-button', disabled: true,
    'aria-haspopup': 'true', 'aria-expanded': 'false', 'aria-labelledby': 'picker-caption picker-button',
  }, currentCanvas, currentName, el('span', { class: 'caret', 'aria-hidden': 'true', text: '▾' }));
  const menu = el('div', { class: 'picker-menu', id: 'picker-menu', role: 'group', 'aria-label': 'Data distributions', hidden: true });
  const canvases = new Map();

  function option(name, label) {
    const canvas = el('canvas', { class: 'thumb', width: 64, height: 64, dataset: { size: 64 } });
    canvases.set(name, canvas);
    return el('button', {
      type: 'button', class: 'picker-option', dataset: { distribution: name },
      onclick: () => choose(name),
    }, canvas, el('span', { text: label }));
  }
  for (const name of presets) menu.append(option(name, distributionLabel(name)));
  const drawOption = option('drawn', 'Draw your own');
  drawOption.classList.add('draw-own');
  canvases.get('drawn').replaceWith(el('span', { class: 'thumb draw-icon', 'aria-hidden': 'true', text: '✎' }));
  canvases.delete('drawn');
  menu.append(drawOption);
  // Images are another page (images.html), on the same worker and core.
  menu.append(el('a', { class: 'picker-option picker-link', href: 'images.html', id: 'to-images',
    title: 'Train a GAN on real 8x8 handwritten digits (the image lab)' },
  el('span', { class: 'thumb draw-icon digits-icon', 'aria-hidden': 'true', text: '7' }),
  el('span', { text: 'Handwritten digits' })));
  container.append(button, menu);

  function open(focusFirst) {
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    const selected = menu.querySelector('.selected') ?? menu.querySelector('button');
    if (focusFirst) selected.focus();
  }
  function close(refocus) {
    if (menu.hidden) return;
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    if (refocus) button.focus();
  }
  function choose(name) {
    close(true);
    onPick(name);
  }

  button.addEventListener('click', () => (menu.hidden ? open(true) : close(false)));
  menu.addEventListener('keydown', (event) => {
    const items = [...menu.querySelectorAll('button, a')];
    const at = items.indexOf(document.activeElement);
    const columns = Math.max(1, Math.round(menu.clientWidth / (items[0].offsetWidth || 1)));
    const move = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns }[event.key];
    if (event.key === 'Escape') {
      event.preventDefault();
      close(true);
    } else if (move) {
      event.preventDefault();
      items[Math.min(items.length - 1, Math.max(0, at + move))].focus();
    }
  });
  document.addEventListener('pointerdown', (event) => {
    if (!container.contains(event.target)) close(false);
  });

  let shown = null;     // {name, points}: what the button shows
  let samples = {};     // preset name -> its thumbnail samples
  return {
    enable() {
      button.disabled = false;
    },
    /** Thumbnails from the worker: {name: {data, shape}}. */
    setThumbnails(received) {
      samples = received;
      for (const [name, canvas] of canvases) {
        if (samples[name]) drawThumbnail(canvas, samples[name].data);
      }
      if (shown) this.show(shown.name, shown.points, true);
    },
    /** Show the current data; `points` (interleaved) is given for drawn data. */
    show(name, points = null, force = false) {
      if (!force && shown && shown.name === name && (name !== 'drawn' || !points)) return;
      shown = { name, points: points ?? shown?.points };
      setText(currentName, distributionLabel(name));
      for (const item of menu.querySelectorAll('.picker-option')) {
        item.classList.toggle('selected', item.dataset.distribution === name);
      }
      const xy = name === 'drawn' ? shown.points : samples[name]?.data;
      if (xy) drawThumbnail(currentCanvas, xy);
    },
  };
}
