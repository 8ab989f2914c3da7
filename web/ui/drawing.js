// "Draw your own" data: brush points on the layered view's square with a
// mouse, pen or finger (shift-click, or a long-press with a finger or pen,
// deletes the nearest point), then train on them; or paste / upload CSV or
// whitespace-separated x, y rows, which the worker parses
// (ganlab_wasm/points_io.py: scaled onto the canvas, bad rows named by line).
// Too few points gets a message and changes nothing; the points are rounded
// the way the URL stores them, so a shared link reproduces the same run.
//
// A finger or pen's first point waits: a tap adds it when it lifts, a drag
// adds it as soon as it moves more than LONG_PRESS_SLOP (then brushes on), and
// a press held that still for LONG_PRESS_MS deletes the nearest point instead,
// so the press itself leaves nothing behind. A mouse adds at once.

import { el, setText } from './dom.js';
import { quantizePoints } from '../page/url-state.js';
import { field } from './schema.js';

const SPACING = 0.012;   // minimum distance between brushed points, in canvas units
const LONG_PRESS_MS = 500;        // a touch or pen held this long without moving deletes
const LONG_PRESS_SLOP = 0.02;     // "without moving": within this distance, in canvas units

export function createDrawing({ surface, bar, layered, api, messages, schema, onDone }) {
  const { min_points: minPoints, max_points: maxPoints } = field(schema, 'points');
  let points = [];
  let active = false;
  let brushing = false;
  let last = null;
  let press = null;        // a touch or pen press that may yet be a long-press: { id, point, timer }
  let tooFew = null;       // the "draw at least N points" error, while it is shown

  const count = el('span', { class: 'draw-count' });
  const done = el('button', { type: 'button', id: 'draw-done', class: 'primary', text: 'Train on these points' });
  const clear = el('button', { type: 'button', id: 'draw-clear', text: 'Clear' });
  const cancel = el('button', { type: 'button', id: 'draw-cancel', text: 'Cancel' });
  const paste = el('textarea', { id: 'points-text', rows: '3', placeholder: 'or paste x, y rows (CSV or spaces)',
    'aria-label': 'points to load, one x, y row per point' });
  const load = el('button', { type: 'button', id: 'points-load', text: 'Load pasted points' });
  const file = el('input', { type: 'file', id: 'points-file', accept: '.csv,.txt,.tsv,text/csv,text/plain',
    'aria-label': 'upload a CSV file of points' });
  const own = el('div', { class: 'draw-own' });
  own.append(paste, load, file);
  bar.append(count, done, clear, cancel, own);

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

  function removeNearest(point) {
    if (!points.length) return;
    let best = 0;
    points.forEach((p, i) => {
      if (Math.hypot(p[0] - point[0], p[1] - point[1]) < Math.hypot(points[best][0] - point[0], points[best][1] - point[1])) best = i;
    });
    points.splice(best, 1);
    last = null;
    redraw();
  }

  function endPress() {
    if (!press) return null;
    clearTimeout(press.timer);
    const ended = press;
    press = null;
    return ended;
  }

  surface.addEventListener('pointerdown', (event) => {
    if (!active) return;
    event.preventDefault();
    if (event.shiftKey) return removeNearest(at(event));     // shift-click: delete the nearest point
    if (press) add(endPress().point, true);                  // a second finger: the first was a tap
    surface.setPointerCapture(event.pointerId);
    brushing = true;
    if (event.pointerType !== 'touch' && event.pointerType !== 'pen') return add(at(event), true);
    const point = at(event);
    press = {
      id: event.pointerId,
      point,
      timer: setTimeout(() => {                              // held still: a long-press deletes
        press = null;
        brushing = false;
        if (active) removeNearest(point);
      }, LONG_PRESS_MS),
    };
  });
  surface.addEventListener('pointermove', (event) => {
    if (!active || !brushing) return;
    const point = at(event);
    if (press) {
      if (event.pointerId !== press.id) return;
      if (Math.hypot(point[0] - press.point[0], point[1] - press.point[1]) <= LONG_PRESS_SLOP) return;
      add(endPress().point, true);                           // moved: a stroke, so brush from where it began
    }
    add(point);
  });
  surface.addEventListener('pointerup', (event) => {
    if (press && event.pointerId !== press.id) return;
    const tap = endPress();
    if (active && tap) add(tap.point, true);                 // a quick tap adds its point
    brushing = false;
  });
  surface.addEventListener('pointercancel', (event) => {
    if (press && event.pointerId !== press.id) return;
    endPress();                                              // the browser took the gesture: add nothing
    brushing = false;
  });
  surface.addEventListener('contextmenu', (event) => {       // a long-press may also open a menu
    if (active) event.preventDefault();
  });

  function exit() {
    active = false;
    brushing = false;
    endPress();
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
  async function loadText(text, source) {
    messages.clearError();
    if (!text.trim()) {
      messages.error(`There are no points in ${source}: one x, y row per point. Nothing was changed.`);
      return;
    }
    const reply = await messages.guard(api.load_points(text));
    if (!reply) return;
    exit();
    const notes = reply.notes.length ? ` (${reply.notes.join('; ')})` : '';
    messages.note(`${reply.points} points from ${source} are the real data now${notes}. Press play to train on them.`);
    onDone?.();
  }
  load.addEventListener('click', () => loadText(paste.value, 'the pasted text'));
  file.addEventListener('change', async () => {
    const chosen = file.files[0];
    file.value = '';
    if (!chosen) return;
    if (chosen.size > 2_000_000) {
      messages.error(`${chosen.name} is too big (${chosen.size.toLocaleString()} bytes; at most 2,000,000). Nothing was changed.`);
      return;
    }
    loadText(await chosen.text(), chosen.name);
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
      messages.note('Click or touch and drag on the square to draw the real data ' +
        '(shift-click or long-press deletes the nearest point), then press "Train on these points"; ' +
        'or paste or upload x, y rows.');
    },
    exit,
    points: () => points.map((p) => [...p]),
  };
}
