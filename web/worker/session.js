// The worker's message loop: relays page messages to the Python Session and
// trains between them. One long-lived PyProxy (the session); every other proxy
// is destroyed as soon as it is read.
//
// Page -> worker:
//   {type: 'command', id, command: {cmd, ...}}    reply: {type: 'reply', id, ok, ...}
//   {type: 'frame'}                               reply: {type: 'frame', header (JSON text), buffer},
//                                                  built in slices (see frame() below)
//   {type: 'save', id}                            reply: {type: 'reply', id, ok, bytes (ArrayBuffer)}
//   {type: 'load', id, bytes (ArrayBuffer)}       reply: {type: 'reply', id, ok, ...}
//   {type: 'thumbnails', id}                      reply: {type: 'reply', id, ok, header, buffer}:
//                                                  samples of every preset, packed like a frame
//   {type: 'stats', id}                           reply: {type: 'reply', id, ok, wasmHeapBytes,
//                                                  pythonObjects, jsHeapBytes} (for leak checks)
//   A frame that could not be made comes back as {type: 'frame', error}, so the
//   page's one-frame-in-flight pacing never waits for a frame that will not come.
// Worker -> page, unasked:
//   {type: 'ready', version, bootMs, schema, state}
//   {type: 'error', message}                      training stopped (e.g. diverged)
//   {type: 'alive'}                               every HEARTBEAT_MS: the page's
//                                                  watchdog (lab-client.js) notices a
//                                                  worker that died or hangs
//
// One way into Python: every call goes through one queue, one at a time, in
// the order the messages came, and is entered synchronously, or through
// callPromising while the session wants the GPU (its products then await
// WebGPU readbacks, and messages that arrive meanwhile wait their turn: Python
// is never re-entered mid-step). Training runs in slices of at most SLICE_MS
// (shorter while the page draws every frame: see sliceBudget) scheduled
// through one MessageChannel, so page messages are handled between slices
// (pause acts within one slice), with no timer clamping.

// A long epoch is cut after any matrix product (see Lab.train_until), and
// `train` (and a long `step`) run in those slices too: their reply is sent when
// they finish, or when a pause or another command ends them early.
//
// Errors: a message for the page is always plain words; a Python traceback
// (a reply's "details", or an exception escaping Python) goes to the console.

import { openGpu } from '../gpu/worker-gpu.js';
import { internalError } from './errors.js';

const SLICE_MS = 12;
const FRAME_SLICE_MS = 20;   // a big model's frame is built in slices of this (Session.frame_slice)
const FRAME_SHARE = 0.5;     // while training, frames take at most this share of the worker's time,
const FRAME_FREE_MS = 17;    // unless one costs less than a display frame (the default model's)
const HEARTBEAT_MS = 500;
// While the page draws frames as fast as they come, a slice ends in time for
// the next frame to be built within one display frame: a 12 ms slice plus a
// 4-6 ms frame took two display frames about half the time (42 frames/s).
const DISPLAY_FRAME_MS = 1000 / 60;
const MIN_SLICE_MS = 3;       // waiting for the page's next request: short slices, so it waits little
const STREAMING_MS = 100;     // a frame went out this recently: the page is drawing them as they come

// The page picks the session by the worker's name (new Worker(url, {name: 'images'}):
// images.html drives ganlab_wasm.image_session; anything else, the 2-D lab). Not
// by its URL's query: a worker served by the service worker's cache loses it.
const SESSIONS = { points: ['ganlab_wasm.session', 'Session'], images: ['ganlab_wasm.image_session', 'ImageSession'] };

