// The embedded lab's side of the postMessage protocol (the host side is
// host.js). The parent page drives the lab; the lab tells the parent
// when it is ready, its state a few times a second, and its height.
//
// Parent -> lab:  {ganlab: 'command', id, cmd, args}   cmd: a command the schema marks `embed`
//                                                      (schema.js, from ganlab_wasm/schema.py);
//                                                      'hello' answers at once, 'ready' once Python is up
// Lab -> parent:  {ganlab: 'ready', version, schema}
//                 {ganlab: 'reply', id, ok, result | error}
//                 {ganlab: 'state', state}
//                 {ganlab: 'height', height}
//
// A command is built only from its schema entry: its name must be listed as
// embeddable and its args may hold only that entry's arguments, each checked.
//
// Origin checks: a command is taken only from the parent window, and only from
// the origins listed in the page's `origin` key when there is one (`*`: any).
// Replies go to the origin that asked, never to '*'; the unasked messages
// (ready, state, height) go to every listed origin (`*`: to whatever page is
// the parent), else to the origin of document.referrer (the embedding page),
// else, when the parent sent no Referer, to the origin of the parent's first
// command (host.js's 'hello'), and until then nowhere.

import vocabulary from '../schema.js';
import { byName, checkArgs, commandsOf } from './calls.js';

const STATE_EVERY_MS = 250;
const MAX_ORIGINS = 10;

/** An origin as postMessage wants it ('https://a.org'), or null if `text` is not one. */
function asOrigin(text) {
  try {
    const url = new URL(text);
    if (!['http:', 'https:'].includes(url.protocol) || url.origin === 'null') return null;
    return url.pathname === '/' && !url.search && !url.hash && !url.username ? url.origin : null;
  } catch {
    return null;
  }
}

function referrerOrigin(referrer) {
  try {
    const origin = new URL(referrer).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/**
 * The parent origins an embedded lab talks to: {origins, any, restrict, notes}.
 * originKey is the URL's `origin` value (space-separated origins, or `*`);
 * without one, the referrer's origin. Malformed entries are left out with a note.
 */
export function parentOrigins(originKey, referrer = document.referrer) {
  const notes = [];
  const listed = (originKey ?? '').split(/[\s,]+/).filter(Boolean);
  if (!listed.length) {
    const origin = referrer ? referrerOrigin(referrer) : null;
    return { origins: origin ? [origin] : [], any: false, restrict: false, notes };
  }
  const origins = [];
  const bad = [];
  let any = false;
  for (const entry of listed.slice(0, MAX_ORIGINS)) {
    if (entry === '*') any = true;
    else {
      const origin = asOrigin(entry);
      if (origin) origins.includes(origin) || origins.push(origin);
      else bad.push(entry);
    }
  }
  if (bad.length) {
    notes.push(`ignored origin ${bad.slice(0, 3).map((b) => JSON.stringify(b.slice(0, 60))).join(', ')}: `
      + 'an origin looks like https://example.org');
  }
  if (listed.length > MAX_ORIGINS) notes.push(`origin: used the first ${MAX_ORIGINS} of ${listed.length}`);
  if (!any && !origins.length) notes.push('no valid origin given: this lab takes no commands from its page');
  return { origins, any, restrict: true, notes };
}

export function serveEmbedProtocol(api, { origins = [], any = false, restrict = false } = {}, schema = vocabulary) {
  if (window.parent === window) return;   // not in a frame: nothing to talk to
  const COMMANDS = byName(commandsOf(schema, { embed: true }));   // the 2-D lab's, or the image lab's
  let targets = any ? ['*'] : [...origins];
  const tell = (message) => {
    for (const target of targets) window.parent.postMessage(message, target);
  };

  async function run(cmd, args) {
    const spec = typeof cmd === 'string' ? COMMANDS[cmd] : undefined;
    if (!spec) throw new Error(`unknown command ${JSON.stringify(String(cmd).slice(0, 40))}`);
    const checked = checkArgs(spec, args);
    if (spec.where === 'embed') {
      if (spec.name === 'hello') return {};
      return api.ready.then(() => ({ version: api.version, schema: api.schema }));   // 'ready'
    }
    if (spec.name === 'state') return api.refresh();   // the page's view of the state, as ganlab.state()
    return api.send(spec.name, checked);
  }

  window.addEventListener('message', async (event) => {
    const data = event.data;
    if (event.source !== window.parent || !data || data.ganlab !== 'command') return;
    if (restrict && !any && !origins.includes(event.origin)) return;
    // An opaque origin ('null': a sandboxed or file: parent) can only be answered through '*'.
    const replyTo = event.origin === 'null' ? (any ? '*' : null) : event.origin;
    if (!replyTo) return;
    if (!targets.length && !restrict) targets = [replyTo];   // no Referer: learn the parent's origin
    const reply = { ganlab: 'reply', id: data.id };
    try {
      const result = await run(data.cmd, data.args ?? {});
      Object.assign(reply, { ok: true, result: JSON.parse(JSON.stringify(result ?? null)) });
    } catch (error) {
      Object.assign(reply, { ok: false, error: String(error.message || error) });
    }
    event.source.postMessage(reply, replyTo);
  });

  let lastState = 0;
  api.on('frame', () => {
    const now = performance.now();
    if (now - lastState >= STATE_EVERY_MS) {
      lastState = now;
      tell({ ganlab: 'state', state: api.state() });
    }
  });
  api.ready.then(() => tell({ ganlab: 'ready', version: api.version, schema: api.schema }));

  let lastHeight = 0;
  new ResizeObserver(() => {
    const height = Math.ceil(document.documentElement.scrollHeight);
    if (height !== lastHeight) {
      lastHeight = height;
      tell({ ganlab: 'height', height });
    }
  }).observe(document.body);
}
