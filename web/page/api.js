// window.ganlab: the lab's JavaScript API for article authors and tests.
//
//   await ganlab.ready                 resolves once Python is up
//   one method per session command of the schema (schema.js, from ganlab_wasm/schema.py):
//     ganlab.play() / pause() / toggle() / step('epoch' | 'd' | 'g') / train(epochs)  (up to 5000 at once)
//     await ganlab.set({learning_rate_g: 0.03, speed: 'fast'})   rejects with the reason if invalid
//     ganlab.reset({new_seed}) / recommended() / pretrained(name?)
//   ganlab.save() / load(bytes)
//   await ganlab.refresh()   asks the worker for the state now (state() is as of the last frame)
//   ganlab.state()   {epoch, d_updates, g_updates, d_loss, g_loss, kl, js,
//                     epochs_per_second, playing, config, options, compute}
//                   compute: {requested, using, label, gpu, adapter, note, gpu_calls} (docs/gpu.md)
//                   notice: a sentence when an epoch takes over a second at these settings, else null
//   ganlab.send(cmd, args)   any session command by name, its arguments checked against the schema
//   ganlab.on('frame' | 'error' | 'progress' | 'fatal', fn)   returns an unsubscribe function
//   ganlab.schema    every setting, option and command, with the page's extras (after ready;
//                    before it, the build's schema.js)

import vocabulary from '../schema.js';
import { argsFromCall, byName, checkArgs, commandsOf } from '../embed/calls.js';

const COMMANDS = byName(commandsOf(vocabulary, { where: 'session' }));

export function createApi(client) {
  const current = { playing: false, epochs_per_second: 0, config: null, options: null, notice: null };

  function absorb(reply) {
    if ('playing' in reply) current.playing = reply.playing;
    if ('epochs_per_second' in reply) current.epochs_per_second = reply.epochs_per_second;
    if (reply.config) current.config = reply.config;
    if (reply.options) current.options = reply.options;
    if (reply.metrics) Object.assign(current, reply.metrics);
    if (reply.compute) current.compute = reply.compute;   // how products run: see docs/gpu.md
    if ('notice' in reply) current.notice = reply.notice;
    return reply;
  }

  client.addEventListener('ready', ({ detail }) => {
    api.schema = detail.schema;
    api.version = detail.version;
    absorb(detail.state);
    current.playing = detail.state.playing;
  });
  client.addEventListener('frame', ({ detail: { frame } }) => {
    const h = frame.header;
    Object.assign(current, h.metrics);
    current.playing = h.playing;
    current.epochs_per_second = h.epochs_per_second;
    current.config = h.config;
    current.options = h.options;
    if (h.compute) current.compute = { ...current.compute, ...h.compute };
    current.notice = h.notice ?? null;
  });
  client.addEventListener('error', () => {
    current.playing = false;
  });

  /** Send a session command by name; its arguments are checked against its schema entry first. */
  async function send(cmd, args = {}) {
    const spec = typeof cmd === 'string' ? COMMANDS[cmd] : undefined;
    if (!spec) throw new Error(`unknown command ${JSON.stringify(String(cmd))}`);
    return client.command(spec.name, checkArgs(spec, args)).then(absorb);
  }

  // One method per session command, taking its arguments the way the schema says.
  const commands = {};
  for (const spec of Object.values(COMMANDS)) {
    commands[spec.name] = (...values) => send(spec.name, argsFromCall(spec, values));
  }

  // The session's `state` and `schema` commands are read through refresh() and ganlab.schema.
  const api = {
    ...commands,
    schema: vocabulary,
    get ready() {
      return client.ready.then(() => api);
    },
    send,
    save: () => client.save(),
    load: (bytes) => client.load(bytes).then(absorb),
    state: () => ({ ...current }),             // the page's copy; the command is refresh()
    refresh: () => send('state').then(() => api.state()),
    stats: () => client.stats(),
    client,   // the LabClient underneath (frame counters, pacing), for tools and tests
    on(type, fn) {
      const listener = (event) => fn(event.detail);
      client.addEventListener(type, listener);
      return () => client.removeEventListener(type, listener);
    },
  };
  return api;
}
