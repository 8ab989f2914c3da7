// The worker's message loop: relays page messages to the Python Session and
// trains between them. One long-lived PyProxy per Session method it calls;
// every other proxy is destroyed as soon as it is read.
//
// Page -> worker:
//   {type: 'command', id, command: {cmd, ...}}    reply: {type: 'reply', id, ok, ...}
//   {type: 'frame'}                               reply: {type: 'frame', header (JSON text), buffer}
//   {type: 'save', id}                            reply: {type: 'reply', id, ok, bytes (ArrayBuffer)}
//   {type: 'load', id, bytes (ArrayBuffer)}       reply: {type: 'reply', id, ok, ...}
//   {type: 'thumbnails', id}                      reply: {type: 'reply', id, ok, header, buffer}:
//                                                  samples of every preset, packed like a frame
//   {type: 'stats', id}                           reply: {type: 'reply', id, ok, wasmHeapBytes,
//                                                  pythonObjects, jsHeapBytes} (for leak checks)
// Worker -> page, unasked:
//   {type: 'ready', version, bootMs, schema, state}
//   {type: 'error', message}                      training stopped (e.g. diverged)
//
// One way into Python: every call goes through one queue, one at a time, in
// the order the messages came, and is entered synchronously, or through
// callPromising while the session wants the GPU (its products then await
// WebGPU readbacks, and messages that arrive meanwhile wait their turn: Python
// is never re-entered mid-step). Training runs in slices of SLICE_MS
// scheduled through one MessageChannel, so page messages are handled between
// slices (pause acts within one slice), with no timer clamping.

import { openGpu } from '../gpu/worker-gpu.js';

const SLICE_MS = 12;

export function runSession(pyodide, boot) {
  const module = pyodide.pyimport('ganlab_wasm.session');
  const session = module.Session();
  module.destroy();
  // Long-lived callables: callPromising needs the callable itself.
  const py = {
    tick: session.tick, command: session.command, frame: session.frame, thumbnails: session.thumbnails,
    save: session.save_bytes, load: session.load_bytes,
  };
  let promising = false;     // enter Python through callPromising (the session wants the GPU)
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
          postMessage({ type: 'error', message: `internal error: ${error.message}` });
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
  async function tick() {
    scheduled = false;
    let status;
    try {
      status = JSON.parse(await call(py.tick, SLICE_MS));
    } catch (error) {
      py.command('{"cmd": "pause"}');
      postMessage({ type: 'error', message: `internal error while training: ${error.message}` });
      return;
    }
    promising = status.promising === true;
    if (status.error) postMessage({ type: 'error', message: status.error });
    if (status.playing) schedule();
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

  async function frame() {
    const [header, buffer] = unpack(await call(py.frame));
    postMessage({ type: 'frame', header, buffer }, [buffer]);
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
    postMessage({ type: 'reply', id, ...reply });
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
    postMessage({ type: 'reply', id, ...reply });
  }

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
      else if (data.type === 'frame') await frame();
      else if (data.type === 'save') save(data.id);
      else if (data.type === 'load') load(data.id, data.bytes);
      else if (data.type === 'stats') stats(data.id);
      else if (data.type === 'thumbnails') thumbnails(data.id);
      else throw new Error(`unknown message type ${data.type}`);
    } catch (error) {
      // A Python bug must not kill the worker: report it and carry on.
      const message = `internal error: ${error.message}`;
      if (data.id !== undefined) postMessage({ type: 'reply', id: data.id, ok: false, error: message });
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
}
