"""What the browser worker drives: one Lab, the play state, and frames.

The worker's JavaScript stays thin: it passes each command from the page to
`Session.command` as a JSON string and posts back the JSON reply; between
messages it calls `Session.tick(budget_ms)`, which trains while playing; when
the page asks for a frame it calls `Session.frame()` and transfers the one
packed float32 buffer. Everything is validated here; a bad command gets an
error reply and changes nothing.
"""

import json
import math
import time
import traceback
from importlib import resources

import numpy as np

from . import schema as vocabulary
from .accel import Accelerator, row_macs
from .config import RECOMMENDED, Config, ConfigError
from .data import NOISE_HIGH, NOISE_LOW, PRESETS
from .gan import STAGES
from .lab import DivergedError, Lab, LoadError
from .metrics import FAKE_SAMPLES
from .nn import run_steps
from .rate import RateMeter
from .safe import drawable, json_safe, json_text  # noqa: F401
from .schema import LEVELS, MAX_TRAIN_COMMAND, OPTIONS, SPEEDS, CommandArgsError  # noqa: F401
from .session_runs import RunsError, RunsMixin

MAX_SLICE_EPOCHS = 2000
DIVERGENCE_EVERY = 0.1   # seconds between KL/JS updates in frames while playing (they cost most of a frame)
# A command answers at once; a state command while playing before the first
# frame of a generator this big leaves the divergence figures out (null): at
# Pyodide's ~1.3 G multiply-adds a second they would take 30 ms or more.
STATE_DIVERGENCE_MACS = 40_000_000
SLICED_ABOVE = 0.004     # seconds per epoch (or not known yet) above which epochs are cut into products
SLOW_EPOCH = 1.0         # seconds per epoch above which the page is told training will look slow


def divergence_macs(config):
    """About how many multiply-adds Lab.divergence() takes: G on its 5,000 samples."""
    return FAKE_SAMPLES * row_macs(config)[0]


def _finite(values):
    """JSON has no NaN or infinity: send null instead."""
    return json_safe(values)


def internal_error(what, error):
    """A reply for an exception the session did not expect: a plain message
    for the page, and the traceback under "details" for the console only."""
    return {"ok": False, "error": f"Something went wrong in the lab while {what} ({type(error).__name__}). "
                                  "The details are in the browser console.",
            "details": "".join(traceback.format_exception(type(error), error, error.__traceback__))}


def _command_name(message):
    name = message.get("cmd") if isinstance(message, dict) else None
    return f"the {name!r} command" if isinstance(name, str) else "a command"


class CommandError(ValueError):
    """A command the session refuses; its message is shown to the user."""


def schema():
    """The vocabulary (settings, options, rules, commands, frame layout: see
    schema.py) and what the full page needs besides."""
    # For the full page: the ten slow-motion stages (listed before any runs),
    # the noise square the manifold is drawn from, and which presets ship a
    # pretrained model.
    stages = {net: [{"index": i + 1, "name": name, "description": text} for i, (name, text) in enumerate(steps)]
              for net, steps in STAGES.items()}
    return {**vocabulary.export(), "stages": stages,
            "noise_range": [NOISE_LOW, NOISE_HIGH], "pretrained": pretrained_names()}


def pretrained_names():
    """Distributions with a shipped pretrained model (ganlab_wasm/pretrained/*.npz)."""
    folder = resources.files("ganlab_wasm") / "pretrained"
    return sorted(f.name[:-4] for f in folder.iterdir() if f.name.endswith(".npz"))


