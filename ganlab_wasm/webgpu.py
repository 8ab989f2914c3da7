"""Matrix products on the GPU, through the worker's WebGPU bridge (web/gpu/bridge.js).

Nothing here imports `js` or `pyodide` at module level, so the core stays
importable in CPython: the worker passes the bridge in (a JS object whose
`matmul(a_ptr, b_ptr, out_ptr, m, k, n, trans_a, trans_b)` returns a Promise),
and `run_sync` / `can_run_sync` come from `pyodide.ffi` when a GpuMatmul is
made (tests pass stand-ins).

How a product crosses over: the operands stay where numpy put them, in
Pyodide's wasm memory; only their addresses and the shape go to JavaScript,
which uploads them with `queue.writeBuffer` straight from that memory, runs the
kernel and, when the readback promise resolves, copies the result to the
address of `out`. A transposed operand (the `x.T` of a row-major array that
backprop passes) is sent as the row-major array with a flag, so the kernel's
A^T B / A B^T variant reads it in place.

Waiting for the readback: WebGPU only reads back asynchronously, while the
model's code is synchronous numpy. `pyodide.ffi.run_sync` suspends the whole
wasm stack on the promise (JavaScript Promise Integration, Chrome 137+) and
resumes it when the result is there, so the model code does not change. It
works only when the worker entered Python through `callPromising`; anywhere
else (`can_run_sync()` is False: an older browser, or a call the worker made
synchronously) the product is computed on the CPU instead, so a call never
fails for want of JSPI.
"""

import numpy as np

F32 = np.dtype(np.float32)


def _address(x):
    return x.__array_interface__["data"][0]


def _operand(x):
    """(array to send, transposed?) for one operand: a row-major array as it
    is, the transpose of a row-major array as that array with the flag set,
    anything else copied to row-major."""
    if x.flags.c_contiguous:
        return x, False
    if x.flags.f_contiguous:
        return x.T, True
    return np.ascontiguousarray(x), False


class GpuLostError(RuntimeError):
    """The GPU device was lost (or a product on it failed)."""


class GpuMatmul:
    """`matmul(a, b, out=None)` on the GPU, with the CPU as the way out.

    `fallback(a, b, out)` computes a product on the CPU when the GPU can't:
    no JSPI in this call, a dtype other than float32, or a lost device. After
    a failure `lost` holds the reason and every later call goes to the CPU.
    """

    def __init__(self, bridge, fallback=np.matmul, run_sync=None, can_run_sync=None):
        if run_sync is None or can_run_sync is None:
            from pyodide.ffi import can_run_sync as _can, run_sync as _run
            run_sync, can_run_sync = run_sync or _run, can_run_sync or _can
        self.bridge = bridge
        self._call = bridge.matmul
        self._run_sync = run_sync
        self.can_wait = can_run_sync
        self.fallback = fallback
        self.lost = None
        self.calls = 0          # products the GPU computed
        self.cpu_calls = 0      # products sent to the CPU instead

    def usable(self):
        """True when a product now would run on the GPU."""
        return self.lost is None and self.can_wait()

    def __call__(self, a, b, out=None):
        if self.lost is not None or a.dtype != F32 or b.dtype != F32 or not self.can_wait():
            self.cpu_calls += 1
            return self.fallback(a, b, out)
        m, k = a.shape
        n = b.shape[1]
        if b.shape[0] != k:
            raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not fit")
        if out is None:
            result = np.empty((m, n), F32)
        elif out.shape == (m, n) and out.dtype == F32 and out.flags.c_contiguous:
            result = out
        else:
            result = np.empty((m, n), F32)
        sa, ta = _operand(a)
        sb, tb = _operand(b)
        try:
            self._run_sync(self._call(_address(sa), _address(sb), _address(result), m, k, n, ta, tb))
        except Exception as e:       # a lost device, a rejected readback: carry on on the CPU
            self.lost = _reason(e)
            self.cpu_calls += 1
            return self.fallback(a, b, out)
        self.calls += 1
        if out is not None and result is not out:
            out[...] = result
            return out
        return result


def _reason(error):
    text = str(error).strip().splitlines()
    text = text[-1] if text else type(error).__name__
    return text[:200]
