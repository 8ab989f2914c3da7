// The page's side of the worker protocol (see worker/session.js): starts the
// worker, turns replies into promises, and paces frames: at most one frame
// request is in flight, and a new one is asked for on the next animation frame
// after the last one arrived, so drawing runs at the display's rate while the
// worker trains at full speed in between.
//
// Events (EventTarget): 'progress' {stage, fraction, message}, 'ready' {version,
// bootMs, schema, state}, 'frame' {frame}, 'error' {message}, 'fatal' {message}.
//
// A worker that dies or hangs (self.close(), terminate(), a handler stuck in a
// loop) sends no more heartbeats: after HUNG_MS of silence the client ends it,
// rejects every pending promise and reports 'fatal' (the page offers Restart).

import { checkFrameLayout } from './frame-layout.js';

export class LabError extends Error {}

export const MAX_LOAD_BYTES = 20 * 1024 * 1024;   // the file picker's cap, for ganlab.load too
const HUNG_MS = 8000;   // silence after which the worker is taken for dead (it beats every 500 ms; a
                        // loaded 2-core machine stalled a healthy worker for over 3 s)
const WATCH_MS = 250;
const FRAME_RETRY_MS = 500;       // after a frame failed, wait this long before asking again

/** {header, arrays}; a frame (not thumbnails) is checked against the schema's layout first. */
export function decodeFrame(headerText, buffer, { isFrame = false, check = checkFrameLayout } = {}) {
  const header = JSON.parse(headerText);
  const all = new Float32Array(buffer);
  if (isFrame) check(header, all.length);
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
  // checkFrame: the layout check of the page's schema (the image page has its own)
  // workerName: which session the worker runs ('images' on images.html; see worker/session.js)
  constructor(workerUrl = new URL('../worker/worker.js', import.meta.url),
    { checkFrame = checkFrameLayout, workerName = null } = {}) {
    super();
    this.workerUrl = workerUrl;
    this.checkFrame = checkFrame;
    this.workerName = workerName;
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
    this.lastHeard = 0;         // performance.now() of the worker's last message
    this.frameRetryAt = 0;
    this.lastFrameError = null;
    this._watchdog = null;
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
    // a named worker (images.html) is never the one page/early-worker.js started
    const early = this.workerName ? null : takeEarlyWorker(this.workerUrl);
    this.worker = early?.worker
      ?? new Worker(this.workerUrl, { type: 'module', ...(this.workerName ? { name: this.workerName } : {}) });
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
    this._end('the lab was restarted');
  }

  // The worker is gone (or going): stop it, stop pacing and watching, and
  // reject whatever waited for it.
  _end(reason) {
    this.running = false;
    this.info = null;            // no frame requests until the next worker says it is ready
    clearInterval(this._watchdog);
    this._watchdog = null;
    this.worker?.terminate();
    for (const { reject } of this.pending.values()) reject(new LabError(reason));
    this.pending.clear();
    this.frameInFlight = false;
    this.paceMissed = false;
    this.wantFrame = true;
  }

  _fail(message) {
    this._end(`the lab stopped: ${message}`);
    this._rejectReady?.(new LabError(message));
    this._emit('fatal', { message });
  }

  // Heartbeats (see the top of this file). If this page itself was too busy
  // to look (a long script on the main thread), the worker's messages may be
  // waiting in the queue: start counting again rather than blame the worker.
  _watch() {
    let lastLook = performance.now();
    this.lastHeard = lastLook;
    clearInterval(this._watchdog);
    this._watchdog = setInterval(() => {
      const now = performance.now();
      if (now - lastLook > 4 * WATCH_MS) this.lastHeard = Math.max(this.lastHeard, now);
      lastLook = now;
      if (this.running && this.info && now - this.lastHeard > HUNG_MS) {
        this._fail('the worker stopped responding (it may have run out of memory, or hit a bug)');
      }
    }, WATCH_MS);
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  _receive(data) {
    this.lastHeard = performance.now();
    switch (data.type) {
      case 'alive':
        break;
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
        this._watch();
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
        if (data.error) {
          // No frame this time: ask again a little later, and say so once.
          this.wantFrame = true;
          this.frameRetryAt = performance.now() + FRAME_RETRY_MS;
          if (data.error !== this.lastFrameError) this._emit('error', { message: data.error });
          this.lastFrameError = data.error;
          break;
        }
        this.lastFrameError = null;
        this.framesReceived++;
        this.firstFrameAt ??= performance.now();
        try {
          this.lastFrame = decodeFrame(data.header, data.buffer, { isFrame: true, check: this.checkFrame });
        } catch (error) {
          console.error(`this page cannot read the worker's frames: ${error.message}`);
          this._emit('error', { message: `this page cannot read the lab's frames (${error.message}); reload it` });
          break;
        }
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
    if (this.info && this.framesEnabled && !this.frameInFlight && (this.wantFrame || playing)
        && performance.now() >= this.frameRetryAt) {
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
    return this._request({ type: 'command', command: { ...args, cmd } });   // args cannot rename the command
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
    const size = bytes?.byteLength ?? bytes?.length ?? 0;
    if (size > MAX_LOAD_BYTES) {
      throw new LabError(`this file is too large to be a saved experiment (more than ${MAX_LOAD_BYTES >> 20} MB)`);
    }
    const copy = new Uint8Array(bytes).slice();
    return this._request({ type: 'load', bytes: copy.buffer }, [copy.buffer]);
  }
}
