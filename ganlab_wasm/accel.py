"""How each matrix product runs: numpy's matmul, a faster CPU formulation,
or the GPU, chosen by timing the model's own product shapes.

Pyodide's numpy has no BLAS: `np.matmul` falls back to a plain triple loop
whose inner loop walks a column of B, and for the big models' shapes
`np.einsum` (which runs an axpy over contiguous rows) is 1.3 to 2.5 times
faster (see docs/gpu.md). For the default model's tiny matrices per-call
overhead is everything and `np.matmul` itself is fastest; a Python wrapper
around it would cost as much as the product. So:

- `SwitchBackend` is the backend object the Lab and its networks hold. Its
  `matmul` attribute is rebound, not wrapped: it *is* `np.matmul` when every
  product is best left to numpy (the default model, and every model in
  CPython with BLAS), and a small dispatcher only when some product shape is
  better run another way.
- `Accelerator.prepare(lab, mode)` runs at the start of every training slice;
  it costs a tuple compare unless the shapes changed (new architecture, batch
  size, a GPU that arrived or was lost, a new mode), and then it calibrates:
  it records the product shapes of one epoch, times numpy, einsum and (when
  there is one and this call can wait for it) the GPU on each shape that is
  big enough to matter, and checks the winning plan end to end against plain
  numpy on real epochs, keeping it only if it is faster. The training state
  is restored after every timed epoch, so calibrating changes no result.
- A CPU path is a candidate only where it gives numpy's bits: einsum's axpy
  sums each product in numpy's order (its dot-product layouts do not, and
  round 1e-6 apart), and a calibration checks it on the sampled operands. So
  the timing decides speed, never numbers: a link opened in another browser
  trains the same run. The GPU rounds differently (see docs/gpu.md).
- Modes: "auto" (fastest), "cpu" (never the GPU), "gpu" (every product on the
  GPU, when there is one; a note says so when there is not), "numpy" (plain
  np.matmul everywhere, nothing timed: the baseline).
"""

import math
import time

import numpy as np

from .nn import run_steps
from .schema import BACKENDS

SMALL = 32_768          # m*k*n below which np.matmul always wins (call overhead)
SWITCH_GAIN = 0.9       # an alternative must take at most this share of numpy's time
PLAN_GAIN = 0.95        # a mixed plan must beat plain numpy end to end by 5%
MODES = BACKENDS        # the session option "backend" (declared in schema.py)
LONG_EPOCH_MACS = 30e6   # above this (about 20 ms an epoch in Pyodide) the CPU is timed a step per slice


def row_macs(config):
    """Multiply-adds of one input row's forward pass: (through G, through D)."""
    def macs(sizes):
        return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    return (macs([config.noise_dim] + [config.g_neurons] * config.g_layers + [2]),
            macs([2] + [config.d_neurons] * config.d_layers + [1]))


def epoch_macs(config):
    """About how many multiply-adds one epoch's matrix products take."""
    g, d = row_macs(config)
    b = config.batch_size
    d_update = b * g + 2 * b * d * 3          # G forward; D forward, weight and input gradients on 2b rows
    g_update = 3 * b * g + 2 * b * d          # G forward and backward; D forward and input gradient
    return config.k_d * d_update + config.k_g * g_update


def einsum_matmul(a, b, out=None):
    """a @ b through np.einsum, reading a transposed A through its row-major
    base (the layouts backprop passes); see _EINSUM."""
    ta = not a.flags.c_contiguous and a.flags.f_contiguous
    if b.shape[1] == 1 or a.shape[0] == 1:
        return np.matmul(a, b, out=out)          # a vector: einsum would take the dot-product order
    return _EINSUM[ta, not b.flags.c_contiguous](a, b, out)


# a @ b as einsum's axpy over contiguous rows of B, one function per layout
# (A transposed?, B transposed?). A transposed B is copied to row-major
# first: read in place, einsum sums each entry as a dot product, in another
# order than numpy's.
def _einsum_rows(a, b, out=None):
    return np.einsum("ik,kj->ij", a, b, out=out)


def _einsum_rows_at(a, b, out=None):
    return np.einsum("ki,kj->ij", a.T, b, out=out)


