"""Several runs trained side by side, as one stacked model.

A comparison (k_D 1 vs 3, minimax vs non-saturating, two learning rates)
trains R runs whose networks have the same shapes. Their parameters are
stacked into (R, P) arrays, so every layer is one batched product over the
runs, (R, B, n) @ (R, n, m), and R runs cost about as many numpy calls as one.

Each run is still a whole `Lab`: its networks' `params` and its optimizers'
moments are rebound to rows of the stacked arrays (views, no copies), and it
keeps its own random streams. So a run's metrics, frames, save() and state()
work as for any Lab, and its numbers equal those of a separate Lab with the
same config, number for number (tests/core/test_multirun.py checks this):
every per-run operation is the one the Lab does, on the same values in the
same order, and numpy's batched matmul runs each run's product as the same
2-D product.

Runs may differ in every live setting: learning rates, k_D / k_G (a run with
fewer updates sits out the extra ones), loss, real label, clip, optimizer,
seed, data and noise type. Runs whose shapes differ (layers, neurons,
activation, noise dimension, batch size) go into separate stacks, trained in
turn.
"""

import io
import json
import math
from types import SimpleNamespace

import numpy as np

from . import experiment_file
from .config import Config, ConfigError
from .lab import CHUNK, DivergedError, Lab, LoadError, check_step
from .losses import Loss
from .nn import HIDDEN

MAX_RUNS = 8
FORMAT = "ganlab_wasm/comparison/1"


def shape_key(config):
    """Runs with equal keys can share one stack."""
    return (config.noise_dim, config.g_layers, config.g_neurons, config.d_layers, config.d_neurons,
            config.activation, config.batch_size)


def _take(array, rows):
    """The rows of a stacked array a step works on (the array itself for all rows)."""
    return array if rows is None else array[rows]


class StackedNet:
    """One network shape for R runs. `params` and `grads` are (R, P); each
    run's MLP is rebound to its row, so the run sees the stacked values."""

    def __init__(self, mlps):
        proto = mlps[0]
        self.shapes, self.output = proto.shapes, proto.output
        self._act, self._act_back = HIDDEN[proto.activation]
        self.params = np.stack([m.params for m in mlps])
        self.grads = np.zeros_like(self.params)
        for r, m in enumerate(mlps):
            m.params, m.grads = self.params[r], self.grads[r]
            m._bind()
        self.full = self.layers(self.params, self.grads)

    def layers(self, params, grads):
        """Per layer (W, b, W_grad, b_grad) as (R, n, m) and (R, 1, m) views of
        the flat (R, P) arrays."""
        out, offset, runs = [], 0, len(params)
        for fan_in, fan_out in self.shapes:
            end = offset + fan_in * fan_out
            views = (params[:, offset:end].reshape(runs, fan_in, fan_out),
                     params[:, end:end + fan_out].reshape(runs, 1, fan_out),
                     grads[:, offset:end].reshape(runs, fan_in, fan_out),
                     grads[:, end:end + fan_out].reshape(runs, 1, fan_out))
            out.append(views)
            offset = end + fan_out
        return out

    def trace(self, layers, x):
        """As MLP.trace, over a leading run axis."""
        outputs, a, act = [x], x, self._act
        for w, b, _, _ in layers[:-1]:
            a = np.matmul(a, w)
            a += b
            act(a)
            outputs.append(a)
        w, b, _, _ = layers[-1]
        a = np.matmul(a, w)
        a += b
        if self.output == "canvas":
            np.tanh(a, out=a)
            a *= 0.5
            a += 0.5
        outputs.append(a)
        return outputs

    def backward(self, layers, outputs, d_out, weight_grads=True, input_grad=False):
        """As MLP.backward, over a leading run axis."""
        d = d_out
        if self.output == "canvas":
            o = outputs[-1]
            d = o * -2.0
            d += 2.0
            d *= o
            d *= d_out
        ones = np.ones((1, d.shape[1]), np.float32) if weight_grads else None
        act_back = self._act_back
        for i in range(len(layers) - 1, -1, -1):
            w, _, w_grad, b_grad = layers[i]
            a_in = outputs[i]
            if weight_grads:
                np.matmul(a_in.swapaxes(1, 2), d, out=w_grad)
                np.matmul(ones, d, out=b_grad)
            if i == 0 and not input_grad:
                return None
            d = np.matmul(d, w.swapaxes(1, 2))
            if i > 0:
                act_back(d, a_in)
        return d


