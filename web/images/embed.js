// images.html#embed=1 (embed.html#lab=images comes here): the image lab made
// compact for an <iframe> in an article. `views` picks its panels from
// IMAGE_VIEWS (default: the generated digits and the training log); of the top
// bar it keeps play, the epoch and the step buttons. As embed.html does, it
// boots Python only when it comes near the viewport, pauses while scrolled out
// of view, and takes the image lab's embeddable commands from its parent page
// by postMessage (embed/lab.js).

import { readState } from '../page/url-state.js';
import { parentOrigins, serveEmbedProtocol } from '../embed/lab.js';
import { whileInView } from '../embed/in-view.js';

export const IMAGE_VIEWS = ['fakes', 'metrics', 'inference', 'latent', 'dataset', 'graph', 'settings'];
const DEFAULT_VIEWS = ['fakes', 'metrics'];
const TOP_BAR_KEPT = ['play', 'epoch', 'step'];

/** What the fragment asks of the embedded image lab: {embedded, views, origin, notes}. */
export function embedRequest(schema, hash) {
  const { page } = readState(schema, hash);      // the settings are the page state's to read
  if (!page.embed) return { embedded: false };
  const notes = [];
  const asked = page.views ?? DEFAULT_VIEWS;
  const unknown = asked.filter((name) => !IMAGE_VIEWS.includes(name));
  if (unknown.length) notes.push(`ignored unknown views: ${unknown.join(', ')}`);
  const views = asked.filter((name) => IMAGE_VIEWS.includes(name));
  return { embedded: true, views: views.length ? views : DEFAULT_VIEWS, origin: page.origin, notes };
}

/**
 * Lay the page out as an embed and boot it when it comes into view. Returns
 * the data-control names the embed hides (added to any a teacher hid), and
 * the page keys its links keep.
 */
export function startEmbedded(request, { client, api, schema }) {
  document.body.classList.add('embedded');
  const shown = new Set([...request.views, ...TOP_BAR_KEPT]);
  const hidden = [...new Set([...document.querySelectorAll('[data-control]')].map((e) => e.dataset.control))]
    .filter((name) => !shown.has(name) && !isInside(name, shown));
  const full = document.getElementById('full-lab');
  full.hidden = false;
  const view = whileInView({ start: () => client.start().catch(() => {}), playing: () => api.state().playing,
    pause: () => api.pause().catch(() => {}), play: () => api.play().catch(() => {}), ready: () => Boolean(client.info) });
  document.getElementById('play').addEventListener('click', () => view.cancelResume());
  const parents = parentOrigins(request.origin);
  serveEmbedProtocol(api, parents, schema);
  return {
    hidden,
    notes: [...request.notes, ...parents.notes],
    pageKeys: { embed: true, views: request.views, origin: request.origin },
    /** "open in the image lab": the same run on the full page. */
    linkFullLab(settingsFragment) {
      full.href = 'images.html' + settingsFragment;
    },
  };
}

/** A control inside a shown panel stays (the metrics' CSV button, the inference's class picker). */
function isInside(name, shown) {
  const element = document.querySelector(`[data-control="${name}"]`);
  const panel = element?.parentElement?.closest('[data-control]');
  return Boolean(panel && shown.has(panel.dataset.control));
}
