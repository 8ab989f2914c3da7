// The worker's message loop: relays page messages to the Python Session and
// trains between them. One long-lived PyProxy (the session); every other proxy
// is destroyed as soon as it is read.
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
// Training runs in slices of SLICE_MS scheduled through one MessageChannel, so
// page messages are handled between slices (pause acts within one slice), and
// no timer clamping or per-yield allocation slows the loop down.

import { connectGpu } from '../gpu/worker-gpu.js';

const SLICE_MS = 12;

// The page picks the session through the worker's URL: worker.js?session=images
// (images.html) drives ganlab_wasm.image_session; anything else, the 2-D lab.
const SESSIONS = { points: ['ganlab_wasm.session', 'Session'], images: ['ganlab_wasm.image_session', 'ImageSession'] };

export function runSession(pyodide, boot) {
  const kind = new URL(self.location.href).searchParams.get('session') ?? 'points';
  const [moduleName, className] = SESSIONS[kind] ?? SESSIONS.points;
  const module = pyodide.pyimport(moduleName);
  const session = module[className]();
  module.destroy();

  const channel = new MessageChannel();
  let scheduled = false;
  channel.port1.onmessage = () => {
    scheduled = false;
    tick();
  };
  const schedule = () => {
    if (!scheduled) {
      scheduled = true;
      channel.port2.postMessage(0);
    }
  };

  function tick() {
    if (gpu.owns()) return gpu.requestTick();   // the GPU path enters Python through callPromising
    let status;
    try {
      status = JSON.parse(session.tick(SLICE_MS));
    } catch (error) {
      session.command('{"cmd": "pause"}');
      postMessage({ type: 'error', message: `internal error while training: ${error.message}` });
      return;
    }
    gpu.note(status);
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

  function frame() {
    const [header, buffer] = unpack(session.frame());
    postMessage({ type: 'frame', header, buffer }, [buffer]);
  }

  function thumbnails(id) {
    const [header, buffer] = unpack(session.thumbnails());
    postMessage({ type: 'reply', id, ok: true, header, buffer }, [buffer]);
  }

  function save(id) {
    const blob = session.save_bytes();
    const bytes = blob.toJs();
    blob.destroy();
    postMessage({ type: 'reply', id, ok: true, bytes: bytes.buffer }, [bytes.buffer]);
  }

  function load(id, buffer) {
    const reply = JSON.parse(session.load_bytes(new Uint8Array(buffer)));
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

  function command(id, message) {
    const reply = JSON.parse(session.command(JSON.stringify(message)));
    postMessage({ type: 'reply', id, ...reply });
  }

  function handle(data) {
    try {
      if (data.type === 'command') command(data.id, data.command);
      else if (data.type === 'frame') frame();
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

  // WebGPU (gpu/bridge.js) starts in the background; while the session uses it,
  // Python is entered through callPromising and messages wait their turn.
  const gpu = connectGpu(pyodide, session, { handle, unpack, schedule, sliceMs: SLICE_MS });
  self.onmessage = ({ data }) => {
    if (!gpu.intercept(data)) handle(data);
  };

  const version = pyodide.runPython('import ganlab_wasm; ganlab_wasm.__version__');
  const schema = JSON.parse(session.command('{"cmd": "schema"}'));
  const state = JSON.parse(session.command('{"cmd": "state"}'));
  delete schema.ok;
  delete state.ok;
  postMessage({ type: 'ready', version, bootMs: boot.bootMs, schema, state });
}