def _d_grad(loss, scores, n):
    g = loss.d_grad(scores, n)      # the losses' constant columns broadcast over runs
    return g if g.shape == scores.shape else np.broadcast_to(g, scores.shape)


def _g_grad(loss, scores):
    # g_grad reads the batch size as len(s): hand it (B, R, 1), element for element the same
    g = loss.g_grad(scores.transpose(1, 0, 2)).transpose(1, 0, 2)
    return g if g.shape == scores.shape else np.broadcast_to(g, scores.shape)


class _LossGroups:
    """The runs' losses, grouped by kind and parameters; one group (the usual
    case) is one vectorized call."""

    def __init__(self, losses):
        groups = {}
        for r, loss in enumerate(losses):
            key = (type(loss), loss.real_label, getattr(loss, "clip", None))
            groups.setdefault(key, (loss, []))[1].append(r)
        self.groups = [(loss, np.array(rows)) for loss, rows in groups.values()]
        self.single = self.groups[0][0] if len(self.groups) == 1 else None
        self.clipping = [(loss, rows) for loss, rows in self.groups
                         if type(loss).after_d_update is not Loss.after_d_update]

    def _apply(self, grad, scores, rows, *args):
        if self.single is not None:
            return grad(self.single, scores, *args)
        out = np.empty_like(scores)
        for loss, members in self._members(rows):
            out[members] = grad(loss, scores[members], *args)
        return out

    def _members(self, rows):
        """(loss, positions within this step's rows) for each group present."""
        for loss, members in self.groups:
            if rows is None:
                yield loss, members
            else:
                pos = np.flatnonzero(np.isin(rows, members))
                if len(pos):
                    yield loss, pos

    def d_grad(self, scores, n, rows):
        return self._apply(_d_grad, scores, rows, n)

    def g_grad(self, scores, rows):
        return self._apply(_g_grad, scores, rows)

    def after_d_update(self, params, rows):
        """Weight clipping (the Wasserstein critic) on this step's rows of D's params."""
        for loss, members in self.clipping:
            if self.single is not None:
                loss.after_d_update(SimpleNamespace(params=params))
                continue
            pos = members if rows is None else np.flatnonzero(np.isin(rows, members))
            if len(pos):
                part = params[pos]
                loss.after_d_update(SimpleNamespace(params=part))
                params[pos] = part


