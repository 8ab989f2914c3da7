"""What the worker drives on images.html: one ImageLab, the play state, frames.

The same protocol as `session.Session` (the worker picks this class when the
page names its worker 'images'): JSON commands in, JSON replies out,
`tick(budget_ms)` trains between messages, `frame()` packs every array into
one float32 buffer. Only what differs is here: the image settings and views,
the noise sliders, the history scrubber, training a set number of epochs
with a progress bar, and the pretrained model to compare with.
"""

import json
import math
import time

import numpy as np

from . import schema as vocabulary
from .accel import Accelerator
from .config import ConfigError
from .gan import STAGES
from .image_lab import FIELDS, GRID_COLS, GRID_ROWS, MODELS, ImageLab, ImageSettings, ImageSettingsError
from .lab import DivergedError, LoadError
from .schema import IMAGE_COMMAND_BY_NAME, IMAGE_OPTION_BY_NAME, IMAGE_OPTIONS
from .rate import RateMeter
from .session import CommandError, Session, _finite, _pack

FIELD_BY_NAME = {f.name: f for f in FIELDS}
OPTIONS = {o.name: o for o in IMAGE_OPTIONS}
VIEW_EVERY = 0.25     # seconds between history/log refreshes in frames while playing


def _check_option(name, value):
    """An option's value checked by its schema entry; the message uses the page's label."""
    option = IMAGE_OPTION_BY_NAME[name]
    try:
        return option.check(value)
    except ConfigError as e:
        raise CommandError(str(e).replace(name, option.label, 1)) from None


def schema():
    """The image vocabulary (schema.py's export_images, with ImageSettings'
    fields as "config") and what the page builds its views from."""
    stages = {net: [{"index": i + 1, "name": name, "description": text} for i, (name, text) in enumerate(steps)]
              for net, steps in STAGES.items()}
    return {**vocabulary.export_images(ImageSettings.schema()), "stages": stages, "models": list(MODELS),
            "pretrained": list(MODELS), "grid": {"rows": GRID_ROWS, "columns": GRID_COLS}}


