// The page's side of the worker protocol (see worker/session.js): starts the
// worker, turns replies into promises, and paces frames: at most one frame
// request is in flight, and a new one is asked for on the next animation frame
// after the last one arrived, so drawing runs at the display's rate while the
// worker trains at full speed in between.
//
// Events (EventTarget): 'progress' {stage, fraction, message}, 'ready' {version,
// bootMs, schema, state}, 'frame' {frame}, 'error' {message}, 'fatal' {message}.

export class LabError extends Error {}

export function decodeFrame(headerText, buffer) {
  const header = JSON.parse(headerText);
  const all = new Float32Array(buffer);
  const arrays = {};
  for (const [name, offset, shape] of header.arrays) {
    const size = shape.reduce((a, b) => a * b, 1);
    arrays[name] = { data: all.subarray(offset, offset + size), shape };
  }
  return { header, arrays };
}

/** The worker page/early-worker.js started from the page's <head>, if it is
 *  for this URL and nobody took it yet: {worker, queued events}. */
function takeEarlyWorker(url) {
  const early = globalThis.ganlabEarlyWorker;
  if (!early || early.taken || early.url !== new URL(url, location.href).href) return null;
  early.taken = true;
  return early;
}

export class LabClient extends EventTarget {
  constructor(workerUrl = new URL('../worker/worker.js', import.meta.url)) {
    super();
    this.workerUrl = workerUrl;
    this.nextId = 1;
    this.pending = new Map();
    this.frameInFlight = false;
    this.paceMissed = false;    // a display frame passed while a frame was in flight
    this.wantFrame = true;      // something changed since the last frame
    this.lastFrame = null;
    this.info = null;
    this.running = false;
    this._newReadyPromise();
    this.framesEnabled = true;  // benchmarks switch frames off to time training alone
    this.framesReceived = 0;
    this.firstFrameAt = null;   // performance.now() of the first frame
  }

  // `ready` exists from construction, so pages can wire themselves up before
  // deciding when to start the worker (an embedded lab waits until it is seen).
  _newReadyPromise() {
    this.ready = new Promise((resolve, reject) => {
      this._resolveReady = resolve;
      this._rejectReady = reject;
    });
    this.ready.catch(() => {});   // a failed boot is reported through 'fatal'
  }

  start() {
    if (this.worker) this._newReadyPromise();
    const early = takeEarlyWorker(this.workerUrl);
    this.worker = early?.worker ?? new Worker(this.workerUrl, { type: 'module' });
    this.worker.onmessage = ({ data }) => this._receive(data);
    this.worker.onerror = (event) => {
      event.preventDefault?.();
      this._fail(`the worker stopped: ${event.message || 'unknown error'}`);
    };
    for (const event of early?.queued ?? []) {
      if (event.type === 'message') this.worker.onmessage(event);
      else this.worker.onerror(event);
    }
    this.running = true;
    requestAnimationFrame(() => this._pace());
    return this.ready;
  }

  restart() {
    this.stop();
    return this.start();
  }

  stop() {
    this.running = false;
    this.info = null;            // no frame requests until the next worker says it is ready
    this.worker?.terminate();
    for (const { reject } of this.pending.values()) reject(new LabError('the lab was restarted'));
    this.pending.clear();
    this.frameInFlight = false;
    this.paceMissed = false;
    this.wantFrame = true;
  }

  _fail(message) {
    this.running = false;
    this._rejectReady?.(new LabError(message));
    this._emit('fatal', { message });
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  _receive(data) {
    switch (data.type) {
      case 'progress':
        if (data.boot) this.boot = data.boot;   // how Python started: {path: 'fresh'|'snapshot', ...}
        this._emit('progress', data);
        break;
      case 'snapshot':
        this.snapshotState = data.state;        // a fresh boot stored its snapshot (or could not)
        this._emit('snapshot', data);
        break;
      case 'fatal':
        this._fail(data.message);
        break;
      case 'ready':
        this.info = data;
        this._resolveReady(data);
        this._emit('ready', data);
        break;
      case 'reply': {
        const waiter = this.pending.get(data.id);
        this.pending.delete(data.id);
        this.wantFrame = true;
        if (!waiter) break;
        if (data.ok) waiter.resolve(data);
        else waiter.reject(new LabError(data.error));
        break;
      }
      case 'frame':
        this.frameInFlight = false;
        this.framesReceived++;
        this.firstFrameAt ??= performance.now();
        this.lastFrame = decodeFrame(data.header, data.buffer);
        // The frame came back after a display frame went by without a request:
        // ask again now (the worker makes it while this one is drawn) rather
        // than on the next display frame, so a round trip a little longer than
        // a display frame costs a little, not a whole frame.
        if (this.paceMissed) {
          this.paceMissed = false;
          this._requestFrame();
        }
        this._emit('frame', { frame: this.lastFrame });
        break;
      case 'error':
        this.wantFrame = true;
        this._emit('error', { message: data.message });
        break;
      default:
        console.warn('unknown message from the worker', data);
    }
  }

  _pace() {
    if (!this.running) return;
    if (this.frameInFlight) this.paceMissed = true;
    else this._requestFrame();
    requestAnimationFrame(() => this._pace());
  }

  _requestFrame() {
    const playing = this.lastFrame?.header.playing;
    if (this.info && this.framesEnabled && !this.frameInFlight && (this.wantFrame || playing)) {
      this.frameInFlight = true;
      this.wantFrame = false;
      this.worker.postMessage({ type: 'frame' });
    }
  }

  _request(message, transfer = []) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  /** Send a command ({cmd, ...args}); resolves with the reply, rejects with LabError. */
  async command(cmd, args = {}) {
    await this.ready;
    return this._request({ type: 'command', command: { cmd, ...args } });
  }

  /** Samples of every preset distribution: {name: {data (Float32Array), shape}}. */
  async thumbnails() {
    await this.ready;
    const reply = await this._request({ type: 'thumbnails' });
    return decodeFrame(reply.header, reply.buffer).arrays;
  }

  /** Worker memory figures: {wasmHeapBytes, pythonObjects, jsHeapBytes}. */
  async stats() {
    await this.ready;
    return this._request({ type: 'stats' });
  }

  async save() {
    await this.ready;
    const reply = await this._request({ type: 'save' });
    return new Uint8Array(reply.bytes);
  }

  async load(bytes) {
    await this.ready;
    const copy = new Uint8Array(bytes).slice();
    return this._request({ type: 'load', bytes: copy.buffer }, [copy.buffer]);
  }
}