class _OptimizerGroup:
    """Runs with the same optimizer kind: their moments stacked (R_g, P) and
    rebound into each run's optimizer object. Kinds without a stacked formula
    below step each run on its row (the same numbers, more calls)."""

    ARRAYS = {"sgd": (), "momentum": ("velocity",), "adam": ("m", "v"), "rmsprop": ("v",)}

    def __init__(self, optimizers, members):
        self.opts = optimizers
        self.members = np.array(members)
        self.kind = optimizers[0].name
        self.stacked = self.kind in self.ARRAYS and type(optimizers[0]).__module__.endswith("optim")
        if self.stacked:
            for key in self.ARRAYS[self.kind]:
                state = np.stack([getattr(o, key) for o in optimizers])
                for k, o in enumerate(optimizers):
                    setattr(o, key, state[k])
                setattr(self, key, state)
        self._lr_key = None

    def _lr(self, opts):
        lrs = tuple(o.lr for o in opts)
        if lrs != self._lr_key:
            # float32 like the Lab's `grads *= lr`, which casts the Python float first
            self._lr_key, self._lr_col = lrs, np.array(lrs, np.float32)[:, None]
        return self._lr_col

    def step(self, params, grads, state_rows):
        """Update params/grads (the group's rows of this step, (n, P)) in place."""
        opts = self.opts if state_rows is None else [self.opts[k] for k in state_rows]
        if not self.stacked:
            for k, opt in enumerate(opts):
                opt.step(params[k], grads[k])
            return
        kind, cls = self.kind, type(self.opts[0])
        if kind == "sgd":
            grads *= self._lr(opts)
            params -= grads
        elif kind == "momentum":
            v = _take(self.velocity, state_rows)
            v *= cls.beta
            v += grads
            grads[...] = v
            grads *= self._lr(opts)
            params -= grads
            if state_rows is not None:
                self.velocity[state_rows] = v
        elif kind == "adam":
            m, v = _take(self.m, state_rows), _take(self.v, state_rows)
            for opt in opts:
                opt.t += 1
            m *= cls.beta1
            m += (1 - cls.beta1) * grads
            grads *= grads
            v *= cls.beta2
            grads *= 1 - cls.beta2
            v += grads
            lr_t = np.array([o.lr * math.sqrt(1 - cls.beta2 ** o.t) / (1 - cls.beta1 ** o.t) for o in opts],
                            np.float32)[:, None]
            denom = np.sqrt(v)
            denom += cls.eps
            np.divide(m, denom, out=denom)
            denom *= lr_t
            params -= denom
            if state_rows is not None:
                self.m[state_rows], self.v[state_rows] = m, v
        else:   # rmsprop
            v = _take(self.v, state_rows)
            v *= cls.rho
            v += (1 - cls.rho) * grads * grads
            denom = np.sqrt(v)
            denom += cls.eps
            np.divide(grads, denom, out=grads)
            grads *= self._lr(opts)
            params -= grads
            if state_rows is not None:
                self.v[state_rows] = v


class _Optimizers:
    def __init__(self, optimizers):
        groups = {}
        for r, opt in enumerate(optimizers):
            groups.setdefault(opt.name, []).append(r)
        self.groups = [_OptimizerGroup([optimizers[r] for r in rows], rows) for rows in groups.values()]

    def step(self, params, grads, rows):
        """params, grads: this step's (n, P) rows (the whole stack when rows is None)."""
        if len(self.groups) == 1 and rows is None:
            self.groups[0].step(params, grads, None)
            return
        for group in self.groups:
            if rows is None:
                pos, state_rows = group.members, None
                if len(group.members) == len(params):
                    group.step(params, grads, None)
                    continue
            else:
                pos = np.flatnonzero(np.isin(rows, group.members))
                if not len(pos):
                    continue
                state_rows = np.searchsorted(group.members, rows[pos])
                if len(state_rows) == len(group.members):
                    state_rows = None
            p, g = params[pos], grads[pos]
            group.step(p, g, state_rows)
            params[pos] = p