class ImageSession(Session):
    """Session for the image lab (see session.Session for the protocol)."""

    COMMAND_BY_NAME = IMAGE_COMMAND_BY_NAME

    def __init__(self, settings=None, clock=time.perf_counter):
        self.lab = ImageLab(settings or ImageSettings())
        self.options = {o.name: o.default for o in IMAGE_OPTIONS}
        self.playing = False
        self.clock = clock
        self.build = 0
        self._sent_build = -1
        self._stages = None
        self.stage = None
        self._last_stage_at = 0.0
        self._epoch_cost = 1e-3
        self._rate_start = None
        self._rate_epoch = 0
        self._eps = RateMeter()
        self.defer_train = False        # the worker sets it; image epochs are short, so train runs at once
        self._train_goal = self._steps_left = None    # (nothing runs deferred here)
        self._train_reply = None
        self.comparison = None          # comparing runs and rewinding are the 2-D lab's (session_runs.py)
        self.history = None
        self.target = None              # {"start", "end"}: epochs a "train N epochs" play runs
        self.scrub = None               # index into the history shown instead of the live grid
        self._history = None            # (time, header part) last sent
        self._log = None
        self._nearest = None            # (time, epoch): when the nearest real images were last sent
        self._metrics = None            # (time, metrics()) last sent
        self._compare = None            # (model, arrays) of the pretrained model shown beside
        self.accel = Accelerator()
        self._accelerated = hasattr(self.lab, "gan") and hasattr(self.lab, "config")
        if self._accelerated:
            self.accel.adopt(self.lab)
        self._apply_view()

    # --- commands (Session.command dispatches them by COMMAND_BY_NAME) ---
    def cmd_play(self, epochs=None):
        """Play; with epochs_to_train set (or `epochs` given) stop after that many."""
        count = self.options["epochs_to_train"] if epochs is None else epochs
        epoch = self.lab.epoch
        if count and not (self.target and self.target["start"] <= epoch < self.target["end"]):
            self.target = {"start": epoch, "end": epoch + count}
        elif not count:
            self.target = None
        self._set_playing(True)
        return {"playing": True}

    def cmd_step(self, level="epoch"):
        """One step while paused; in slow motion, one stage."""
        self._set_playing(False)
        if self.options["slow_motion"]:
            self._next_stage()
        else:
            self.lab.step(level)
        return {"metrics": _finite_metrics(self.lab.metrics()), "playing": False}

    def cmd_train(self, epochs):
        """Train a given number of epochs at once (for scripts and tests)."""
        self._set_playing(False)
        if self._accelerated:
            self.accel.prepare(self.lab, self.options["backend"])
        return {"metrics": _finite_metrics(self.lab.train(epochs)), "playing": False}

    def cmd_toggle(self):
        if self.playing:
            self._set_playing(False)
        else:
            self.cmd_play()
        return {"playing": self.playing}

    def cmd_set(self, params):
        """Change settings and options together, all or nothing."""
        unknown = sorted(set(params) - set(FIELD_BY_NAME) - set(OPTIONS))
        if unknown:
            raise CommandError(f"unknown setting(s): {', '.join(unknown)}")
        options = {k: _check_option(k, v) for k, v in params.items() if k in OPTIONS}
        changes = {k: v for k, v in params.items() if k in FIELD_BY_NAME}
        view = {**self.options, **options}
        dims = changes.get("noise_dim", self.lab.settings.noise_dim)
        if isinstance(dims, int) and not isinstance(dims, bool) and dims >= 2 \
                and max(view["latent_x"], view["latent_y"]) >= dims:
            raise CommandError(f"the latent map's dimensions must be below the noise dimensions ({dims})")
        if view["latent_x"] == view["latent_y"] and dims >= 2:
            raise CommandError("the latent map needs two different noise dimensions")
        self.lab.settings.replace(**changes)           # validate before changing anything
        if options.get("compare") and not changes.get("model"):
            self._compare_arrays()                      # LoadError (no pretrained model) changes nothing
        result = self.lab.update(**changes) if changes else {"rebuilt": False, "changed": []}
        if result["rebuilt"]:
            self._restarted()
        if "slow_motion" in options:
            self._stages, self.stage = None, None
        if "epochs_to_train" in options:
            self.target = None
        self.options.update(options)
        self._rate_start = None
        self._apply_view()
        if options.get("compare") is False:
            self._compare = None
        return {**result, "config": self._config_dict(), "options": self.options}

    def cmd_noise(self, z=None, label=None, randomise=False, reset=False):
        """The sliders' noise vector (a list of noise_dim numbers) and the
        digit asked for (conditional); randomise draws a new vector from the
        noise distribution, reset zeroes it. Returns the vector in use."""
        dims = self.lab.settings.noise_dim
        if randomise:
            rng = np.random.default_rng()
            z = (rng.standard_normal(dims).clip(-2.5, 2.5) if self.lab.settings.noise_type == "gaussian"
                 else rng.uniform(-1, 1, dims)).tolist()
        elif reset:
            z = [0.0] * dims
        if z is not None and (not isinstance(z, list) or len(z) != dims or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in z)):
            raise CommandError(f"the noise needs {dims} numbers, one per noise dimension")
        if label is not None:
            if self.lab.settings.model != "conditional":
                raise CommandError("a digit can only be chosen for the conditional model")
        self.lab.set_view(slider_z=z, label=label)
        return {"noise": self._noise_state()}

    def cmd_scrub(self, index=None):
        """Show the kept grid number `index` (0 = oldest) instead of the live
        one; None goes back to live."""
        if index is None:
            self.scrub = None
            return {"scrub": None}
        count = len(self.lab.history()["epoch"])
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count:
            raise CommandError(f"the history holds {count} grids: pick one from 0 to {count - 1}")
        self.scrub = index
        return {"scrub": index}

    def cmd_nearest(self, index):
        """The nearest real image to fake number `index` of the grid."""
        arrays = self.lab.frame()
        found = self.lab.nearest(arrays["grid"][index])
        return {"index": int(found["index"]), "label": int(found["label"]), "distance": float(found["distance"]),
                "score": float(arrays["grid_score"][index])}

    def cmd_reset(self, new_seed=False):
        if new_seed:
            self.lab.update(seed=(self.lab.settings.seed * 1103515245 + 12345) % (2**31 - 1))
        else:
            self.lab.reset()
        self._restarted()
        return {"config": self._config_dict()}

    def cmd_pretrained(self, model=None):
        name = model or self.lab.settings.model
        self.lab = ImageLab.pretrained(name)
        self._restarted()
        return {"config": self._config_dict(), "metrics": _finite_metrics(self.lab.metrics())}

    def cmd_state(self):
        return {"config": self._config_dict(), "options": self.options, "playing": self.playing,
                "metrics": _finite_metrics(self.lab.metrics()), "epochs_per_second": self.epochs_per_second(),
                "target": self.target, "noise": self._noise_state(), "compute": self._compute(full=True)}

    def cmd_schema(self):
        return schema()

    def load_bytes(self, blob):
        if hasattr(blob, "to_bytes"):
            blob = blob.to_bytes()
        try:
            lab = ImageLab.load(blob)
        except (LoadError, ImageSettingsError, ValueError) as e:
            return json.dumps({"ok": False, "error": str(e)})
        self.lab = lab
        self._set_playing(False)
        self._restarted()
        return json.dumps({"ok": True, "config": self._config_dict(), "metrics": _finite_metrics(lab.metrics())})

    @staticmethod
    def thumbnails(count=0, seed=0):
        """The image page has no distribution picker: nothing to draw."""
        return _pack({}, {"none": np.zeros(1, np.float32)})

    # --- training ---------------------------------------------------------
    def _restarted(self):
        super()._restarted()
        self.target = None
        self.scrub = None
        self._history = self._log = self._nearest = self._metrics = None
        self._compare = None
        if self._accelerated:
            self.accel.adopt(self.lab)
        self._apply_view()

    def tick(self, budget_ms=15.0):
        if not self._accelerated:
            return self._tick_plain(budget_ms)
        status = json.loads(super().tick(budget_ms))
        return json.dumps(self._after_training(status))

    def _tick_plain(self, budget_ms):
        """tick() for a lab the accelerator cannot drive (numpy products)."""
        if not self.playing:
            return '{"playing": false, "epochs": 0}'
        try:
            if self.options["slow_motion"]:
                if self.clock() - self._last_stage_at >= self.options["stage_ms"] / 1000:
                    self._next_stage()
                return json.dumps({"playing": True, "epochs": 0})
            done = self._train_for(budget_ms / 1000)
            return json.dumps(self._after_training({"playing": True, "epochs": done}))
        except DivergedError as e:
            self._set_playing(False)
            return json.dumps({"playing": False, "epochs": 0, "error": str(e)})

    # The 2-D lab's run bookkeeping (session_runs.py) does not apply here.
    def _train_epochs(self, n):
        self.lab.train(n, report=False)

    def _step_once(self, level):
        self.lab.step(level)

    def _runs_restarted(self):
        pass

    def _after_training(self, status):
        if self.target and self.lab.epoch >= self.target["end"] and self.playing:
            self._set_playing(False)
            status["playing"] = False
            status["done"] = True
        return status

    def _allowed_epochs(self, now):
        allowed = super()._allowed_epochs(now)
        if self.target:
            allowed = min(allowed, max(0, self.target["end"] - self.lab.epoch))
        return allowed

    def _compute(self, full=False):
        if self._accelerated:
            return self.accel.describe(full=full, mode=self.options["backend"])
        return {"requested": self.options["backend"], "using": "numpy", "label": "numpy (CPU)"}

    # --- views ------------------------------------------------------------
    def _apply_view(self):
        """The latent map's options onto the lab's view (dims clipped to the noise)."""
        dims = self.lab.settings.noise_dim
        if dims == 1:
            latent = (0,)
        else:
            x, y = min(self.options["latent_x"], dims - 1), min(self.options["latent_y"], dims - 1)
            latent = (x, y) if x != y else (0, 1)
        self.lab.set_view(latent_dims=latent, latent_cells=self.options["latent_cells"])

    def _noise_state(self):
        view = self.lab.view()
        return {"z": view["slider_z"], "label": view["label"]}

    def _config_dict(self):
        return self.lab.settings.to_dict()

    def _compare_arrays(self):
        model = self.lab.settings.model
        if self._compare is None or self._compare[0] != model:
            other = ImageLab.pretrained(model)
            arrays = other.frame()
            self._compare = (model, {"compare_grid": arrays["grid"], "compare_score": arrays["grid_score"]},
                             int(other.epoch))
        return self._compare

    def frame_slice(self, budget_ms):
        """The whole frame at once: the image models are small (see Session.frame_slice)."""
        return self.frame()

    def frame(self):
        """(header JSON, one float32 buffer): the live grid and its scores,
        reads and nearest real images, the latent map, the slider image, the
        class shares; static arrays (the dataset) after a restart; the kept
        grid being scrubbed to; the pretrained grid when comparing; the
        current slow-motion stage."""
        lab = self.lab
        now = self.clock()
        # The nearest real images cost a 100 x 1,797 x 64 product: while
        # playing they are refreshed every VIEW_EVERY seconds (the page keeps
        # the last ones), when paused they come with every frame.
        due = not self.playing or self._nearest is None or now - self._nearest[0] >= VIEW_EVERY
        arrays = dict(lab.frame(nearest=due))
        if due:
            self._nearest = (now, lab.epoch)
        static = self._sent_build != self.build
        real_digits = None
        if static:
            data = lab.dataset()
            real_digits = data.pop("real_digits", None)
            arrays.update({"dataset_" + k: v for k, v in data.items()})
            self._sent_build = self.build
        if not self.playing or self._history is None or now - self._history[0] >= VIEW_EVERY:
            history = lab.history()
            log = lab.log()
            self._history = (now, {"epochs": [int(e) for e in history["epoch"]], "every": int(history["every"])})
            self._log = log
        history_header = self._history[1]
        for name, values in self._log.items():
            arrays["log_" + name] = values
        if self.scrub is not None:
            history = lab.history()
            index = min(self.scrub, len(history["epoch"]) - 1)
            if index >= 0:
                arrays["history_grid"] = history["grid"][index].astype(np.float32) / 255
                arrays["history_score"] = history["score"][index].astype(np.float32) / 255
                history_header = {**history_header, "shown": index, "shown_epoch": int(history["epoch"][index])}
        compare = None
        if self.options["compare"]:
            model, extra, epoch = self._compare_arrays()
            arrays.update(extra)
            compare = {"model": model, "epoch": epoch}
        # metrics() reads 500 fakes (8-30 ms in the worker): while playing it is
        # refreshed every VIEW_EVERY seconds, the counters every frame.
        fresh = not self.playing or self._metrics is None or now - self._metrics[0] >= VIEW_EVERY
        if fresh:
            self._metrics = (now, _finite_metrics(lab.metrics()))
        gan = lab.gan
        metrics = {**self._metrics[1], "epoch": lab.epoch, "d_updates": gan.d_updates, "g_updates": gan.g_updates}
        header = {"metrics": metrics, "metrics_fresh": fresh, "playing": self.playing, "build": self.build,
                  "static": static, "epochs_per_second": self.epochs_per_second(),
                  "config": self._config_dict(), "options": self.options, "target": self.target,
                  "history": history_header, "noise": self._noise_state(), "compare": compare,
                  "nearest_epoch": self._nearest[1], "real_digits": real_digits,
                  "compute": self._compute()}
        if self.stage is not None:
            s = self.stage
            header["stage"] = {"net": s.net, "index": s.index, "name": s.name, "description": s.description,
                               **{k: v for k, v in s.data.items() if isinstance(v, float)}}
            for k, v in s.data.items():
                if not isinstance(v, float):
                    arrays["stage_" + k] = v
        return _pack(header, arrays)


def _finite_metrics(metrics):
    """metrics() with NaN/inf as null, the digits figures too."""
    digits = metrics.get("digits") or {}
    out = _finite({k: v for k, v in metrics.items() if k != "digits"})
    out["digits"] = {k: (None if v is None or (isinstance(v, float) and not math.isfinite(v)) else v)
                     for k, v in digits.items()}
    out["digits"].setdefault("label_agreement", None)   # a vanilla G is asked for no digit
    return out
