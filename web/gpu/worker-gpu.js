// The worker's side of the GPU path (used by worker/session.js).
//
// Starts WebGPU (bridge.js) next to the session and hands Python a bridge whose
// matmul returns a Promise; Python waits for it with pyodide.ffi.run_sync,
// which suspends the wasm stack (JavaScript Promise Integration). That only
// works in a call entered through callPromising, so while the session wants
// the GPU (its tick status says "promising": true) this module takes over:
//   - ticks run as `await session.tick.callPromising(ms)`,
//   - commands and frame requests are entered the same way (so `train` and
//     the views can use the GPU too),
//   - and, because the event loop runs while Python is suspended, every page
//     message that arrives meanwhile is queued and handled, in order, once the
//     call in flight is done: Python is never re-entered mid-step.
// While the session does not want the GPU (the default: numpy wins on small
// models), nothing here is on the path: worker/session.js calls Python
// synchronously as before, with no promise per tick.
//
// No WebGPU, no adapter, no JSPI, or a device lost later: Python is told
// why, and trains on the CPU with that note in the frame header.

import { Gpu, jspiSupported } from './bridge.js';
import { internalError } from '../worker/errors.js';

const NO_JSPI = 'this browser cannot pause Python for a GPU readback (it lacks JavaScript Promise '
  + 'Integration, in Chrome and Edge 137+)';

export function connectGpu(pyodide, session, {
  handle, unpack, schedule, sliceMs, deliver, settleTrain, afterTick, tickFailed,
}) {
  // Long-lived proxies: callPromising needs the callable itself.
  const tickCall = session.tick;
  const commandCall = session.command;
  const frameCall = session.frame;
  const jobs = [];
  let running = false;
  let tickDue = false;
  let active = false;     // the session asked for promising calls
  let gpu = null;
  let wantsCall = null;   // session.wants_promising, once a GPU is attached

  function wantsPromising() {
    try {
      return wantsCall() === true;
    } catch {
      return false;
    }
  }

  async function promisingCommand(data) {
    try {
      const reply = JSON.parse(await commandCall.callPromising(JSON.stringify(data.command)));
      settleTrain();
      deliver(data.id, reply);
    } catch (error) {
      postMessage({ type: 'reply', id: data.id, ok: false, error: internalError('running a command', error) });
    }
  }

  async function promisingFrame() {
    try {
      const [header, buffer] = unpack(await frameCall.callPromising());
      postMessage({ type: 'frame', header, buffer }, [buffer]);
    } catch (error) {
      postMessage({ type: 'frame', error: internalError('making a frame', error) });
    }
  }

  async function promisingTick() {
    let status;
    try {
      status = JSON.parse(await tickCall.callPromising(sliceMs));
    } catch (error) {
      tickFailed(error);
      return;
    }
    active = status.promising === true;
    afterTick(status);
  }

  // One Python call at a time; messages and ticks in the order they came.
  async function pump() {
    if (running) return;
    running = true;
    try {
      while (jobs.length || tickDue) {
        if (jobs.length) {
          const data = jobs.shift();
          if (active && data.type === 'command') {
            await promisingCommand(data);
            schedule();
          } else if (active && data.type === 'frame') {
            await promisingFrame();
            schedule();
          } else {
            handle(data);          // synchronous, as without a GPU
          }
        } else {
          tickDue = false;
          await promisingTick();
        }
      }
    } finally {
      running = false;
    }
  }

  async function start() {
    let reason = jspiSupported ? null : NO_JSPI;
    if (!reason) {
      try {
        gpu = await Gpu.create();
      } catch (error) {
        reason = error.message;
      }
    }
    while (running) await new Promise((resolve) => setTimeout(resolve, 1));
    if (gpu) {
      const heap = () => pyodide._module.HEAPU8;   // fetched per call: the wasm memory can grow
      const bridge = {
        matmul: (a, b, out, m, k, n, transA, transB) => gpu.matmulHeap(heap, a, b, out, m, k, n, transA, transB),
      };
      const attach = session.attach_gpu;
      attach(bridge, JSON.stringify(gpu.info));
      attach.destroy();
      wantsCall = session.wants_promising;
      gpu.onlost = () => schedule();
      self.ganlabGpu = gpu;        // a handle for tests and the console
    } else {
      const unavailable = session.gpu_unavailable;
      unavailable(reason);
      unavailable.destroy();
    }
    schedule();
  }
  start().catch((error) => console.warn('GPU start-up failed:', error));

  return {
    /** True while the GPU path runs the Python calls (the caller must not). */
    owns: () => active || running,
    /** A tick was scheduled while the GPU path owns the calls. */
    requestTick() {
      tickDue = true;
      pump();
    },
    /** Read a synchronous tick's status: does the session want promising calls? */
    note(status) {
      active = status.promising === true;
    },
    /** Take a page message if the GPU path owns the calls now; false if not. */
    intercept(data) {
      if (!active && !running) {
        // After a setting changed (say backend: 'gpu') no tick may have run yet: ask.
        if (!gpu || (data.type !== 'command' && data.type !== 'frame')) return false;
        active = wantsPromising();
        if (!active) return false;
      }
      jobs.push(data);
      pump();
      return true;
    },
  };
}
