// The embedded lab's side of the postMessage protocol (the host side is
// host.js). The parent page drives the lab; the lab tells the parent
// when it is ready, its state a few times a second, and its height.
//
// Parent -> lab:  {ganlab: 'command', id, cmd, args}   cmd: one of COMMANDS; 'hello' answers
//                                                      at once, 'ready' once Python is up
// Lab -> parent:  {ganlab: 'ready', version, schema}
//                 {ganlab: 'reply', id, ok, result | error}
//                 {ganlab: 'state', state}
//                 {ganlab: 'height', height}
//
// Origin checks: a command is taken only from the parent window, and only from
// the origins listed in the page's `origin` key when there is one. Replies go
// to the origin that asked, never to '*'; the unasked messages go to the
// `origin` key's first origin, else to the origin of document.referrer (the
// embedding page), else nowhere.

const COMMANDS = new Set(['hello', 'ready', 'play', 'pause', 'toggle', 'step', 'train', 'set', 'reset',
  'recommended', 'pretrained', 'state']);
const STATE_EVERY_MS = 250;

export function parentOrigins(originKey) {
  const listed = (originKey || '').split(' ').map((s) => s.trim()).filter(Boolean);
  if (listed.length) return listed;
  try {
    return document.referrer ? [new URL(document.referrer).origin] : [];
  } catch {
    return [];
  }
}

export function serveEmbedProtocol(api, { origins = [], restrictToOrigins = false } = {}) {
  if (window.parent === window) return;   // not in a frame: nothing to talk to
  const tell = (message) => {
    if (origins.length) window.parent.postMessage({ ganlab: message.ganlab, ...message }, origins[0]);
  };

  async function run(cmd, args) {
    if (!COMMANDS.has(cmd)) throw new Error(`unknown command ${JSON.stringify(String(cmd))}`);
    if (cmd === 'hello') return {};
    if (cmd === 'ready') return api.ready.then(() => ({ version: api.version, schema: api.schema }));
    if (cmd === 'state') return api.refresh();
    if (cmd === 'step') return api.step(args.level);
    if (cmd === 'train') return api.train(args.epochs);
    if (cmd === 'set') return api.set(args.params ?? args);
    if (cmd === 'pretrained') return api.pretrained(args.distribution);
    return api[cmd](args);
  }

  window.addEventListener('message', async (event) => {
    const data = event.data;
    if (event.source !== window.parent || !data || data.ganlab !== 'command') return;
    if (restrictToOrigins && !origins.includes(event.origin)) return;
    const reply = { ganlab: 'reply', id: data.id };
    try {
      const result = await run(data.cmd, data.args || {});
      Object.assign(reply, { ok: true, result: JSON.parse(JSON.stringify(result ?? null)) });
    } catch (error) {
      Object.assign(reply, { ok: false, error: String(error.message || error) });
    }
    event.source.postMessage(reply, event.origin);
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
