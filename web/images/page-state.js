// images.html's state in its URL fragment, read and written by
// page/url-state.js from the image schema (settings and session options: no
// name is spelled out here). Restored once after Python is up; then the
// address bar follows every change, so it is always a link to this run (the
// seed is in it: the same starting weights).

import { readState, writeState, urlWriter } from '../page/url-state.js';

const WRITE_EVERY_MS = 300;

export function createImagePageState({ api, schema, messages, hideControls }) {
  const knownControls = new Set([...document.querySelectorAll('[data-control]')].map((e) => e.dataset.control));
  const page = { hide: [], autoplay: false };
  const write = urlWriter();
  let restored = false;
  let lastWrite = 0;
  let pending = null;

  function fragment(hide = page.hide) {
    const { config, options } = api.state();
    return writeState(schema, { ...config, ...options }, { hide, autoplay: page.autoplay });
  }

  function update() {
    if (!restored || !api.state().config) return;
    lastWrite = performance.now();
    write(fragment());
  }

  async function restore() {
    const { settings, page: fromUrl, notes } = readState(schema, location.hash);
    if (fromUrl.layers) notes.push('ignored layers: the image lab has none');
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