class Session(RunsMixin):      # RunsMixin: compare runs, rewind, own data (session_runs.py)
    COMMAND_BY_NAME = vocabulary.COMMAND_BY_NAME   # the commands this session answers (schema.py)

    def __init__(self, config=None, clock=time.perf_counter):
        self.lab = Lab(config or Config())
        self.options = {option.name: option.default for option in OPTIONS}
        self.playing = False
        self.clock = clock
        self.build = 0                 # bumps when the run restarts: static arrays resend
        self._sent_build = -1
        self._stages = None            # slow-motion generator in progress
        self.stage = None              # the last stage it yielded
        self._last_stage_at = 0.0
        self._epoch_cost = None        # seconds per epoch, learned while training (None: not yet)
        self.defer_train = False       # the worker sets it: "train" then runs in ticks (see cmd_train)
        self._train_goal = None        # the epoch a deferred train command runs to
        self._steps_left = None        # [level, updates] a deferred D or G step has still to do
        self._train_reply = None       # its reply, once it is done, for train_reply()
        self._rate_start = None        # for speed limits
        self._rate_epoch = 0
        self._eps = RateMeter()        # epochs/s over the last second of playing
        self._divergence = None        # (time, {"kl", "js"}) last sent in a frame
        self._frame_job = None         # (fingerprint, steps) of a frame built in slices
        self._divergence_cost = 0.0    # seconds the last divergence of a frame took
        self.accel = Accelerator()     # how matrix products run (numpy, faster CPU, GPU)
        self.accel.adopt(self.lab)
        self._new_history()

    # --- commands ---------------------------------------------------------
    def command(self, text):
        """Run one JSON command {"cmd": ..., ...}; return a JSON reply
        {"ok": true, ...} or {"ok": false, "error": message}."""
        message = None
        try:
            message = json.loads(text)
            if not isinstance(message, dict) or not isinstance(message.get("cmd"), str):
                raise CommandError("a command is a JSON object with a string 'cmd'")
            spec = self.COMMAND_BY_NAME.get(message["cmd"])
            if spec is None or spec.where != "session":
                raise CommandError(f"unknown command {message['cmd']!r}")
            args = spec.check_args({k: v for k, v in message.items() if k not in ("cmd", "id")})
            if self._deferred and message["cmd"] not in ("state", "schema"):
                self._finish_train(stopped=True)       # pause (or any change) ends a running train
            result = getattr(self, "cmd_" + spec.name)(**args)
            return json_text({"ok": True, **(result or {})})
        except (CommandError, ConfigError, LoadError, DivergedError, RunsError) as e:
            return json_text({"ok": False, "error": str(e)})
        except CommandArgsError as e:
            return json_text({"ok": False, "error": f"bad arguments: {e}"})
        except json.JSONDecodeError:
            return json_text({"ok": False, "error": "a command must be valid JSON"})
        except Exception as e:          # a bug: a clear message, never a traceback, for the page
            return json_text(internal_error(f"running {_command_name(message)}", e))

    def cmd_play(self):
        self._set_playing(True)
        return {"playing": True}

    def cmd_pause(self):
        self._set_playing(False)
        return {"playing": False}

    def cmd_toggle(self):
        self._set_playing(not self.playing)
        return {"playing": self.playing}

    def cmd_step(self, level="epoch"):
        """One step while paused: an epoch, or step_updates D or G updates
        (enough to see what one network's training does); in slow motion,
        one stage."""
        self._set_playing(False)
        updates = 1 if level == "epoch" else self.options["step_updates"]
        if self.options["slow_motion"]:
            self._next_stage()
        elif level == "epoch" and self.defer_train and (self._epoch_cost is None or self._epoch_cost > SLICED_ABOVE):
            self._train_goal = self.lab.epoch + 1    # a long epoch runs in ticks, like train
            return {"pending": True}
        elif updates > 1 and self.defer_train:
            self._steps_left = [level, updates]     # in ticks, so pause acts between updates
            return {"pending": True}
        else:
            self._step_once(level, updates)
        return {"metrics": _finite(self.lab.metrics()), "playing": False}

    def cmd_train(self, epochs):
        """Train a given number of epochs at once (for scripts: "train 1000, then look").

        With defer_train (the worker) the epochs run in ticks, so the worker
        stays responsive; the reply ({"ok", "metrics"}, with "stopped": true
        when a pause or another command ended it early) comes from
        train_reply() once it is done. Without it (CPython) it runs here.
        The schema checks epochs (1..MAX_TRAIN_COMMAND)."""
        self._set_playing(False)
        if self.defer_train:
            self._train_goal = self.lab.epoch + epochs
            return {"pending": True}
        self.accel.prepare(self.lab, self.options["backend"])
        self._train_epochs(epochs)
        return {"metrics": _finite(self.lab.metrics()), "playing": False}

    def cmd_set(self, params):
        """Change Config fields and session options together, all or nothing."""
        changes, options = vocabulary.split_settings(params)
        if options.get("slow_motion") and self.comparison is not None:
            raise RunsError("slow motion shows one run: stop comparing first")
        result = self._update_runs(changes) if changes else {"rebuilt": False, "changed": []}
        if result["rebuilt"]:
            self._restarted()
        elif result["changed"]:
            self._epoch_cost = None            # batch size or k may change what an epoch costs
        if "slow_motion" in options:
            self._stages, self.stage = None, None
        self.options.update(options)
        self._rate_start = None
        return {**result, "config": self._config_dict(), "options": self.options}

    def cmd_reset(self, new_seed=False):
        """Epoch 0, same settings; with new_seed, new initial weights too."""
        if new_seed:
            self._update_runs({"seed": (self.lab.config.seed * 1103515245 + 12345) % (2**31 - 1)})
        elif self.comparison is not None:
            self.comparison.reset()
        else:
            self.lab.reset()
        self._restarted()
        return {"config": self._config_dict()}

    def cmd_recommended(self):
        result = self._update_runs(dict(RECOMMENDED[self.lab.config.distribution]))
        if result["rebuilt"]:
            self._restarted()
        return {**result, "config": self._config_dict()}

    def cmd_pretrained(self, distribution=None):
        self.lab = Lab.pretrained(distribution or self.lab.config.distribution)
        self.comparison = None
        self._restarted()
        return {"config": self._config_dict(), "metrics": self.lab.metrics()}

    def cmd_state(self):
        """While playing, KL and the other divergence figures are the ones the
        last frame showed (see _frame_metrics_steps): computing them afresh
        on a big generator takes a few hundred ms, and a command must answer
        at once. Paused, they are current (and cached)."""
        if self.playing and self._divergence is not None:
            metrics = {**self.lab.metrics(divergence=False), **self._divergence[1]}
        elif self.playing:
            metrics = self._metrics_at_once()     # just after a (re)build: the first frame measures them
        else:
            metrics = self.lab.metrics()
        return {"config": self._config_dict(), "options": self.options, "playing": self.playing,
                "metrics": _finite(metrics), "epochs_per_second": self.epochs_per_second(),
                "compute": self.accel.describe(full=True, mode=self.options["backend"]),
                "notice": self.notice(), "compare": self._compare_header()}

    def _metrics_at_once(self):
        """The metrics, with KL, JS and SW null where a big generator's
        divergence would hold a command (STATE_DIVERGENCE_MACS) and is not
        measured for this state yet."""
        if divergence_macs(self.lab.config) <= STATE_DIVERGENCE_MACS or self.lab.divergence_known():
            return self.lab.metrics()
        return {**self.lab.metrics(divergence=False), "kl": None, "js": None, "sw": None}

    def notice(self):
        """A note for the page when an epoch takes more than about a second
        (the largest settings take several in the browser), or None."""
        seconds = max(self._epoch_cost or 0.0, self.lab.epoch_seconds_so_far)
        if seconds < SLOW_EPOCH:
            return None
        so_far = "" if self._epoch_cost and self._epoch_cost >= SLOW_EPOCH else "more than "
        return (f"One epoch takes {so_far}about {seconds:.0f} s at these settings, so the views change slowly. "
                "Fewer layers or neurons, a smaller batch or fewer updates per epoch train faster.")

    def cmd_schema(self):
        return schema()

    def save_bytes(self):
        # an update a D or G step has cut short is undone first (the step does it
        # again, the same way), so the file holds whole updates only
        if self._steps_left is not None:
            self.lab.abandon_update()
        return self._save_runs()

    def load_bytes(self, blob):
        """Replace the run by a saved one (bytes, or a JS Uint8Array proxy);
        returns a JSON reply like command(). On any error nothing changes."""
        if self._deferred:
            self._finish_train(stopped=True)
        try:
            if hasattr(blob, "to_bytes"):
                blob = blob.to_bytes()
            # _load_runs checks everything before it replaces the run, and the
            # reply is worked out from what was loaded: it cannot fail after the fact.
            self._load_runs(blob)
            reply = json_text({"ok": True, "config": self._config_dict(), "metrics": self.lab.metrics(),
                               "compare": self._compare_header()})
        except LoadError as e:
            return json_text({"ok": False, "error": str(e)})
        except Exception as e:
            return json_text(internal_error("loading the file", e))
        self._set_playing(False)
        self._restarted()
        return reply

    # --- the GPU (the worker attaches web/gpu/bridge.js's bridge; see accel.py) ----------
    def attach_gpu(self, bridge, info="{}"):
        """Offer the worker's WebGPU bridge; it is timed against the CPU at the next tick."""
        from .webgpu import GpuMatmul
        self.accel.attach_gpu(GpuMatmul(bridge), json.loads(info))

    def gpu_unavailable(self, reason):
        """The worker found no usable WebGPU (the reason goes into the note)."""
        self.accel.gpu_unavailable(reason)

    def cmd_benchmark_products(self, shapes):
        """ms per product on each path for [[m, k, n, "NN"|"TN"|"NT"], ...]
        (benchmarks/bench_gpu.py; the GPU is timed when this call can wait for it)."""
        from .accel import benchmark_products
        if not all(
                isinstance(s, list) and len(s) == 4 and all(isinstance(v, int) and 1 <= v <= 4096 for v in s[:3])
                and s[3] in ("NN", "TN", "NT") for s in shapes):
            raise CommandError('benchmark_products needs shapes: [[m, k, n, "NN" | "TN" | "NT"], ...], sizes 1..4096')
        return {"products": benchmark_products([tuple(s) for s in shapes], self.accel.gpu)}

    def wants_promising(self):
        """Whether the worker should call in through callPromising (GPU products wait there)."""
        return self.accel.wants_promising(self.options["backend"])

    # --- training ---------------------------------------------------------
    def _set_playing(self, playing):
        self.playing = playing
        self._rate_start = None
        self._eps.clear()

    @property
    def _deferred(self):
        """A train command or a D or G step is running in ticks."""
        return self._train_goal is not None or self._steps_left is not None

    def _finish_train(self, stopped=False, error=None):
        """End a deferred train command or step; its reply waits in train_reply()."""
        if self._steps_left is not None:
            self.lab.abandon_update()        # an update cut short is undone: whole updates only
        self._train_goal = self._steps_left = None
        if error is not None:
            self._train_reply = json_text({"ok": False, "error": error})
        else:
            # stopped by a command, which waits for this: a big G's divergence is left out (null)
            metrics = self._metrics_at_once() if stopped else self.lab.metrics()
            self._train_reply = json_text({"ok": True, "metrics": _finite(metrics), "stopped": stopped,
                                           "playing": self.playing})

    def train_reply(self):
        """The finished deferred train command's JSON reply, once; "" before."""
        reply, self._train_reply = self._train_reply, None
        return reply or ""

    def _restarted(self):
        self._epoch_cost = None
        self.build += 1
        self._stages, self.stage = None, None
        self._rate_start = None
        self._eps.clear()
        self._runs_restarted()

    def tick(self, budget_ms=15.0):
        """Train for about budget_ms if playing (respecting the speed, or
        advancing slow motion when it is due). Returns a JSON status:
        {"playing", "epochs" (done in this tick), "error" (if training stopped)}."""
        if self._deferred:
            return self._tick_train(budget_ms)
        if not self.playing:
            if self.accel.wants_promising(self.options["backend"]):
                return '{"playing": false, "epochs": 0, "promising": true}'
            return '{"playing": false, "epochs": 0}'
        try:
            self.accel.prepare(self.lab, self.options["backend"])
            if self.options["slow_motion"]:
                now = self.clock()
                if now - self._last_stage_at >= self.options["stage_ms"] / 1000:
                    self._next_stage()
                return json.dumps({"playing": True, "epochs": 0})
            done = self._train_for(budget_ms / 1000)
            if self.accel.wants_promising():
                return json.dumps({"playing": True, "epochs": done, "promising": True})
            return json.dumps({"playing": True, "epochs": done})
        except DivergedError as e:
            self._set_playing(False)
            return json.dumps({"playing": False, "epochs": 0, "error": str(e)})
        except Exception as e:          # a bug: stop, say so plainly, keep the traceback for the console
            self._set_playing(False)
            reply = internal_error("training", e)
            return json_text({"playing": False, "epochs": 0, "error": reply["error"], "details": reply["details"]})

    def _tick_train(self, budget_ms):
        """A tick of a deferred train command: as fast as possible, to its goal."""
        try:
            self.accel.prepare(self.lab, self.options["backend"])
            if self._steps_left is not None:
                done = self._updates_for(budget_ms / 1000)
            else:
                done = self._train_for(budget_ms / 1000, limit=self._train_goal - self.lab.epoch)
                if self.lab.epoch >= self._train_goal:
                    self._finish_train()
        except DivergedError as e:
            self._finish_train(error=str(e))
            done = 0
        except Exception as e:
            self._finish_train(error=internal_error("training", e)["error"])
            raise
        status = {"playing": False, "epochs": done, "busy": self._deferred}
        if self.accel.wants_promising():
            status["promising"] = True
        return json_text(status)

    def _train_for(self, budget, limit=None):
        """Train for about `budget` seconds: whole epochs at a time while an
        epoch is cheap, else in pieces of one matrix product, so a slice
        overruns its budget by one product at most. `limit`: at most this
        many epochs, regardless of the speed setting."""
        lab, clock = self.lab, self.clock
        start = clock()
        allowed = self._allowed_epochs(start) if limit is None else limit
        # Cut into products only for one run (a comparison trains its runs in whole epochs).
        sliced = self.comparison is None and hasattr(lab, "train_until") and (
            self._epoch_cost is None or self._epoch_cost > SLICED_ABOVE or lab.epoch_in_progress)
        if sliced:
            self._leave_preview()
            if self.history is not None:
                # stop at the next due snapshot (rewind), so snapshots land every `every` epochs;
                # an epoch in progress counts as one (train_until finishes it first)
                allowed = min(allowed, max(1, self.history.due() - lab.epoch))
            try:
                done = lab.train_until(start + budget, clock, None if allowed == math.inf else allowed)
            except DivergedError:
                self._rate_epoch = lab.epoch
                raise
            if done:
                self._epoch_cost = max(1e-6, lab.last_epoch_seconds)
                if self.history is not None and not lab.epoch_in_progress:
                    self.history.record()
            self._eps.record(clock(), lab.epoch)
            return done
        done = 0
        while done < allowed:
            left = budget - (clock() - start)
            if left <= 0:
                break
            cost = self._epoch_cost or 1e-3
            n = int(min(allowed - done, MAX_SLICE_EPOCHS, max(1, left / cost)))
            t0 = clock()
            try:
                self._train_epochs(n)
            except DivergedError:
                self._rate_epoch = lab.epoch
                raise
            done += n
            self._epoch_cost = 0.7 * cost + 0.3 * max(1e-6, (clock() - t0) / n)
        self._eps.record(clock(), lab.epoch)
        return done

    def _updates_for(self, budget):
        """A deferred step's updates for about `budget` seconds: one run's in
        pieces of a matrix product (so a slice overruns by one product at
        most, even where one update takes longer than a slice), a comparison's
        an update at a time. The step ends when they are all done. Returns 0:
        no epoch is finished."""
        start = self.clock()
        level = self._steps_left[0]
        while self._steps_left[1] > 0:
            if self.comparison is not None:
                self._step_once(level, 1)
                finished = True
            else:
                self._leave_preview()
                finished = self.lab.update_until(level, start + budget, self.clock)
            self._steps_left[1] -= finished
            if self.clock() - start >= budget:
                break
        if self._steps_left[1] == 0:
            self._finish_train()
        return 0

    def _allowed_epochs(self, now):
        rate = SPEEDS[self.options["speed"]]
        if rate is None:
            return math.inf
        if self._rate_start is None:
            self._rate_start, self._rate_epoch = now, self.lab.epoch
        return max(0, int(rate * (now - self._rate_start)) + 1 - (self.lab.epoch - self._rate_epoch))

    def epochs_per_second(self):
        """Epochs per second over the last second or so of playing."""
        return self._eps.rate(self.clock()) if self.playing else 0.0

    def _next_stage(self):
        if self._stages is None:
            self._stages = self.lab.slow_motion()
        try:
            self.stage = next(self._stages)
        except StopIteration:
            self._stages = self.lab.slow_motion()
            self.stage = next(self._stages)
        self._last_stage_at = self.clock()

    # --- frames -------------------------------------------------------------
    @staticmethod
    def thumbnails(count=300, seed=0):
        """Samples of every preset for the picker's thumbnails, packed like a
        frame: (header JSON with "arrays" layout, float32 buffer)."""
        rng = np.random.default_rng(seed)
        arrays = {name: sample(rng, count) for name, sample in PRESETS.items()}
        return _pack({}, arrays)

    def _config_dict(self):
        return _config_summary(self.lab.config)

    def _frame_metrics_steps(self):
        """Metrics for a frame; while playing, KL and JS are refreshed at most
        every DIVERGENCE_EVERY seconds, or every five times what they cost
        (5,000 samples through G: on a big generator, more than the rest of a
        frame)."""
        now = self.clock()
        due = (not self.playing or self._divergence is None
               or now - self._divergence[0] >= max(DIVERGENCE_EVERY, 5 * self._divergence_cost))
        if due:
            self._divergence = (now, (yield from self.lab.divergence_steps()))
            self._divergence_cost = self.clock() - now
        return {**self.lab.metrics(divergence=False), **self._divergence[1]}

    def frame(self):
        """(header JSON, one float32 buffer holding every array back to back).

        The header lists each array as [name, offset, shape] (offsets in
        floats). Static arrays (real-density contours, drawn points) are
        included only in the first frame after the run restarted."""
        with np.errstate(all="ignore"):
            return run_steps(self._frame_steps())

    def frame_slice(self, budget_ms):
        """frame() in slices: None while it is not done after about budget_ms,
        then what frame() returns. The worker calls it again until done and
        answers the page's messages in between, so pause never waits for a
        whole frame of a big model (a few hundred ms). Training does not run
        in between; a command that changed the run (or the views' options)
        starts the frame again."""
        fingerprint = self._frame_fingerprint()
        if self._frame_job is None or self._frame_job[0] != fingerprint:
            self._frame_job = (fingerprint, self._frame_steps())
        steps = self._frame_job[1]
        deadline = self.clock() + budget_ms / 1000
        try:
            with np.errstate(all="ignore"):
                while True:
                    next(steps)
                    if self.clock() >= deadline:
                        return None
        except StopIteration as done:
            self._frame_job = None
            return done.value
        except BaseException:
            self._frame_job = None
            raise

    def _frame_fingerprint(self):
        """What a frame's arrays depend on: while it is unchanged, a frame begun
        before a command can be finished after it."""
        c = self.comparison
        runs = None if c is None else (c, tuple(lab._key() for lab in c.labs))
        return (self.lab, self.lab._key(), self.build, runs, json_text(self.options))

    def _frame_steps(self):
        """frame() as steps (see Lab.frame_steps): the costly arrays first,
        then the header, in one step, so that it says how things are when
        the frame is done (a pause that came in between included)."""
        lab = self.lab
        arrays = yield from lab.frame_steps(self.options["heatmap_size"], self.options["manifold_cells"])
        metrics = yield from self._frame_metrics_steps()
        runs = yield from self._runs_frame_steps()
        static = self._sent_build != self.build
        if not static:
            del arrays["contour"], arrays["contour_level"]
        else:
            arrays["points"] = np.asarray(lab.config.points, np.float32).reshape(-1, 2)
            self._sent_build = self.build
        header = {"metrics": _finite(metrics), "playing": self.playing, "build": self.build,
                  "static": static, "epochs_per_second": self.epochs_per_second(),
                  "config": self._config_dict(), "options": self.options,
                  "compute": self.accel.describe(mode=self.options["backend"]), "notice": self.notice()}
        if self.stage is not None:
            s = self.stage
            header["stage"] = {"net": s.net, "index": s.index, "name": s.name, "description": s.description,
                               "update": s.update, "updates": s.updates,
                               **{k: v for k, v in s.data.items() if isinstance(v, float)}}
            for k, v in s.data.items():
                if not isinstance(v, float):
                    arrays["stage_" + k] = v
        self._runs_frame(header, arrays, runs)
        return _pack(header, arrays)


def _config_summary(config):
    c = config.to_dict()
    c["points"] = len(c["points"])          # the count; the points travel in frames
    return c


def _pack(header, arrays):
    """(header JSON listing each array as [name, offset, shape], one float32
    buffer holding the arrays back to back)."""
    layout, offset = [], 0
    for name, value in arrays.items():
        layout.append([name, offset, list(value.shape)])
        offset += value.size
    header["arrays"] = layout
    header["dtype"] = vocabulary.FRAME_DTYPE
    buffer = np.concatenate([np.ravel(drawable(name, v)).astype(np.float32, copy=False)
                             for name, v in arrays.items()])
    return json_text(header), buffer