class Stack:
    """Runs (Labs) whose shapes match, trained as one stacked model."""

    def __init__(self, labs):
        self.labs = labs
        gans = [lab.gan for lab in labs]
        self.gans = gans
        self.G = StackedNet([g.G for g in gans])
        self.D = StackedNet([g.D for g in gans])
        self.batch = gans[0].config.batch_size
        self.k_d = np.array([g.config.k_d for g in gans])
        self.k_g = np.array([g.config.k_g for g in gans])
        self.loss = _LossGroups([g.loss for g in gans])
        self.opt_d = _Optimizers([g.opt_d for g in gans])
        self.opt_g = _Optimizers([g.opt_g for g in gans])
        self._g_trace = None    # per run, G's trace of its last D step (its G update reuses the fakes)

    def _rows(self, counts, j):
        """Runs taking part in the j-th update of an epoch (None: all of them)."""
        active = counts > j
        return None if active.all() else np.flatnonzero(active)

    def _sub(self, net, rows):
        """(params, grads, layer views) for this step's runs: views of the stack
        for all runs, gathered copies otherwise (scattered back after)."""
        if rows is None:
            return net.params, net.grads, net.full
        params, grads = net.params[rows], np.zeros((len(rows), net.params.shape[1]), np.float32)
        return params, grads, net.layers(params, grads)

    def _streams(self, name, rows):
        gans = self.gans if rows is None else [self.gans[r] for r in rows]
        return np.stack([getattr(g, name).next() for g in gans])

    def _keep_trace(self, trace, rows):
        if rows is None:
            self._g_trace = trace
            return
        if self._g_trace is None:
            self._g_trace = [np.empty((len(self.gans),) + t.shape[1:], np.float32) for t in trace]
        for full, part in zip(self._g_trace, trace):
            full[rows] = part

    def d_step(self, rows=None):
        G, D, n = self.G, self.D, self.batch
        real, noise = self._streams("real", rows), self._streams("noise", rows)
        _, _, g_layers = self._sub(G, rows)
        d_params, d_grads, d_layers = self._sub(D, rows)
        g_trace = G.trace(g_layers, noise)
        d_trace = D.trace(d_layers, np.concatenate((real, g_trace[-1]), axis=1))
        D.backward(d_layers, d_trace, self.loss.d_grad(d_trace[-1], n, rows))
        self.opt_d.step(d_params, d_grads, rows)
        self.loss.after_d_update(d_params, rows)
        if rows is not None:
            D.params[rows] = d_params
        self._keep_trace(g_trace, rows)
        self._last_scores.append((rows, d_trace[-1]))
        for g in (self.gans if rows is None else (self.gans[r] for r in rows)):
            g.d_updates += 1

    def g_step(self, rows=None, reuse=False):
        G, D = self.G, self.D
        g_params, g_grads, g_layers = self._sub(G, rows)
        _, _, d_layers = self._sub(D, rows)
        if reuse:
            trace = self._g_trace if rows is None else [t[rows] for t in self._g_trace]
        else:
            trace = G.trace(g_layers, self._streams("noise", rows))
        d_trace = D.trace(d_layers, trace[-1])
        push = D.backward(d_layers, d_trace, self.loss.g_grad(d_trace[-1], rows),
                          weight_grads=False, input_grad=True)
        G.backward(g_layers, trace, push)
        self.opt_g.step(g_params, g_grads, rows)
        if rows is not None:
            G.params[rows] = g_params
        self._last_scores.append((rows, d_trace[-1]))
        for g in (self.gans if rows is None else (self.gans[r] for r in rows)):
            g.average_g()       # (each run's G.params is its row of the stack)
            g.g_updates += 1

    def train_epoch(self):
        """For each run, its k_d D updates then its k_g G updates (the first
        reusing the fakes of its last D update), as GAN.train_epoch."""
        k_d, k_g = self.k_d, self.k_g
        for j in range(int(k_d.max())):
            self.d_step(self._rows(k_d, j))
        if k_g.max() > 0:
            idle = np.flatnonzero(k_d == 0)
            if len(idle):       # runs without D updates have no fakes to reuse: a fresh batch, as the Lab
                _, _, g_layers = self._sub(self.G, idle)
                self._keep_trace(self.G.trace(g_layers, self._streams("noise", idle)),
                                 None if len(idle) == len(self.gans) else idle)
        for i in range(int(k_g.max())):
            self.g_step(self._rows(k_g, i), reuse=(i == 0))
        for g in self.gans:
            g.epoch += 1

    def finite(self):
        """Per run: weights finite and the scores of its last D forward pass too (as GAN.finite)."""
        ok = np.isfinite(self.G.params).all(axis=1) & np.isfinite(self.D.params).all(axis=1)
        seen = np.zeros(len(self.gans), bool)
        for rows, scores in reversed(self._last_scores):
            good = np.isfinite(scores).all(axis=(1, 2))
            positions = np.arange(len(self.gans)) if rows is None else rows
            fresh = ~seen[positions]
            ok[positions[fresh]] &= good[fresh]
            seen[positions] = True
            if seen.all():
                break
        return ok

    def train(self, epochs):
        """Train every run `epochs` epochs, checking for divergence every CHUNK
        epochs. Returns {run index: DivergedError} for runs that diverged;
        each keeps its last finite state, as a Lab does."""
        self._last_scores = []
        done = 0
        with np.errstate(all="ignore"):
            while done < epochs:
                chunk = min(CHUNK, epochs - done)
                start = [g.state() for g in self.gans]
                for _ in range(chunk):
                    self.train_epoch()
                ok = self.finite()
                self._last_scores = []
                if not ok.all():
                    for g, s in zip(self.gans, start):
                        g.set_state(s)
                    self._g_trace = None
                    return self._find_divergence(chunk), done
                done += chunk
        return {}, done

    def _find_divergence(self, chunk):
        """Replay a chunk one epoch at a time to the first run that diverges; stop it there."""
        for _ in range(chunk):
            good = [g.state() for g in self.gans]
            self.train_epoch()
            ok = self.finite()
            self._last_scores = []
            if not ok.all():
                for g, s in zip(self.gans, good):
                    g.set_state(s)
                self._g_trace = None
                return {int(r): _diverged(self.labs[r]) for r in np.flatnonzero(~ok)}
        return {}