_EINSUM = {
    (False, False): _einsum_rows,
    (True, False): _einsum_rows_at,
    (False, True): lambda a, b, out=None: _einsum_rows(a, np.ascontiguousarray(b), out),
    (True, True): lambda a, b, out=None: _einsum_rows_at(a, np.ascontiguousarray(b), out),
}


def _same_bits(fn, a, b):
    """Whether fn(a, b) is bit for bit np.matmul(a, b) (NaN where numpy has NaN)."""
    return np.array_equal(fn(a, b), np.matmul(a, b), equal_nan=True)


class SwitchBackend:
    """The backend the networks hold; `matmul` is swapped, never wrapped."""
    name = "switch"

    def __init__(self):
        self.matmul = np.matmul


def _layout(x):
    if x.flags.c_contiguous:
        return "C"
    if x.flags.f_contiguous:
        return "T"
    return "X"


class _Shape:
    """One product shape as the model calls it: sizes, layouts, dtype."""
    __slots__ = ("m", "k", "n", "la", "lb", "dtype", "count")

    def __init__(self, a, b):
        self.m, self.k = a.shape
        self.n = b.shape[1]
        self.la, self.lb = _layout(a), _layout(b)
        self.dtype = a.dtype if a.dtype == b.dtype else None
        self.count = 0

    @property
    def macs(self):
        return self.m * self.k * self.n

    def sample(self, rng):
        """Random operands with this shape and layout, and an output."""
        def make(rows, cols, layout):
            if layout == "T":
                return rng.standard_normal((cols, rows), dtype=np.float32).T
            return rng.standard_normal((rows, cols), dtype=np.float32)
        return (make(self.m, self.k, self.la), make(self.k, self.n, self.lb),
                np.empty((self.m, self.n), np.float32))

    def __repr__(self):
        return f"{self.m}x{self.k}{'ᵀ' if self.la == 'T' else ''} @ {self.k}x{self.n}{'ᵀ' if self.lb == 'T' else ''}"


class _Recorder:
    """A matmul that notes each product shape (keyed like the dispatcher) and runs numpy."""

    def __init__(self):
        self.seen = {}

    def __call__(self, a, b, out=None):
        key = (a.shape, a.strides, b.shape, b.strides)
        shape = self.seen.get(key)
        if shape is None:
            shape = self.seen[key] = _Shape(a, b)
        shape.count += 1
        return np.matmul(a, b, out=out)


