// Hovering a fake sample in the layered view: its coordinates, what D thinks
// of it, and in words where its gradient pushes it ("moves up and right to
// lower G's loss"). The plot has no axes or borders, so its canvas is exactly
// the unit square and a mouse position maps to data coordinates directly.

import { el } from './dom.js';

const REACH_PX = 10;   // how close the pointer must be to a sample

/** Where a push (dx, dy) moves a sample, in words. */
export function describeMove(dx, dy) {
  const length = Math.hypot(dx, dy);
  if (!(length > 1e-9)) return 'this sample stays put: G\'s loss is flat here';
  const words = [];
  if (Math.abs(dy) > 0.38 * length) words.push(dy > 0 ? 'up' : 'down');
  if (Math.abs(dx) > 0.38 * length) words.push(dx > 0 ? 'right' : 'left');
  return `this sample moves ${words.join(' and ')} to lower G's loss`;
}

export function attachFakeHover({ surface, tooltip, layered, isActive }) {
  function nearest(frame, x, y, reach) {
    const xy = frame.arrays.fake.data;
    let best = -1;
    let bestD = reach * reach;
    for (let i = 0; i < xy.length / 2; i++) {
      const d = (xy[2 * i] - x) ** 2 + (xy[2 * i + 1] - y) ** 2;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  function hide() {
    if (!tooltip.hidden) {
      tooltip.hidden = true;
      layered.setHover(null);
    }
  }

  function show(event) {
    const frame = layered.lastFrame();
    if (!frame || !isActive()) return hide();
    const box = surface.getBoundingClientRect();
    const x = (event.clientX - box.left) / box.width;
    const y = 1 - (event.clientY - box.top) / box.height;
    const i = nearest(frame, x, y, REACH_PX / box.width);
    if (i < 0) return hide();
    const a = frame.arrays;
    const [fx, fy] = [a.fake.data[2 * i], a.fake.data[2 * i + 1]];
    const [gx, gy] = [a.fake_grad.data[2 * i], a.fake_grad.data[2 * i + 1]];
    const verdict = a.fake_pred.data[i];
    tooltip.replaceChildren(
      el('b', { text: `Fake sample (${fx.toFixed(2)}, ${fy.toFixed(2)})` }),
      el('span', { text: `D says it is real with probability ${verdict.toFixed(2)}` }),
      el('span', { class: 'push', text: `${describeMove(gx, gy)}.` }),
    );
    tooltip.hidden = false;
    const left = event.clientX - box.left + 14;
    const top = event.clientY - box.top + 14;
    tooltip.style.left = `${Math.min(left, box.width - tooltip.offsetWidth - 4)}px`;
    tooltip.style.top = `${top + tooltip.offsetHeight > box.height ? top - tooltip.offsetHeight - 24 : top}px`;
    layered.setHover([fx, fy]);
  }

  let lastEvent = null;   // to follow the sample under a still pointer while training moves it
  surface.addEventListener('pointermove', (event) => {
    if (event.pointerType !== 'mouse') return;
    lastEvent = { clientX: event.clientX, clientY: event.clientY };
    show(lastEvent);
  });
  surface.addEventListener('pointerleave', () => {
    lastEvent = null;
    hide();
  });
  return {
    hide,
    /** Called on each frame. */
    refresh() {
      if (lastEvent) show(lastEvent);
    },
  };
}