def _diverged(lab):
    c = lab.config
    return DivergedError(
        f"training diverged in epoch {lab.epoch + 1}: the weights or scores became NaN or infinite. "
        f"This run kept its last finite state (epoch {lab.epoch}); lower a learning rate "
        f"(now D {c.learning_rate_d:g}, G {c.learning_rate_g:g}).")


class Comparison:
    """2 to MAX_RUNS runs on the same data, trained side by side.

    >>> c = Comparison(Config(seed=1), vary="k_d", values=[1, 3])
    >>> [m["epoch"] for m in c.train(50)]
    [50, 50]

    Every run gets the base config with its value of `vary` (so the same seed
    unless seed is what varies); `configs=` gives the runs' configs directly.
    Runs that diverge stop at their last finite state (listed in `stopped`)
    while the others train on.
    """

    def __init__(self, base=None, vary=None, values=(), configs=None):
        if configs is None:
            base = base if base is not None else Config()
            if vary is None:
                raise ConfigError("a comparison needs the setting to vary and its values (or configs)")
            configs = [base.replace(**{vary: v}) for v in values]
        configs = list(configs)
        if not 1 <= len(configs) <= MAX_RUNS:
            raise ConfigError(f"a comparison has 1 to {MAX_RUNS} runs; got {len(configs)}")
        self.vary = vary
        self.labs = [Lab(c) for c in configs]
        self.stopped = {}
        self._restack()

    @property
    def configs(self):
        return [lab.config for lab in self.labs]

    @property
    def runs(self):
        return len(self.labs)

    def _restack(self):
        """Group the live runs by shape into stacks (after any change)."""
        groups = {}
        for r, lab in enumerate(self.labs):
            if r not in self.stopped:
                groups.setdefault(shape_key(lab.config), []).append(r)
        self.stacks = [(rows, Stack([self.labs[r] for r in rows])) for rows in groups.values()]

    def differences(self):
        """Per run, the settings in which it differs from the first run."""
        first = self.labs[0].config.to_dict()
        out = []
        for lab in self.labs:
            mine = lab.config.to_dict()
            out.append({k: v for k, v in mine.items() if v != first[k]})
        return out

    # --- training -------------------------------------------------------
    def train(self, epochs, report=True):
        """Train every live run `epochs` epochs (runs of one shape as one stack,
        the stacks in turn). Returns each run's metrics (or None without report)."""
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"epochs must be a whole number >= 0; got {epochs!r}")
        target = [lab.epoch + epochs for lab in self.labs]
        while True:
            failed_any = False
            for rows, stack in self.stacks:
                left = target[rows[0]] - self.labs[rows[0]].epoch   # a stack's runs move in step
                if left <= 0:
                    continue
                failed, _ = stack.train(left)
                for k, error in failed.items():
                    self.stopped[rows[k]] = error
                    failed_any = True
            if not failed_any:
                break
            self._restack()      # the others train on without the stopped runs
        return self.metrics() if report else None

    def step(self, level="epoch", count=1):
        """`count` epochs, D updates ("d") or G updates ("g") of every live
        run; a run that diverges stops at its state before them."""
        check_step(level, count)
        stopped = len(self.stopped)
        with np.errstate(all="ignore"):
            for rows, stack in self.stacks:
                before = [g.state() for g in stack.gans]
                stack._last_scores = []
                action = {"epoch": stack.train_epoch, "d": stack.d_step, "g": stack.g_step}[level]
                for _ in range(count):
                    action()
                ok = stack.finite()
                stack._last_scores = []
                for k in np.flatnonzero(~ok):
                    stack.gans[k].set_state(before[k])
                    stack._g_trace = None
                    self.stopped[rows[k]] = _diverged(stack.labs[k])
        if len(self.stopped) > stopped:
            self._restack()
        return self.metrics()

    def metrics(self, divergence=True):
        """Each run's metrics (as Lab.metrics), in run order."""
        return [lab.metrics(divergence) for lab in self.labs]

    def frames(self, heatmap_size=30, manifold_cells=20):
        """Each run's frame arrays (as Lab.frame), in run order."""
        return [lab.frame(heatmap_size, manifold_cells) for lab in self.labs]

    # --- changing the runs ----------------------------------------------
    def update(self, run=None, **changes):
        """Change settings of every run (or of run `run` only), all or nothing:
        each run validates its new config before any changes. Structural changes
        rebuild that run from epoch 0. Returns each run's Lab.update result."""
        targets = range(self.runs) if run is None else [self._run_index(run)]
        for r in targets:
            self.labs[r].config.replace(**changes)          # validate everything first
        results = {r: self.labs[r].update(**changes) for r in targets}
        for r, result in results.items():
            if result["rebuilt"]:
                self.stopped.pop(r, None)
        self._restack()
        return [results.get(r) for r in range(self.runs)]

    def reset(self):
        """Every run back to epoch 0 with its settings (same seeds, same weights)."""
        for lab in self.labs:
            lab.reset()
        self.stopped = {}
        self._restack()

    def _run_index(self, run):
        if isinstance(run, bool) or not isinstance(run, int) or not 0 <= run < self.runs:
            raise ConfigError(f"run must be a whole number from 0 to {self.runs - 1}; got {run!r}")
        return run

    # --- saving and loading ---------------------------------------------
    def save(self):
        """Every run's Lab.save() bytes and the comparison's own settings, as bytes."""
        meta = {"format": FORMAT, "vary": self.vary, "runs": self.runs,
                "stopped": {str(r): str(e) for r, e in self.stopped.items()}}
        arrays = {f"run{r}": np.frombuffer(lab.save(), np.uint8) for r, lab in enumerate(self.labs)}
        buffer = io.BytesIO()
        np.savez(buffer, meta=np.frombuffer(json.dumps(meta).encode(), np.uint8), **arrays)
        return buffer.getvalue()

    @classmethod
    def load(cls, blob):
        """A Comparison from save() bytes; raises LoadError for anything else."""
        not_ours = "this is not a ganlab_wasm comparison file (or it is damaged)"
        arrays = experiment_file.unpack(bytes(blob), not_ours=not_ours)
        try:
            meta = json.loads(arrays.pop("meta").tobytes())
        except Exception:
            raise LoadError(not_ours) from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise LoadError("this file is not a ganlab_wasm comparison in a format this version reads")
        try:
            runs = int(meta["runs"])
            if not 1 <= runs <= MAX_RUNS:
                raise LoadError(f"a comparison has 1 to {MAX_RUNS} runs; this file has {runs}")
            labs = [Lab.load(arrays[f"run{r}"].tobytes()) for r in range(runs)]
        except LoadError:
            raise
        except Exception as e:
            raise LoadError(f"this comparison file is damaged ({type(e).__name__}: {e})") from None
        out = cls.__new__(cls)
        out.vary, out.labs = meta.get("vary"), labs
        out.stopped = {int(r): DivergedError(text) for r, text in meta.get("stopped", {}).items()}
        out._restack()
        return out

    @staticmethod
    def is_comparison(blob):
        """Whether bytes look like a saved comparison (rather than one run)."""
        try:
            with np.load(io.BytesIO(bytes(blob)), allow_pickle=False) as npz:
                return "run0" in npz.files and json.loads(npz["meta"].tobytes()).get("format") == FORMAT
        except Exception:
            return False