class Accelerator:
    """Owns the SwitchBackend and decides what its matmul is."""

    def __init__(self, clock=time.perf_counter):
        self.backend = SwitchBackend()
        self.clock = clock
        self.gpu = None               # a webgpu.GpuMatmul once the worker attached one
        self.gpu_info = {}
        self.gpu_status = "none"      # none (not offered yet), unavailable, ready, lost
        self.gpu_reason = None
        self.mode = "auto"
        self._key = None
        self._plan = {}               # dispatcher key -> function
        self._choices = {}            # dispatcher key -> (shape, name, {name: seconds})
        self._default = np.matmul     # for shapes not in the plan
        self._cpu_default = np.matmul  # the CPU's best for big shapes (GPU fallback)
        self._interim_key = None
        self._cache = {}              # key -> what a calibration decided, to switch back without timing
        self._want_gpu_calibration = False
        self.using = "numpy"
        self.note = None
        self.report = []              # calibration results, for benchmarks and the docs
        self.epoch_rates = {}         # plan name -> epochs/s measured end to end
        self.calibrations = 0
        self.stepwise = True          # time big models a step per prepare() (see _calibration_steps)
        self.sliced = False           # the worker: time every model a step per prepare() (_calibrate_steps)
        self._job = None              # (key, generator) of a calibration in steps

    # --- the GPU ------------------------------------------------------------
    def attach_gpu(self, gpu, info=None):
        """Offer a GPU (a webgpu.GpuMatmul); it is timed at the next prepare()."""
        self.gpu = gpu
        gpu.fallback = self._cpu_fallback
        self.gpu_info = dict(info or {})
        self.gpu_status, self.gpu_reason = "ready", None
        self._want_gpu_calibration = True

    def gpu_unavailable(self, reason):
        """The worker found no usable WebGPU; `reason` is shown in the note."""
        self.gpu = None
        self.gpu_status, self.gpu_reason = "unavailable", str(reason)

    def _cpu_fallback(self, a, b, out=None):
        """Where a GPU product goes when the GPU can't take it now."""
        if a.shape[0] * a.shape[1] * b.shape[1] >= SMALL:
            return self._cpu_default(a, b, out)
        return np.matmul(a, b, out)

    def _gpu_ok(self):
        if self.gpu is not None and self.gpu.lost is not None and self.gpu_status != "lost":
            self.gpu_status, self.gpu_reason = "lost", self.gpu.lost
            if self.using == "gpu":
                # From now on every GPU product goes to _cpu_fallback: say so at
                # once, not only after the next prepare() recalibrates.
                self.using = "numpy" if self._cpu_default is np.matmul else "cpu"
        return self.gpu is not None and self.gpu_status == "ready"

    # --- choosing -------------------------------------------------------------
    def adopt(self, lab):
        """Make lab (and its networks) use this accelerator's backend."""
        backend = self.backend
        lab.backend = backend
        lab.gan.G.backend = backend
        lab.gan.G_avg.backend = backend
        lab.gan.D.backend = backend

    def wants_promising(self, mode=None):
        """True when the worker should enter Python through callPromising, so
        that products can wait for the GPU (`mode`: the one asked for now, if
        it may have changed since the last prepare())."""
        mode = mode or self.mode
        if not self._gpu_ok() or mode in ("cpu", "numpy"):
            return False
        return mode == "gpu" or self._want_gpu_calibration or self.using == "gpu"

    def prepare(self, lab, mode="auto"):
        """Called before training: recalibrate if anything that decides the
        plan changed. Cheap otherwise."""
        if lab.backend is not self.backend or lab.gan.G.backend is not self.backend:
            self.adopt(lab)
        c = lab.config
        gpu_ok = self._gpu_ok()
        key = (mode, self.gpu_status, c.noise_dim, c.g_layers, c.g_neurons, c.d_layers, c.d_neurons,
               c.batch_size, c.k_d > 0, c.k_g > 0)
        if key == self._key:
            return False
        if mode not in MODES:
            raise ValueError(f"backend must be one of {', '.join(MODES)}; got {mode!r}")
        self.mode = mode
        if mode == "numpy":
            self._choices, self.report, self.epoch_rates = {}, [], {}
            self._want_gpu_calibration = False
            self._install({}, np.matmul)
            self.using = "numpy"
            self._key = key
            return True
        use_gpu = gpu_ok and mode not in ("cpu", "numpy")
        # A big model: timing it all at once would hold the worker for seconds
        # (an epoch of the largest takes ~8 s in Pyodide), so it is timed one
        # measurement per call while training goes on (_calibration_steps).
        big = self.stepwise and mode != "gpu" and epoch_macs(c) > LONG_EPOCH_MACS
        stepped = big or self.sliced
        if use_gpu and not self.gpu.can_wait():
            # The GPU can only be timed (and used) inside a promising call: ask
            # the worker for one, and train on a CPU plan until then (timed in
            # steps: on the plan it has, its timing waits for that call).
            self._want_gpu_calibration = True
            if stepped:
                return False
            if self._interim_key != key:
                self._calibrate(lab, mode, gpu=False)
                self._interim_key = key
                self._describe(mode)
            return False
        self._want_gpu_calibration = False
        self._interim_key = None
        cached = self._cache.get(key) if mode != "gpu" else None
        if cached is not None and cached[0] is self.gpu:
            self._job = None
            self.__dict__.update(cached[1])          # back to shapes and a mode timed before: no new timing
            self._install(self._plan, self._default)
        elif stepped:
            if self._job is None or self._job[0] != key:
                steps = (self._calibration_steps if big else self._calibrate_steps)(lab, mode, gpu=use_gpu)
                self._job = (key, steps)
            self._want_gpu_calibration = use_gpu     # the next calls must be promising too
            try:
                next(self._job[1])
                return False
            except StopIteration:
                self._job = None
            self._want_gpu_calibration = False
            self._remember(key)
        else:
            self._job = None
            self._calibrate(lab, mode, gpu=use_gpu)
            self._remember(key)
        self._key = key
        self._describe(mode)
        return True

    def _remember(self, key):
        if len(self._cache) >= 8:
            self._cache.pop(next(iter(self._cache)))
        self._cache[key] = (self.gpu, {name: getattr(self, name) for name in (
            "_plan", "_default", "_cpu_default", "_choices", "using", "report", "epoch_rates")})

    def _calibration_steps(self, lab, mode, gpu=False):
        """_calibrate_steps for a model whose epoch is long: one measurement per
        step, and no whole epochs of its own. The shapes are recorded during one
        epoch of the real training (numpy's products, noted on the way), then
        numpy, einsum and (with gpu) the GPU are timed on each shape, a shape
        and a path per step (a few products), and each shape takes the fastest. The end-to-end check on whole epochs
        is left out: on a model this big the products are the epoch. Until it
        finishes, products run on numpy."""
        self.calibrations += 1
        self.report, self.epoch_rates, self._choices = [], {}, {}
        self.using = "numpy"
        recorder = _Recorder()
        self.backend.matmul = recorder
        gan, start = lab.gan, lab.epoch
        while lab.gan is not gan or lab.epoch <= start + 1:    # one whole epoch seen (after the one in progress)
            if lab.gan is not gan:
                gan, start = lab.gan, lab.epoch
                recorder.seen.clear()
            yield
        self.backend.matmul = np.matmul
        choices, _, plan, largest = yield from self._time_shapes_steps(recorder.seen, gpu)
        self._choices = choices
        uses_gpu = gpu and any(fn is self.gpu for fn in plan.values())
        default = einsum_matmul if largest[1] == "einsum" else np.matmul
        self._cpu_default = default
        if any(fn is not np.matmul for fn in plan.values()):
            self._install(plan, default)
            self.using = "gpu" if uses_gpu else "cpu"
        else:
            self._install({}, np.matmul)
            self.using = "numpy"

    def _calibrate(self, lab, mode, gpu):
        run_steps(self._calibrate_steps(lab, mode, gpu))

    def _time_shapes_steps(self, shapes, gpu):
        """Time each shape worth it on numpy, einsum (where it gives numpy's
        bits) and, with gpu, the GPU: a step per measurement. Returns (choices,
        the CPU plan, the best plan, (MACs, CPU path) of the biggest shape)."""
        rng = np.random.default_rng(0)
        choices, cpu_plan, best_plan = {}, {}, {}
        largest = (0, "numpy")              # the biggest shape's CPU choice sets the default
        gpu_lost_at = None                  # MACs of a shape where the GPU lost by 2x or more
        # Biggest first: where the GPU clearly loses on a big product, it loses on
        # every smaller one (its round trip is a floor), and is not timed again.
        for key, shape in sorted(shapes.items(), key=lambda item: -item[1].macs):
            if shape.macs < SMALL or shape.dtype != np.float32 or "X" in (shape.la, shape.lb):
                continue
            a, b, out = shape.sample(rng)
            einsum = _EINSUM[shape.la == "T", shape.lb == "T"]
            times = {"numpy": self._time(lambda: np.matmul(a, b, out=out))}
            yield
            if _same_bits(einsum, a, b):                 # else numpy's numbers win, whatever the speed
                times["einsum"] = self._time(lambda: einsum(a, b, out))
                yield
            if gpu and gpu_lost_at is None:
                self.gpu(a, b, out)          # warm up (sizes the buffers): a step of its own
                yield
                cpu_best = min(times.values())
                times["gpu"] = self._time(lambda: self.gpu(a, b, out), gpu=True, give_up=2 * cpu_best, warm=False)
                if times["gpu"] >= 2 * cpu_best:
                    gpu_lost_at = shape.macs
                yield
            cpu_name = "einsum" if times.get("einsum", math.inf) < SWITCH_GAIN * times["numpy"] else "numpy"
            best = min(times, key=times.get)
            best_name = best if times[best] < SWITCH_GAIN * times[cpu_name] else cpu_name
            fns = {"numpy": np.matmul, "einsum": einsum, "gpu": self.gpu}
            cpu_plan[key] = fns[cpu_name]
            best_plan[key] = fns[best_name]
            if shape.macs > largest[0]:
                largest = (shape.macs, cpu_name)
            choices[key] = (shape, best_name, times)
            self.report.append({"shape": repr(shape), "m": shape.m, "k": shape.k, "n": shape.n,
                                "per_epoch": shape.count, "chosen": best_name,
                                **{f"{name}_ms": round(t * 1e3, 4) for name, t in times.items()}})
        return choices, cpu_plan, best_plan, largest

    def _calibrate_steps(self, lab, mode, gpu):
        """Time each product shape of an epoch on each path, then the plans on
        whole epochs; a generator that pauses after each measurement (a few
        products, or a few ms of epochs), so that the worker answers between
        them. Between two steps products run on numpy (the same numbers)."""
        self.calibrations += 1
        self.report = []
        self.epoch_rates = {}
        if gpu and mode == "gpu":
            self._choices = {}
            self._install({}, np.matmul, every=self.gpu)
            self.using = "gpu"
            return
        shapes = self._record(lab)
        yield
        choices, cpu_plan, best_plan, largest = yield from self._time_shapes_steps(shapes, gpu)
        # Shapes not seen here (the views' grids) get the CPU path that won on the biggest one.
        default = einsum_matmul if largest[1] == "einsum" else np.matmul
        plans = {"numpy": ({}, np.matmul)}
        if any(fn is not np.matmul for fn in cpu_plan.values()):
            plans["cpu"] = (cpu_plan, default)
        if gpu and any(fn is self.gpu for fn in best_plan.values()):
            plans["gpu"] = (best_plan, default)
        self._choices = choices
        if len(plans) == 1:
            name = "numpy"
        else:
            name = yield from self._best_plan_steps(lab, plans)
        plan, default = plans[name]
        self._cpu_default = default
        self._install(plan, default if plan else np.matmul)
        self.using = name

    def _record(self, lab):
        """The product shapes of one epoch (the state is restored after it)."""
        recorder = _Recorder()
        self.backend.matmul = recorder
        try:
            self._epochs(lab, 1)
        finally:
            self.backend.matmul = np.matmul
        return recorder.seen

    def _epochs(self, lab, count):
        """Seconds for `count` epochs from the current state, which is then restored."""
        gan = lab.gan
        state = gan.state()
        # an epoch or update cut short (Lab.train_until, update_until) goes on
        # from these: the traces, and the gradients its backward pass has made so far
        traces = gan.G._trace, gan.D._trace
        grads = gan.G.grads.copy(), gan.D.grads.copy()
        try:
            with np.errstate(all="ignore"):
                start = self.clock()
                for _ in range(count):
                    gan.train_epoch()
                return self.clock() - start
        finally:
            gan.set_state(state)
            gan.G._trace, gan.D._trace = traces
            gan.G.grads[...] = grads[0]
            gan.D.grads[...] = grads[1]

    def _time(self, call, gpu=False, min_time=0.002, rounds=3, give_up=math.inf, warm=True):
        """Best seconds per call, over `rounds` runs of enough calls to last
        min_time; a first timed call slower than give_up ends it there.
        warm=False: the caller has made the warm-up call."""
        if warm:
            call()                                   # warm up (first GPU call sizes the buffers)
        start = self.clock()
        call()
        once = max(self.clock() - start, 1e-6)
        if once >= give_up:
            return once
        if once > 0.01:
            rounds = 1                               # a slow product: one more call says enough
        reps = max(1, min(50 if not gpu else 8, int(min_time / once)))
        best = math.inf
        for _ in range(rounds):
            start = self.clock()
            for _ in range(reps):
                call()
            best = min(best, (self.clock() - start) / reps)
        return best

    def _best_plan_steps(self, lab, plans, rounds=3, min_time=0.03):
        """The plan with the most epochs per second on real epochs; a plan
        other than plain numpy must beat it by 5% (PLAN_GAIN). A step per
        plan and round; numpy's products between them."""
        self.backend.matmul = np.matmul
        once = max(self._epochs(lab, 1), 1e-5)
        epochs = max(1, min(200, math.ceil(min_time / once)))
        best = {name: math.inf for name in plans}
        for _ in range(rounds):
            for name, (plan, default) in plans.items():
                self._install(plan, default)
                best[name] = min(best[name], self._epochs(lab, epochs) / epochs)
                self.backend.matmul = np.matmul
                yield
        self.epoch_rates = {name: 1.0 / t for name, t in best.items()}
        winner = min(best, key=best.get)
        if winner != "numpy" and best[winner] > PLAN_GAIN * best["numpy"]:
            winner = "numpy"
        return winner

    def _install(self, plan, default, every=None):
        if every is not None:
            self.backend.matmul = every
            return
        self._plan = plan
        self._default = default
        if not plan and default is np.matmul:
            self.backend.matmul = np.matmul          # the plain path: no wrapper at all
        else:
            self.backend.matmul = self._dispatch

    def _dispatch(self, a, b, out=None):
        fn = self._plan.get((a.shape, a.strides, b.shape, b.strides))
        if fn is not None:
            return fn(a, b, out)
        if a.shape[0] * a.shape[1] * b.shape[1] >= SMALL:
            return self._default(a, b, out)
        return np.matmul(a, b, out)

    # --- telling the page -------------------------------------------------------
    def _describe(self, mode):
        self.note = self._note(mode)

    def _note(self, mode):
        notes = []
        if mode == "gpu" and not self._gpu_ok():
            notes.append(self._gpu_missing() + "; training on the CPU.")
        elif self.gpu_status == "lost" and mode in ("auto", "gpu"):
            notes.append(f"The GPU device was lost ({self.gpu_reason}); training continues on the CPU.")
        elif mode == "auto" and self.gpu_status == "unavailable":
            notes.append(self._gpu_missing() + "; the CPU is used.")
        elif mode == "auto" and self._gpu_ok() and self.using != "gpu" and not self._want_gpu_calibration:
            notes.append("The CPU is faster than the GPU for this model.")
        return " ".join(notes) or None

    def _gpu_missing(self):
        if self.gpu_status == "unavailable":
            return f"WebGPU is not available ({self.gpu_reason})"
        if self.gpu_status == "lost":
            return f"The GPU device was lost ({self.gpu_reason})"
        return "WebGPU has not started (yet)"

    def describe(self, full=False, mode=None):
        """What the page shows: {"requested", "using", "label", "gpu", "adapter",
        "note", "gpu_calls"} (`mode`: the one asked for now); with full, also "plan" (shape -> path), "timings"
        (per shape, ms) and "epoch_rates" (epochs/s of each plan tried)."""
        gpu_shapes = sum(1 for _, name, _ in self._choices.values() if name == "gpu")
        labels = {"numpy": "CPU (numpy)", "cpu": "CPU (fast path)",
                  "gpu": "GPU (WebGPU)" if self.mode == "gpu" or not self._choices
                  else f"GPU (WebGPU) for {gpu_shapes} of {len(self._choices)} large products"}
        mode = mode or self.mode
        self._gpu_ok()                                # notices a loss
        out = {
            "requested": mode, "using": self.using, "label": labels[self.using],
            "gpu": self.gpu_status, "adapter": self.gpu_info.get("adapter"), "note": self._note(mode),
            "gpu_calls": self.gpu.calls if self.gpu is not None else 0,
        }
        if full:
            out["plan"] = {repr(shape): name for shape, name, _ in self._choices.values()}
            out["timings"] = self.report
            out["epoch_rates"] = {k: round(v, 2) for k, v in self.epoch_rates.items()}
        return out


