// "Draw your own" data: brush points on the layered view's square with a
// mouse, pen or finger, then train on them. Too few points gets a message and
// changes nothing; the points are rounded the way the URL stores them, so a
// shared link reproduces the same run.

import { el, setText } from './dom.js';
import { quantizePoints } from '../page/url-state.js';
import { field } from './schema.js';

const SPACING = 0.012;   // minimum distance between brushed points, in canvas units

export function createDrawing({ surface, bar, layered, api, messages, schema, onDone }) {
  const { min_points: minPoints, max_points: maxPoints } = field(schema, 'points');
  let points = [];
  let active = false;
  let brushing = false;
  let last = null;
  let tooFew = null;       // the "draw at least N points" error, while it is shown

  const count = el('span', { class: 'draw-count' });
  const done = el('button', { type: 'button', id: 'draw-done', class: 'primary', text: 'Train on these points' });
  const clear = el('button', { type: 'button', id: 'draw-clear', text: 'Clear' });
  const cancel = el('button', { type: 'button', id: 'draw-cancel', text: 'Cancel' });
  bar.append(count, done, clear, cancel);

  function redraw() {
    const xy = new Float32Array(points.length * 2);
    points.forEach(([x, y], i) => {
      xy[2 * i] = x;
      xy[2 * i + 1] = y;
    });
    layered.setDrawn(xy);
    setText(count, `${points.length} point${points.length === 1 ? '' : 's'}` +
      (points.length < minPoints ? ` (draw at least ${minPoints})` : ''));
  }

  function at(event) {
    const box = surface.getBoundingClientRect();
    const clamp = (v) => Math.min(1, Math.max(0, v));
    return [clamp((event.clientX - box.left) / box.width), clamp(1 - (event.clientY - box.top) / box.height)];
  }

  function add(point, force = false) {
    if (points.length >= maxPoints) return;
    if (!force && last && Math.hypot(point[0] - last[0], point[1] - last[1]) < SPACING) return;
    points.push(point);
    last = point;
    if (tooFew && points.length >= minPoints) {
      messages.clearError(tooFew);
      tooFew = null;
    }
    redraw();
  }

  surface.addEventListener('pointerdown', (event) => {
    if (!active) return;
    event.preventDefault();
    surface.setPointerCapture(event.pointerId);
    brushing = true;
    add(at(event), true);
  });
  surface.addEventListener('pointermove', (event) => {
    if (active && brushing) add(at(event));
  });
  const stop = () => {
    brushing = false;
  };
  surface.addEventListener('pointerup', stop);
  surface.addEventListener('pointercancel', stop);

  function exit() {
    active = false;
    brushing = false;
    bar.hidden = true;
    surface.classList.remove('drawing');
    layered.setDrawing(false);
  }

  done.addEventListener('click', async () => {
    if (points.length < minPoints) {
      tooFew = `Draw at least ${minPoints} points to train on: there ${points.length === 1 ? 'is' : 'are'} ` +
        `${points.length} so far. Nothing was changed.`;
      messages.error(tooFew);
      return;
    }
    const reply = await messages.guard(api.set({ distribution: 'drawn', points: quantizePoints(points) }));
    if (!reply) return;
    exit();
    messages.note(`Your ${points.length} points are the real data now. Press play to train on them.`);
    onDone?.();
  });
  clear.addEventListener('click', () => {
    points = [];
    last = null;
    redraw();
  });
  cancel.addEventListener('click', () => {
    exit();
    messages.note('Drawing cancelled: the data did not change.');
    onDone?.();
  });

  return {
    get active() {
      return active;
    },
    async enter() {
      messages.clearError();
      await messages.guard(api.pause());
      active = true;
      points = [];
      last = null;
      redraw();
      bar.hidden = false;
      surface.classList.add('drawing');
      layered.setDrawing(true);
      messages.note('Click or touch and drag on the square to draw the real data, then press "Train on these points".');
    },
    exit,
    points: () => points.map((p) => [...p]),
  };
}
