// The WebGPU bridge: a device manager and the WGSL matrix multiply of
// gpu/matmul.wgsl (tiled, with A^T B and A B^T variants and an optional fused
// bias + activation), for the dense layers of ganlab_wasm's networks.
//
//   const gpu = await Gpu.create();             // throws GpuUnavailable with a reason
//   const c = await gpu.matmul(a, b, m, k, n, {transA, transB, bias, activation});
//   gpu.matmulHeap(heapU8, aPtr, bPtr, outPtr, m, k, n, transA, transB)   // Promise<void>
//   gpu.lost        null, or why the device was lost
//   gpu.info        {adapter, vendor, architecture, description, fallback}
//
// a (M x K) is row-major, or with transA the row-major K x M array whose
// transpose is meant (b likewise: K x N, or N x K with transB), so backprop's
// transposed products need no copies. matmulHeap is the form Python uses:
// the operands and the result live in Pyodide's wasm memory at the given
// addresses, so nothing crosses the interop but numbers (see
// ganlab_wasm/webgpu.py). Calls run one at a time in the order made.
//
// Buffers are kept and only grown (to the next power of two), so the steady
// state allocates no GPU memory; the pipelines (one per variant, chosen with
// override constants) are built once. A lost device is reported, never thrown
// as an uncaught error: every later call rejects with GpuLost.

const SHADER_URL = new URL('./matmul.wgsl', import.meta.url);
const TILE = 64;
export const EPILOGUES = { none: 0, bias: 1, relu: 2, leaky_relu: 3, tanh: 4 };

export class GpuUnavailable extends Error {}
export class GpuLost extends Error {}

/** Whether this JavaScript engine can suspend wasm on a promise (JSPI): Pyodide's
 *  run_sync needs it to wait for a GPU readback inside synchronous Python. */
export const jspiSupported = typeof WebAssembly !== 'undefined' && 'Suspending' in WebAssembly;

const roundUp = (bytes) => Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(4, bytes))));

export class Gpu {
  /** A device from the best adapter, or GpuUnavailable saying why there is none. */
  static async create({ powerPreference = 'high-performance', shaderSource = null } = {}) {
    const gpu = globalThis.navigator?.gpu;
    if (!gpu) throw new GpuUnavailable('this browser has no WebGPU');
    let adapter = null;
    try {
      adapter = await gpu.requestAdapter({ powerPreference });
    } catch (error) {
      throw new GpuUnavailable(`no WebGPU adapter (${error.message})`);
    }
    if (!adapter) throw new GpuUnavailable('no WebGPU adapter (no usable GPU, or WebGPU is switched off)');
    let device;
    try {
      device = await adapter.requestDevice();
    } catch (error) {
      throw new GpuUnavailable(`the WebGPU device could not be created (${error.message})`);
    }
    const source = shaderSource ?? (await (await fetch(SHADER_URL)).text());
    const instance = new Gpu(adapter, device, source);
    await instance._prepare();
    return instance;
  }

