// The full page's state in its URL fragment (url-state.js does the reading
// and writing; this module applies it to index.html's views and keeps the URL
// in step). Restoring happens once, after Python is up; from then on the URL
// follows every change (settings, layers, hidden controls) via
// history.replaceState, so the address bar is always a link to this run.

import { readState, writeState, urlWriter, readComparison, writeComparison } from './url-state.js';
import { layersFromList } from '../ui/layered.js';

const WRITE_EVERY_MS = 300;   // frames come 60 times a second; the URL need not

export function createPageState({ api, app, schema, messages }) {
  const defaultLayers = app.layers();
  const knownControls = new Set([...document.querySelectorAll('[data-control]')].map((e) => e.dataset.control));
  const page = { hide: [], autoplay: false };
  const write = urlWriter();
  let restored = false;
  let lastWrite = 0;
  let pending = null;        // a write due after the last frame
  let drawnPoints = [];      // the drawn distribution's points, from the last static frame
  let comparing = null;      // "setting:value,value" while comparing, from the last frame

  function layersForUrl() {
    const now = app.layers();
    const same = Object.keys(defaultLayers).every((name) => now[name] === defaultLayers[name]);
    return same ? null : Object.keys(now).filter((name) => now[name]);
  }

  /** The link for the current run, with these controls hidden. */
  function fragment(hide = page.hide) {
    const { config, options } = api.state();
    // config.points is only a count; the drawn points themselves come in frames
    const settings = { ...config, ...options, points: drawnPoints };
    return writeState(schema, settings, { layers: layersForUrl(), hide, autoplay: page.autoplay, compare: comparing });
  }

  /** Write the URL: debounced while frames stream in; `now` for a person's
   *  change, so the address bar shows it at once (also while paused). */
  function update({ now = false } = {}) {
    if (!restored || !api.state().config) return;
    lastWrite = performance.now();
    const next = fragment();
    write(next);           // also replaces any older write still waiting
    if (now) {
      const url = location.pathname + location.search + next;
      if (url !== location.pathname + location.search + location.hash) history.replaceState(null, '', url);
    }
  }

  /** Apply the URL's settings, layers and hidden controls; notes are shown as text. */
  async function restore() {
    const { settings, page: fromUrl, notes } = readState(schema, location.hash);
    if (fromUrl.layers) {
      const { visible, unknown } = layersFromList(fromUrl.layers);
      if (unknown.length) notes.push(`ignored unknown layers: ${unknown.join(', ')}`);
      app.setLayers(visible);
    }
    const unknownControls = fromUrl.hide.filter((name) => !knownControls.has(name));
    if (unknownControls.length) notes.push(`ignored unknown controls to hide: ${unknownControls.join(', ')}`);
    page.hide = fromUrl.hide.filter((name) => knownControls.has(name));
    page.autoplay = fromUrl.autoplay;
    app.hideControls(page.hide);
    if (Object.keys(settings).length) {
      await api.set(settings).catch((error) => notes.push(`settings not applied: ${error.message}`));
    }
    if (fromUrl.compare) await startComparison(fromUrl.compare, notes);
    if (notes.length) messages.note(`From the link: ${notes.join('; ')}.`, { persist: true });   // text, never markup
    restored = true;
    update();
    if (page.autoplay) await api.play().catch((error) => messages.error(error.message));
  }

  /** "setting:value,value" from a link: compare the run with those values (same seed). */
  async function startComparison(text, notes) {
    const { vary, values, note } = readComparison(schema, text);
    if (note) notes.push(note);
    else await api.compare(vary, values).catch((error) => notes.push(`comparison not started: ${error.message}`));
  }

  // At most every WRITE_EVERY_MS, and always once after the last frame (a
  // paused lab sends no more frames after a change).
  api.on('frame', ({ frame }) => {
    const xy = frame.header.static ? frame.arrays.points?.data : null;
    if (xy) drawnPoints = Array.from({ length: xy.length / 2 }, (_, i) => [xy[2 * i], xy[2 * i + 1]]);
    comparing = writeComparison(frame.header.compare);
    const wait = lastWrite + WRITE_EVERY_MS - performance.now();
    if (wait <= 0) update();
    else pending ??= setTimeout(() => {
      pending = null;
      update();
    }, wait);
  });
  app.onLayersChange(() => update({ now: true }));
  // A link pasted over this one changes only the fragment, which does not load
  // the page again; start afresh from it (replaceState fires no hashchange).
  window.addEventListener('hashchange', () => location.reload());

  return {
    restore,
    /** Apply the URL's settings again (to a restarted worker). */
    async reapply() {
      const { settings, page: fromUrl } = readState(schema, location.hash);
      if (Object.keys(settings).length) await api.set(settings);
      if (fromUrl.compare) await startComparison(fromUrl.compare, []);
    },
    fragment,
    /** A full link (this page's address) for the current run. */
    link: (hide = page.hide) => location.origin + location.pathname + fragment(hide),
    setHidden(names) {
      page.hide = [...names];
      app.hideControls(page.hide);
      update({ now: true });
    },
    setAutoplay(on) {
      page.autoplay = Boolean(on);
      update({ now: true });
    },
    get hidden() {
      return [...page.hide];
    },
    get autoplay() {
      return page.autoplay;
    },
  };
}