def benchmark_products(shapes, gpu=None, clock=time.perf_counter):
    """Milliseconds per product for each (m, k, n, layout) in shapes, layout
    "NN", "TN" (A^T B) or "NT" (A B^T), on each path: numpy's matmul, einsum,
    and the GPU (when given and usable now). For benchmarks/bench_gpu.py."""
    accel = Accelerator(clock)
    rng = np.random.default_rng(0)
    rows = []
    for m, k, n, layout in shapes:
        shape = _Shape.__new__(_Shape)
        shape.m, shape.k, shape.n = m, k, n
        shape.la, shape.lb = ("T" if layout[0] == "T" else "C"), ("T" if layout[1] == "T" else "C")
        a, b, out = shape.sample(rng)
        row = {"m": m, "k": k, "n": n, "layout": layout,
               "numpy_ms": accel._time(lambda: np.matmul(a, b, out)) * 1e3,
               "einsum_ms": accel._time(lambda: einsum_matmul(a, b, out)) * 1e3}
        if gpu is not None and gpu.usable():
            row["gpu_ms"] = accel._time(lambda: gpu(a, b, out), gpu=True) * 1e3
            want = a.astype(np.float64) @ b.astype(np.float64)
            row["gpu_max_error"] = float(np.max(np.abs(out - want)))
        rows.append(row)
    return rows
