// images.html's state in its URL fragment, read and written by
// page/url-state.js from the image schema (settings and session options: no
// name is spelled out here). Restored once after Python is up; then the
// address bar follows every change, so it is always a link to this run (the
// seed is in it: the same starting weights).

import { readState, writeState, urlWriter } from '../page/url-state.js';

const WRITE_EVERY_MS = 300;

// pageKeys: page keys every written link keeps (an embed's embed, views, origin);
// onWrite(): after each write of the URL; notes: the embed's, shown with the link's.
export function createImagePageState({ api, schema, messages, hideControls, pageKeys = {}, onWrite = () => {},
  notes: embedNotes = [] }) {
  const knownControls = new Set([...document.querySelectorAll('[data-control]')].map((e) => e.dataset.control));
  const page = { hide: [], autoplay: false };
  const write = urlWriter();
  let restored = false;
  let lastWrite = 0;
  let pending = null;

  function fragment(hide = page.hide, keys = pageKeys) {
    const { config, options } = api.state();
    return writeState(schema, { ...config, ...options }, { ...keys, hide, autoplay: page.autoplay });
  }

  function update() {
    if (!restored || !api.state().config) return;
    lastWrite = performance.now();
    write(fragment());
    onWrite();
  }

  async function restore() {
    const { settings, page: fromUrl, notes } = readState(schema, location.hash);
    notes.unshift(...embedNotes);
    if (fromUrl.layers) notes.push('ignored layers: the image lab has none');
    if (fromUrl.compare) notes.push('ignored compare: the image lab compares with its pretrained model instead');
    const unknown = fromUrl.hide.filter((name) => !knownControls.has(name));
    if (unknown.length) notes.push(`ignored unknown controls to hide: ${unknown.join(', ')}`);
    page.hide = fromUrl.hide.filter((name) => knownControls.has(name));
    page.autoplay = fromUrl.autoplay;
    hideControls(page.hide);
    if (Object.keys(settings).length) {
      await api.set(settings).catch((error) => notes.push(`settings not applied: ${error.message}`));
    }
    if (notes.length) messages.note(`From the link: ${notes.join('; ')}.`, { persist: true });
    restored = true;
    update();
    if (page.autoplay) await api.play().catch((error) => messages.error(error.message));
  }

  api.on('frame', () => {
    const wait = lastWrite + WRITE_EVERY_MS - performance.now();
    if (wait <= 0) update();
    else pending ??= setTimeout(() => {
      pending = null;
      update();
    }, wait);
  });
  window.addEventListener('hashchange', () => location.reload());

  return {
    restore,
    async reapply() {
      const { settings } = readState(schema, location.hash);
      if (Object.keys(settings).length) await api.set(settings);
    },
    fragment,
    link: (hide = page.hide) => location.origin + location.pathname + fragment(hide),
    setHidden(names) {
      page.hide = [...names];
      hideControls(page.hide);
      update();
    },
    setAutoplay(on) {
      page.autoplay = Boolean(on);
      update();
    },
    get hidden() {
      return [...page.hide];
    },
    get autoplay() {
      return page.autoplay;
    },
  };
}
