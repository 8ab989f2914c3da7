// window.ganlab: the lab's JavaScript API for article authors and tests.
//
//   await ganlab.ready                 resolves once Python is up
//   ganlab.play() / pause() / toggle() / step('epoch' | 'd' | 'g') / train(epochs)  (up to 5000 at once)
//   await ganlab.set({learning_rate_g: 0.03, speed: 'fast'})   rejects with the reason if invalid
//   ganlab.reset({new_seed}) / recommended() / pretrained(name?) / save() / load(bytes)
//   await ganlab.refresh()   asks the worker for the state now (state() is as of the last frame)
//   ganlab.state()   {epoch, d_updates, g_updates, d_loss, g_loss, kl, js,
//                     epochs_per_second, playing, config, options, compute}
//                   compute: {requested, using, label, gpu, adapter, note, gpu_calls} (docs/gpu.md)
//                   notice: a sentence when an epoch takes over a second at these settings, else null
//   ganlab.on('frame' | 'error' | 'progress' | 'fatal', fn)   returns an unsubscribe function
//   ganlab.schema    every setting with its type and range (after ready)

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

  const send = (cmd, args) => client.command(cmd, args).then(absorb);

  const api = {
    get ready() {
      return client.ready.then(() => api);
    },
    play: () => send('play').then((r) => ((current.playing = true), r)),
    pause: () => send('pause').then((r) => ((current.playing = false), r)),
    toggle: () => (current.playing ? api.pause() : api.play()),
    step: (level = 'epoch') => send('step', { level }).then((r) => ((current.playing = false), r)),
    train: (epochs) => send('train', { epochs }).then((r) => ((current.playing = false), r)),
    set: (params) => send('set', { params }),
    reset: (options = {}) => send('reset', options),
    recommended: () => send('recommended'),
    pretrained: (distribution) => send('pretrained', distribution ? { distribution } : {}),
    save: () => client.save(),
    load: (bytes) => client.load(bytes).then(absorb),
    state: () => ({ ...current }),
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
