// The worker's GPU, and only the GPU (worker/session.js does every Python call).
//
// Starts WebGPU (bridge.js) and makes the bridge Python uses: its matmul
// returns a Promise, which Python waits for with pyodide.ffi.run_sync; that
// suspends the wasm stack (JavaScript Promise Integration), so it works only
// in a call entered through callPromising, which is why session.js enters
// Python that way while the session says it wants to (its tick status has
// "promising": true). No WebGPU, no adapter, no JSPI, or a device lost later:
// Python is told why, and trains on the CPU with that note in the frame header.

import { Gpu, jspiSupported } from './bridge.js';

const NO_JSPI = 'this browser cannot pause Python for a GPU readback (it lacks JavaScript Promise '
  + 'Integration, in Chrome and Edge 137+)';

/**
 * Resolves to {gpu, bridge, info} for Session.attach_gpu, or {reason} for
 * Session.gpu_unavailable. onLost is called when the device is lost later.
 */
export async function openGpu(pyodide, { onLost = () => {} } = {}) {
  if (!jspiSupported) return { reason: NO_JSPI };
  let gpu;
  try {
    gpu = await Gpu.create();
  } catch (error) {
    return { reason: error.message };
  }
  const heap = () => pyodide._module.HEAPU8;   // fetched per call: the wasm memory can grow
  const bridge = {
    matmul: (a, b, out, m, k, n, transA, transB) => gpu.matmulHeap(heap, a, b, out, m, k, n, transA, transB),
  };
  gpu.onlost = onLost;
  self.ganlabGpu = gpu;        // a handle for tests and the console
  return { gpu, bridge, info: JSON.stringify(gpu.info) };
}
