// For pages that embed a lab in an <iframe> (articles): a promise-based handle
// over the lab's postMessage protocol (see lab.js), the same calls as
// window.ganlab. Messages are taken only from that iframe's window and origin,
// and sent only to that origin.
//
//   import { connectLab } from './host.js';
//   const lab = await connectLab(document.querySelector('#lab'));   // resolves when ready
//   await lab.set({k_d: 5}); await lab.play();
//   lab.on('state', (state) => ...);
//
// The handle's methods are the commands the lab's schema (sent with its
// 'ready') marks embeddable: play, pause, toggle, step(level), train(epochs),
// set(settings), reset({new_seed}), recommended(), pretrained(name), state(),
// and whatever the lab adds; lab.command(name, args) sends one by name and
// lab.schema is the whole schema.
//
// The iframe grows to the lab's height unless connectLab(frame, {autoResize: false}).
// Loading this module also defines window.ganlabConnect for Python (ganlab_embed).

import { argsFromCall, commandsOf } from './calls.js';

export function connectLab(frame, { autoResize = true } = {}) {
  const origin = new URL(frame.src, location.href).origin;
  const pending = new Map();
  const listeners = { state: new Set(), height: new Set() };
  let nextId = 1;
  const send = (cmd, args = {}) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    frame.contentWindow.postMessage({ ganlab: 'command', id, cmd, args }, origin);
  });

  // The lab page may not listen yet (or may have said 'ready' before we
  // listened): say hello until it answers, then ask to be told when it is ready.
  let greeted = false;
  const greet = () => !greeted && frame.contentWindow?.postMessage({ ganlab: 'command', id: 0, cmd: 'hello' }, origin);
  const greeter = setInterval(greet, 250);
  const answered = new Promise((resolve) => pending.set(0, { resolve, reject: resolve }));
  const ready = answered.then(() => {
    greeted = true;
    clearInterval(greeter);
    return send('ready');
  });
  greet();

  window.addEventListener('message', (event) => {
    if (event.source !== frame.contentWindow || event.origin !== origin) return;
    const data = event.data || {};
    if (data.ganlab === 'reply') {
      const waiter = pending.get(data.id);
      pending.delete(data.id);
      if (waiter) (data.ok ? waiter.resolve(data.result) : waiter.reject(new Error(data.error)));
    } else if (data.ganlab === 'state') listeners.state.forEach((fn) => fn(data.state));
    else if (data.ganlab === 'height') {
      if (autoResize) frame.style.height = `${data.height}px`;
      listeners.height.forEach((fn) => fn(data.height));
    }
  });

  const command = (cmd, args = {}) => ready.then(() => send(cmd, args));

  const handle = {
    ready,
    command,
    on(type, fn) {
      listeners[type].add(fn);
      return () => listeners[type].delete(fn);
    },
  };
  const built = ready.then((info) => {
    handle.schema = info.schema;
    handle.version = info.version;
    for (const spec of commandsOf(info.schema, { where: 'session', embed: true })) {
      handle[spec.name] ??= (...values) => command(spec.name, argsFromCall(spec, values));
    }
  });
  return built.then(() => handle);
}

window.ganlabConnect = (frame, options) => connectLab(frame, options);
