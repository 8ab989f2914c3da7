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
// The iframe grows to the lab's height unless connectLab(frame, {autoResize: false}).
// Loading this module also defines window.ganlabConnect for Python (ganlab_wasm.embed).

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
    play: () => command('play'),
    pause: () => command('pause'),
    toggle: () => command('toggle'),
    step: (level = 'epoch') => command('step', { level }),
    train: (epochs) => command('train', { epochs }),
    set: (params) => command('set', { params }),
    reset: (options = {}) => command('reset', options),
    recommended: () => command('recommended'),
    pretrained: (distribution) => command('pretrained', { distribution }),
    state: () => command('state'),
    on(type, fn) {
      listeners[type].add(fn);
      return () => listeners[type].delete(fn);
    },
  };
  return ready.then(() => handle);
}

window.ganlabConnect = (frame, options) => connectLab(frame, options);