export function runSession(pyodide, boot) {
  const kind = self.name || 'points';
  const [moduleName, className] = SESSIONS[kind] ?? SESSIONS.points;
  const module = pyodide.pyimport(moduleName);
  const session = module[className]();
  module.destroy();
  session.defer_train = true;   // train and long steps run in slices (see the top of this file)
  if (kind === 'points') session.accel.sliced = true;   // the products' timing runs in slices too
  let trainId = null;           // the id of the train command running in slices
  // Long-lived callables: callPromising needs the callable itself.
  const py = {
    tick: session.tick, command: session.command, frame: session.frame_slice, thumbnails: session.thumbnails,
    save: session.save_bytes, load: session.load_bytes, trainReply: session.train_reply,
  };
  let promising = false;     // enter Python through callPromising (the session wants the GPU)
  let training = false;      // the last tick trained (playing, or a train command running)
  let gpuAttached = false;

  const call = (fn, ...args) => (promising ? fn.callPromising(...args) : fn(...args));

  // --- the queue -----------------------------------------------------------
  const jobs = [];
  let running = false;
  async function pump() {
    if (running) return;
    running = true;
    try {
      while (jobs.length) {
        try {
          await jobs.shift()();
        } catch (error) {
          postMessage({ type: 'error', message: internalError('handling a message', error) });
        }
      }
    } finally {
      running = false;
    }
  }
  const enqueue = (job) => {
    jobs.push(job);
    pump();
  };

  const channel = new MessageChannel();
  let scheduled = false;
  channel.port1.onmessage = () => enqueue(tick);
  const schedule = () => {
    if (!scheduled) {
      scheduled = true;
      channel.port2.postMessage(0);
    }
  };

  // --- what the jobs do ------------------------------------------------------
  // A reply from Python: its traceback (if any) to the console; a train
  // that runs in slices answers later (settleTrain).
  function deliver(id, reply) {
    if (reply.details) {
      console.error('GAN Lab worker:', reply.details);
      delete reply.details;
    }
    if (reply.pending) {
      trainId = id;
      schedule();
      return;
    }
    postMessage({ type: 'reply', id, ...reply });
  }

  function settleTrain() {
    if (trainId === null) return;
    const done = py.trainReply();
    if (!done) return;
    const id = trainId;
    trainId = null;
    deliver(id, JSON.parse(done));
  }

  async function tick() {
    scheduled = false;
    if (frameState === 'building' || (frameState === 'waiting' && (!training || performance.now() >= frameDue))) {
      await continueFrame();      // a frame in slices goes on instead of training
      return;
    }
    let status;
    try {
      status = JSON.parse(await call(py.tick, sliceBudget()));
    } catch (error) {
      try {
        py.command('{"cmd": "pause"}');
        settleTrain();
      } catch { /* the message below says it all */ }
      training = false;
      postMessage({ type: 'error', message: internalError('training', error) });
      if (frameState !== 'idle') schedule();
      return;
    }
    promising = status.promising === true;
    training = status.playing === true || status.busy === true;
    if (status.details) console.error('GAN Lab worker:', status.details);
    if (status.error) postMessage({ type: 'error', message: status.error });
    settleTrain();
    if (training || frameState !== 'idle') schedule();
  }

  // (header JSON, numpy float32 array) -> [header, a fresh transferable ArrayBuffer]
  function unpack(result) {
    const header = result.get(0);
    const array = result.get(1);
    const view = array.getBuffer('f32');
    // A numpy buffer lives in wasm memory and cannot be transferred: copy it.
    const copy = new Float32Array(view.data);
    view.release();
    array.destroy();
    result.destroy();
    return [header, copy.buffer];
  }

  // A frame is built in slices (Session.frame_slice): between two, the page's
  // messages are handled (pause acts) and training waits, so the frame shows
  // one state. The next slice runs through the tick channel, after them.
  // While training, frames that cost more than a display frame take at most
  // FRAME_SHARE of the worker's time: a big model's frame (hundreds of ms)
  // asked for as soon as the last one arrived left training almost nothing
  // (6x100: 0.9 epochs/s at 4.7 frames/s). The page waits meanwhile.
  let frameState = 'idle';      // 'waiting' (asked for, not yet due), 'building' (in slices)
  let frameDue = 0;             // when a waiting frame may start (performance.now())
  let frameCostMs = 0;          // worker time of the frame being built, so far
  let lastFrameCostMs = 0;
  let lastFrameAt = -Infinity;  // when the last frame was done

  // How long the next training slice may run (see DISPLAY_FRAME_MS).
  function sliceBudget() {
    const since = performance.now() - lastFrameAt;
    if (frameState !== 'idle' || since > STREAMING_MS || lastFrameCostMs >= FRAME_FREE_MS) return SLICE_MS;
    const left = DISPLAY_FRAME_MS - lastFrameCostMs - since - 1;
    return Math.min(SLICE_MS, Math.max(MIN_SLICE_MS, left));
  }

  function askFrame() {
    frameDue = lastFrameCostMs < FRAME_FREE_MS ? 0 : lastFrameAt + lastFrameCostMs * (1 / FRAME_SHARE - 1);
    if (training && performance.now() < frameDue) {
      frameState = 'waiting';
      return undefined;
    }
    return frameSlice();
  }

  async function frameSlice() {
    frameState = 'building';
    const start = performance.now();
    const result = await call(py.frame, FRAME_SLICE_MS);
    frameCostMs += performance.now() - start;
    if (result === undefined || result === null) {
      schedule();
      return;
    }
    frameState = 'idle';
    lastFrameCostMs = frameCostMs;
    frameCostMs = 0;
    lastFrameAt = performance.now();
    const [header, buffer] = unpack(result);
    postMessage({ type: 'frame', header, buffer }, [buffer]);
  }

  function frameFailed(error) {
    frameState = 'idle';
    frameCostMs = 0;
    postMessage({ type: 'frame', error: internalError(WHAT.frame, error) });
  }

  async function continueFrame() {
    try {
      await frameSlice();
    } catch (error) {
      frameFailed(error);
    }
    schedule();
  }

  function thumbnails(id) {
    const [header, buffer] = unpack(py.thumbnails());
    postMessage({ type: 'reply', id, ok: true, header, buffer }, [buffer]);
  }

  function save(id) {
    const blob = py.save();
    const bytes = blob.toJs();
    blob.destroy();
    postMessage({ type: 'reply', id, ok: true, bytes: bytes.buffer }, [bytes.buffer]);
  }

  function load(id, buffer) {
    const reply = JSON.parse(py.load(new Uint8Array(buffer)));
    settleTrain();
    deliver(id, reply);
  }

  function stats(id) {
    const pythonObjects = pyodide.runPython('import gc; gc.collect(); len(gc.get_objects())');
    postMessage({
      type: 'reply', id, ok: true, pythonObjects,
      wasmHeapBytes: pyodide._module.HEAP8.length,
      jsHeapBytes: self.performance?.memory?.usedJSHeapSize ?? null,
    });
  }

  async function command(id, message) {
    const reply = JSON.parse(await call(py.command, JSON.stringify(message)));
    settleTrain();          // a command may have ended a running train
    deliver(id, reply);
  }

  const WHAT = { command: 'running a command', frame: 'making a frame', save: 'saving',
    load: 'loading the file', stats: 'counting memory', thumbnails: 'drawing the thumbnails' };

  // After a setting changed (say backend: 'gpu') no tick may have run yet: ask.
  function notePromising() {
    if (!gpuAttached || promising) return;
    const wants = session.wants_promising;
    try {
      promising = wants() === true;
    } finally {
      wants.destroy();
    }
  }

  async function handle(data) {
    try {
      if (data.type === 'command' || data.type === 'frame') notePromising();
      if (data.type === 'command') await command(data.id, data.command);
      else if (data.type === 'frame') await askFrame();
      else if (data.type === 'save') save(data.id);
      else if (data.type === 'load') load(data.id, data.bytes);
      else if (data.type === 'stats') stats(data.id);
      else if (data.type === 'thumbnails') thumbnails(data.id);
      else throw new Error(`unknown message type ${data.type}`);
    } catch (error) {
      // A Python bug must not kill the worker: report it and carry on. A
      // failed frame is answered as a frame, so the page asks for the next.
      const message = internalError(WHAT[data.type] ?? 'handling a message', error);
      if (data.type === 'frame') frameFailed(error);
      else if (data.id !== undefined) postMessage({ type: 'reply', id: data.id, ok: false, error: message });
      else postMessage({ type: 'error', message });
    }
    schedule();
  }

  self.onmessage = ({ data }) => enqueue(() => handle(data));

  // WebGPU starts in the background; the session learns of it between two calls.
  openGpu(pyodide, { onLost: schedule }).then((opened) => enqueue(() => {
    if (opened.gpu) {
      const attach = session.attach_gpu;
      attach(opened.bridge, opened.info);
      attach.destroy();
      gpuAttached = true;
    } else {
      const unavailable = session.gpu_unavailable;
      unavailable(opened.reason);
      unavailable.destroy();
    }
    schedule();
  })).catch((error) => console.warn('GPU start-up failed:', error));

  const version = pyodide.runPython('import ganlab_wasm; ganlab_wasm.__version__');
  const schema = JSON.parse(py.command('{"cmd": "schema"}'));
  const state = JSON.parse(py.command('{"cmd": "state"}'));
  delete schema.ok;
  delete state.ok;
  postMessage({ type: 'ready', version, bootMs: boot.bootMs, schema, state });
  setInterval(() => postMessage({ type: 'alive' }), HEARTBEAT_MS);
  self.ganlabPyodide = pyodide;   // a handle for tests and the console (fault injection)
}