  constructor(adapter, device, source) {
    this.device = device;
    const ai = adapter.info ?? {};
    this.info = {
      vendor: ai.vendor || '', architecture: ai.architecture || '', description: ai.description || '',
      fallback: Boolean(adapter.isFallbackAdapter ?? ai.isFallbackAdapter),
    };
    this.info.adapter = [ai.vendor, ai.architecture, ai.description].filter(Boolean).join(' ') || 'unknown adapter';
    this.lost = null;
    this.errors = [];            // uncaptured WebGPU errors (validation, out of memory)
    this.calls = 0;
    this.onlost = null;
    device.lost.then((info) => {
      this.lost = `${info.reason || 'unknown'}${info.message ? `: ${info.message}` : ''}`;
      this.onlost?.(this.lost);
    });
    device.addEventListener('uncapturederror', (event) => {
      event.preventDefault();    // reported through `errors` and the Python note, not the console
      if (this.errors.length < 20) this.errors.push(event.error.message);
    });
    this.module = device.createShaderModule({ code: source });
    const storage = (type) => ({ visibility: GPUShaderStage.COMPUTE, buffer: { type } });
    this.layout = device.createBindGroupLayout({
      entries: [
        { binding: 0, ...storage('read-only-storage') },
        { binding: 1, ...storage('read-only-storage') },
        { binding: 2, ...storage('storage') },
        { binding: 3, ...storage('uniform') },
        { binding: 4, ...storage('read-only-storage') },
      ],
    });
    this.pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [this.layout] });
    this.pipelines = new Map();
    this.buffers = {};
    this.bindGroup = null;
    this.dims = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.dimsData = new Uint32Array(4);
    this._queue = Promise.resolve();
  }

  /** Build the four plain matmul pipelines up front (the epilogue ones on first use). */
  async _prepare() {
    const made = [];
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const key = `${+transA}${+transB}0`;
        made.push(this.device.createComputePipelineAsync(this._descriptor(transA, transB, 0))
          .then((p) => this.pipelines.set(key, p)));
      }
    }
    await Promise.all(made);
  }

  _descriptor(transA, transB, epilogue) {
    return {
      layout: this.pipelineLayout,
      compute: {
        module: this.module, entryPoint: 'main',
        constants: { TRANS_A: transA ? 1 : 0, TRANS_B: transB ? 1 : 0, EPILOGUE: epilogue },
      },
    };
  }

  _pipeline(transA, transB, epilogue) {
    const key = `${+transA}${+transB}${epilogue}`;
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      pipeline = this.device.createComputePipeline(this._descriptor(transA, transB, epilogue));
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  /** Make sure buffer `name` holds `bytes`; grows it (and invalidates the bind group) if not. */
  _buffer(name, bytes, usage) {
    const current = this.buffers[name];
    if (current && current.size >= bytes) return current;
    current?.destroy();
    const buffer = this.device.createBuffer({ size: roundUp(bytes), usage });
    this.buffers[name] = buffer;
    if (name !== 'staging') this.bindGroup = null;
    return buffer;
  }

  _buffers(aBytes, bBytes, cBytes, biasBytes) {
    const S = GPUBufferUsage;
    const a = this._buffer('a', aBytes, S.STORAGE | S.COPY_DST);
    const b = this._buffer('b', bBytes, S.STORAGE | S.COPY_DST);
    const c = this._buffer('c', cBytes, S.STORAGE | S.COPY_SRC);
    const bias = this._buffer('bias', biasBytes, S.STORAGE | S.COPY_DST);
    const staging = this._buffer('staging', cBytes, S.MAP_READ | S.COPY_DST);
    if (!this.bindGroup) {
      this.bindGroup = this.device.createBindGroup({
        layout: this.layout,
        entries: [a, b, c, this.dims, bias].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
    }
    return { a, b, c, bias, staging };
  }

  /** Run jobs one at a time, in order; a failed job does not stop the next. */
  _serial(job) {
    const run = this._queue.then(job);
    this._queue = run.catch(() => {});
    return run;
  }

  /**
   * One product on the GPU. write(buffers) uploads the operands; read(range)
   * receives the result's bytes (an ArrayBuffer valid only during the call).
   */
  async _run(m, k, n, transA, transB, epilogue, write, read) {
    if (this.lost) throw new GpuLost(`the GPU device was lost (${this.lost})`);
    const cBytes = m * n * 4;
    const buffers = this._buffers(m * k * 4, k * n * 4, cBytes, epilogue ? n * 4 : 4);
    const queue = this.device.queue;
    write(buffers);
    this.dimsData[0] = m;
    this.dimsData[1] = n;
    this.dimsData[2] = k;
    queue.writeBuffer(this.dims, 0, this.dimsData);
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(this._pipeline(transA, transB, epilogue));
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(Math.ceil(n / TILE), Math.ceil(m / TILE));
    pass.end();
    encoder.copyBufferToBuffer(buffers.c, 0, buffers.staging, 0, cBytes);
    queue.submit([encoder.finish()]);
    try {
      await buffers.staging.mapAsync(GPUMapMode.READ, 0, cBytes);
    } catch (error) {
      throw this.lost ? new GpuLost(`the GPU device was lost (${this.lost})`) : error;
    }
    try {
      read(buffers.staging.getMappedRange(0, cBytes));
    } finally {
      buffers.staging.unmap();
    }
    this.calls++;
  }

  /**
   * C = op(a) op(b) [+ bias, activation] for Float32Arrays; resolves with a new
   * Float32Array of m * n. activation: 'none' | 'relu' | 'leaky_relu' | 'tanh'
   * (with a bias of n values; a bias alone with activation 'none').
   */
  matmul(a, b, m, k, n, { transA = false, transB = false, bias = null, activation = 'none' } = {}) {
    if (a.length < m * k || b.length < k * n) throw new RangeError('matmul: an operand is smaller than its shape');
    if (activation !== 'none' && !bias) throw new RangeError('matmul: an activation needs a bias');
    const epilogue = bias ? (activation === 'none' ? EPILOGUES.bias : EPILOGUES[activation]) : 0;
    if (epilogue === undefined) throw new RangeError(`matmul: unknown activation ${activation}`);
    const out = new Float32Array(m * n);
    return this._serial(() => this._run(m, k, n, transA, transB, epilogue, (buf) => {
      const q = this.device.queue;
      q.writeBuffer(buf.a, 0, a, 0, m * k);
      q.writeBuffer(buf.b, 0, b, 0, k * n);
      if (bias) q.writeBuffer(buf.bias, 0, bias, 0, n);
    }, (range) => out.set(new Float32Array(range)))).then(() => out);
  }

  /**
   * The product for Python: operands and result are float32 arrays in the wasm
   * memory `heap()` returns (a Uint8Array over it, fetched when used, since the
   * memory can grow), at byte addresses aPtr, bPtr, outPtr. Resolves once the
   * result is written at outPtr.
   */
  matmulHeap(heap, aPtr, bPtr, outPtr, m, k, n, transA, transB) {
    return this._serial(() => this._run(m, k, n, Boolean(transA), Boolean(transB), 0, (buf) => {
      const q = this.device.queue;
      const memory = heap();
      q.writeBuffer(buf.a, 0, memory, aPtr, m * k * 4);
      q.writeBuffer(buf.b, 0, memory, bPtr, k * n * 4);
    }, (range) => heap().set(new Uint8Array(range), outPtr)));
  }

  /** Give the device back (tests use it to provoke a loss). */
  destroy() {
    this.device.destroy();
  }
}
