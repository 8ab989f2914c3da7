"""ImageLab: the image lab's public face (web/images.html drives it through the
worker, tests and notebooks drive it directly). Same shape as `Lab`: one
training run of a GAN on the shipped 8x8 digits, with step/train/update/
save/load/pretrained/frame, plus what only images need: quality figures read
by a small digit classifier, the nearest real image of a fake, the latent
map, noise-slider generation, the fixed-noise grid and its bounded history.

    >>> lab = ImageLab(ImageSettings(model="conditional", seed=0))
    >>> lab.train(100)["epoch"]
    100

Settings live in `ImageSettings`, validated like `Config` (one `ImageField`
per setting: kind, default, range, label, structural), so it can join the
project's single schema later.

Images everywhere are 64 float32 pixels in [0, 1] (0 = background, 1 = ink),
row-major 8x8: pixel (row r, column c) is index 8*r + c.
"""


import io
import json
import math
from importlib import resources

import numpy as np

from . import experiment_file
from .backend import NUMPY
from .classifier import load_classifier
from .data import NOISE_HIGH, NOISE_LOW, noise_sampler
from .digits import CLASSES, PIXELS, load_digits
from .image_gan import ImageGAN
from .image_settings import FIELDS, MODELS, STRUCTURAL, ImageSettings, ImageSettingsError  # noqa: F401
from .lab import DivergedError, LoadError
from .losses import Loss
from .version import __version__

MAX_FILE_ENTRIES = 32   # a full save holds ~19 entries (weights, moments, history, log)

GRID_ROWS = GRID_COLS = 10       # the fixed-noise grid: 100 fakes; conditional: row r asks for class r
GRID = GRID_ROWS * GRID_COLS
EVAL = 500                       # fixed-noise fakes (and real images) the figures are measured on
CONFIDENT = 0.8                  # a read counts when the classifier gives its class p >= 0.8
COVER_MIN = 0.01                 # a class "appears" when >= 1% of the fakes are confident reads of it
HISTORY_MAX = 128                # grid snapshots kept: 128 x 6,500 bytes = 832,000 bytes at most
LOG_MAX = 1024                   # log entries kept
CHUNK = 100                      # epochs between divergence checks
LEVELS = ("epoch", "d", "g")
FORMAT = "ganlab_wasm/image-experiment/1"
PRETRAINED = {"vanilla": "pretrained_digits_vanilla.npz", "conditional": "pretrained_digits_conditional.npz"}
LOG_FIELDS = ("epoch", "d_loss", "g_loss", "confident", "classes_covered", "top_share", "label_agreement")
F32 = np.float32


def digit_figures(classes, probs, asked=None):
    """{"confident", "classes_covered", "top_share"[, "label_agreement"]} for
    the classifier's reads (classes, probabilities) of a batch of fakes;
    `asked`: the classes a conditional G was asked for."""
    n = len(classes)
    sure = probs >= CONFIDENT
    counts = np.bincount(classes[sure], minlength=CLASSES)
    out = {"confident": float(sure.mean()),
           "classes_covered": int(np.sum(counts >= COVER_MIN * n)),
           "top_share": float(counts.max() / counts.sum()) if counts.sum() else 0.0}
    if asked is not None:
        out["label_agreement"] = float(np.mean(sure & (classes == asked)))
    return out


def recognisable(digits):
    """The issue's bar: >= 80% confident reads, >= 8 classes, none above 25%;
    conditional: >= 80% read as the asked class."""
    ok = digits["confident"] >= 0.8 and digits["classes_covered"] >= 8 and digits["top_share"] <= 0.25
    if "label_agreement" in digits:
        ok = ok and digits["label_agreement"] >= 0.8
    return bool(ok)


class _Series:
    """Entries taken every `every` epochs, at most `cap`: when full, every
    second entry goes and the interval doubles (the series spans the run)."""

    def __init__(self, every, cap):
        self.every, self.cap, self.items = every, cap, []

    def due(self, epoch):
        return epoch % self.every == 0 and (not self.items or self.items[-1][0] < epoch)

    def add(self, epoch, item):
        self.items.append((epoch, item))
        if len(self.items) > self.cap:
            self.items = self.items[::2]
            self.every *= 2

    def next_after(self, epoch):
        return (epoch // self.every + 1) * self.every


class ImageLab:
    """One image-GAN training run.

    Construction: ImageLab(settings=None, backend=NUMPY, **overrides).

    Training (raise DivergedError, keeping the last finite state, on NaN/inf):
      step(level="epoch"|"d"|"g") -> metrics()
      train(epochs, report=True)   -> metrics() or None
      slow_motion()                -> yields gan.Stage objects (ten stages, one epoch)

    Reading:
      metrics() -> {"epoch", "d_updates", "g_updates", "d_loss", "g_loss",
                    "digits": {"confident", "classes_covered", "top_share",
                               "label_agreement" (conditional only)}}
          measured on 500 fixed-noise fakes (conditional: 50 per class) and 500
          fixed real images. confident: share of the fakes the classifier reads
          with p >= 0.8; classes_covered: classes holding >= 1% of the fakes as
          confident reads; top_share: the largest class's share of the confident
          reads (0 when there are none); label_agreement: share of the fakes read
          (p >= 0.8) as the class they were asked for. `recognisable(digits)`
          applies the bar (>= 0.8, >= 8, <= 0.25; conditional also agreement >= 0.8).
      frame(nearest=False) -> dict of float32 arrays (C-contiguous):
          grid (100, 64)            fakes of the fixed noise, grid order (row r = entries 10r..10r+9;
                                    conditional: row r asks for class r, column c has the same noise
                                    in every row)
          grid_score (100,)         D's "how real" for each, in [0, 1]
          grid_read (100,)          the classifier's class for each, 0..9
          grid_confidence (100,)    its probability, in [0, 1]
          grid_class (100,)         the asked class (conditional), else -1
          class_share (10,)         share of the grid's fakes read as each class (any p)
          confident_share (10,)     share read as each class with p >= 0.8
          latent (R, C, 64)         the latent map: G over a C x C grid of two noise dims (view
                                    "latent_dims" = (i, j)), the other dims held at the view's slider z;
                                    latent[r, c] has z[i] = latent_axis[c], z[j] = latent_axis[r].
                                    With 1-D noise R = 1 (dim 0 varies along c).
          latent_axis (C,)          the noise values along each axis ([-1, 1])
          latent_score (R, C)       D's "how real" for each latent image
          slider (64,)              G of the view's slider z (and class, conditional)
          slider_score (1,)         D's "how real" for it
          slider_read (2,)          [class, probability] read by the classifier
          noise (100, noise_dim)    the grid's fixed noise (a slider can start from a fake)
        with nearest=True also (costs 100 x 1,797 distances):
          grid_nearest (100, 64)    each fake's nearest real image (Euclidean in pixel space)
          grid_nearest_distance (100,)  RMS pixel distance to it, in [0, 1]
          grid_nearest_index (100,) its index in the dataset
      dataset() -> static: examples (10, 64) one real image per class, sample (25, 64)
          and sample_label (25,) random real images (fixed per seed) (float32), and
          real_digits: the classifier's figures on 500 real images (the yardstick's yardstick)
      generate(z, label=None) -> {"image": (64,) float32, "score": float, "read": int,
          "confidence": float}: one image for noise z (length noise_dim), class `label`
          (0..9, conditional only)
      nearest(image) -> {"image": (64,), "index": int, "label": int, "distance": float}
      history() -> {"epoch": (H,) int64, "grid": (H, 100, 64) uint8 (pixel * 255),
          "score": (H, 100) uint8 (D prob * 255), "every": int}: the grid at epoch 0
          and every `sample_every` epochs; at most HISTORY_MAX = 128 snapshots of
          6,500 bytes (832,000 bytes at most): when full, every second one is
          dropped and the interval doubles, so the history spans the whole run
      log() -> {name: float32 (L,)} for epoch, d_loss, g_loss, confident,
          classes_covered, top_share, label_agreement (NaN for vanilla), one entry
          per `sample_every` epochs, bounded the same way at 1,024 entries (29 KB)

    Changing:
      update(**changes) -> {"rebuilt": bool, "changed": [names]}; bad values raise
          ImageSettingsError (a ConfigError) and change nothing
      set_view(latent_dims=(i, j), latent_cells=C (2..16), slider_z=[...], label=k)
          -> the view dict; views only (slider, latent map, generate's default
          class), never the training state; a bad value changes nothing
      reset()

    Saving: save() -> bytes; ImageLab.load(blob) (LoadError on anything else);
      ImageLab.pretrained("vanilla" | "conditional") (shipped, made by
      scripts/make_pretrained_images.py).
    """

    def __init__(self, settings=None, backend=NUMPY, **overrides):
        settings = settings if settings is not None else ImageSettings()
        if overrides:
            settings = settings.replace(**overrides)
        self.backend = backend
        self.digits = load_digits()
        self.reader = load_classifier()
        images = self.digits.images
        self._real_sq = np.einsum("ij,ij->i", images, images)     # for nearest()
        self._build(settings)

    # --- building -------------------------------------------------------
    def _build(self, settings):
        """A new run: fresh networks from the seed, epoch 0."""
        self.gan = gan = ImageGAN(settings, self.digits, self.backend)
        self._settings = settings
        rng, nd, conditional = gan.view_rng, settings.noise_dim, bool(gan.classes)
        noise = noise_sampler(settings.noise_type, nd)
        if conditional:
            self._grid_noise = np.tile(noise(rng, GRID_COLS), (GRID_ROWS, 1))
            self._grid_class = np.repeat(np.arange(GRID_ROWS), GRID_COLS)
            self._eval_class = np.arange(EVAL) % CLASSES
        else:
            self._grid_noise = noise(rng, GRID)
            self._grid_class = self._eval_class = None
        self._eval_noise = noise(rng, EVAL)
        n = len(self.digits)
        self._eval_real = rng.choice(n, EVAL, replace=False)
        self._frame_real = self._eval_real[:GRID]
        self._examples = np.array([rng.choice(np.flatnonzero(self.digits.labels == c)) for c in range(CLASSES)])
        self._sample = rng.choice(n, 25, replace=False)
        self._view = {"latent_dims": (0, 1) if nd > 1 else (0,), "latent_cells": 8,
                      "slider_z": self._grid_noise[0].copy(), "label": 0}
        self._evaluation = self._grid_eval = None
        self._history = _Series(settings.sample_every, HISTORY_MAX)
        self._log = _Series(settings.sample_every, LOG_MAX)
        self._record()

    @property
    def settings(self):
        return self._settings

    config = settings      # the name Lab uses

    @property
    def epoch(self):
        return self.gan.epoch

    @property
    def conditional(self):
        return bool(self.gan.classes)

    # --- training -------------------------------------------------------
    def step(self, level="epoch"):
        """One epoch ("epoch"), one D update ("d") or one G update ("g");
        returns metrics()."""
        if level not in LEVELS:
            raise ValueError(f"step level must be one of {', '.join(LEVELS)}; got {level!r}")
        action = {"epoch": self.gan.train_epoch, "d": self.gan.d_step, "g": self.gan.g_step}[level]
        self._run(action, 1)
        return self.metrics()

    def train(self, epochs, report=True):
        """Train `epochs` epochs; metrics() after them (None without report)."""
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"epochs must be a whole number >= 0; got {epochs!r}")
        self._run(self.gan.train_epoch, epochs)
        return self.metrics() if report else None

    def _run(self, action, count):
        """Run action count times in chunks that end at the next divergence
        check or sample epoch; on NaN/inf replay the chunk one by one and
        stop at the last finite state (as Lab does)."""
        gan = self.gan
        epochs = action == gan.train_epoch
        with np.errstate(all="ignore"):
            done = 0
            while done < count:
                chunk = min(CHUNK, count - done)
                if epochs:
                    chunk = min(chunk, self._log.next_after(gan.epoch) - gan.epoch)
                start = gan.state()
                for _ in range(chunk):
                    action()
                if not gan.finite():
                    gan.set_state(start)
                    self._stop_before_divergence(action, chunk)
                done += chunk
                self._record()

    def _stop_before_divergence(self, action, count):
        gan = self.gan
        for _ in range(count):
            good = gan.state()
            action()
            if not gan.finite():
                gan.set_state(good)
                self._evaluation = self._grid_eval = None
                s = self._settings
                raise DivergedError(
                    f"training diverged in epoch {gan.epoch + 1}: the weights or scores became NaN or "
                    f"infinite. The lab kept the last finite state (epoch {gan.epoch}); lower a learning rate "
                    f"(now D {s.learning_rate_d:g}, G {s.learning_rate_g:g}) and continue.")

    def _record(self):
        """Add a log entry and a grid snapshot when their epoch has come."""
        epoch = self.gan.epoch
        if self._log.due(epoch) or not self._log.items:
            m = self.metrics()
            d = m["digits"]
            self._log.add(epoch, (m["d_loss"], m["g_loss"], d["confident"], d["classes_covered"],
                                  d["top_share"], d.get("label_agreement", math.nan)))
        if self._history.due(epoch) or not self._history.items:
            g = self._grid()
            self._history.add(epoch, (np.round(g["grid"] * 255).astype(np.uint8),
                                      np.round(g["grid_score"] * 255).astype(np.uint8)))

    def slow_motion(self):
        """One D update and one G update, paused at each of the ten stages;
        yields gan.Stage objects (see image_gan.ImageGAN.slow_motion)."""
        gan = self.gan
        start = gan.state()
        prob = self._evaluate()["prob"]
        with np.errstate(all="ignore"):
            yield from gan.slow_motion(prob)
        if not gan.finite():
            gan.set_state(start)
            self._evaluation = self._grid_eval = None
            raise DivergedError("training diverged during slow motion; the lab kept the last finite state")
        self._record()

    # --- reading the state ------------------------------------------------
    def _key(self):
        gan = self.gan
        return (gan, gan.d_updates, gan.g_updates, self._settings)

    def _evaluate(self):
        """Losses and digit figures on the fixed evaluation batch (cached
        until the networks or settings change)."""
        key = self._key()
        if self._evaluation is not None and self._evaluation["key"] == key:
            return self._evaluation
        gan, loss = self.gan, self.gan.loss
        with np.errstate(all="ignore"):
            fake = gan.generate(self._eval_noise, self._eval_class)
            real = self.digits.images[self._eval_real]
            real_scores = gan.score(real, self.digits.labels[self._eval_real])
            fake_scores = gan.score(fake, self._eval_class)
            calibration = loss.calibrate(real_scores, fake_scores)
            stacked = np.concatenate((real_scores, fake_scores))[:, None].astype(np.float64)
            classes, probs = self.reader.read(fake)
            self._evaluation = {
                "key": key, "prob": lambda s: loss.prob(s, calibration),
                "d_loss": loss.d_value(stacked, EVAL), "g_loss": loss.g_value(stacked[EVAL:]),
                "digits": digit_figures(classes, probs, self._eval_class),
            }
        return self._evaluation

    def metrics(self):
        ev, gan = self._evaluate(), self.gan
        return {"epoch": gan.epoch, "d_updates": gan.d_updates, "g_updates": gan.g_updates,
                "d_loss": ev["d_loss"], "g_loss": ev["g_loss"], "digits": dict(ev["digits"])}

    def _grid(self):
        """The fixed grid's fakes, D's probabilities and the reads, with
        calibration from 100 fixed real images (cached per state)."""
        key = self._key()
        if self._grid_eval is not None and self._grid_eval["key"] == key:
            return self._grid_eval
        gan, loss = self.gan, self.gan.loss
        with np.errstate(all="ignore"):
            fake = gan.generate(self._grid_noise, self._grid_class)
            fake_scores = gan.score(fake, self._grid_class)
            calibration = None
            if type(loss).calibrate is not Loss.calibrate:      # only the critic's scores need a scale
                real_scores = gan.score(self.digits.images[self._frame_real], self.digits.labels[self._frame_real])
                calibration = loss.calibrate(real_scores, fake_scores)
            classes, probs = self.reader.read(fake)
        self._grid_eval = {"key": key, "grid": fake, "grid_score": loss.prob(fake_scores, calibration),
                           "read": classes, "confidence": probs,
                           "prob": lambda s: loss.prob(s, calibration)}
        return self._grid_eval

    def _latent_inputs(self):
        view, nd = self._view, self._settings.noise_dim
        cells = view["latent_cells"]
        axis = np.linspace(NOISE_LOW, NOISE_HIGH, cells, dtype=F32)
        rows = 1 if nd == 1 else cells
        z = np.tile(view["slider_z"], (rows * cells, 1))
        if nd == 1:
            z[:, 0] = axis
        else:
            i, j = view["latent_dims"]
            z[:, i] = np.tile(axis, rows)
            z[:, j] = np.repeat(axis, cells)
        return z, axis, rows, cells

    def frame(self, nearest=False):
        """The arrays the views draw (see the class docstring)."""
        g, gan = self._grid(), self.gan
        prob = g["prob"]
        z, axis, rows, cells = self._latent_inputs()
        z = np.concatenate((z, self._view["slider_z"][None]))
        labels = np.full(len(z), self._view["label"]) if self.conditional else None
        with np.errstate(all="ignore"):
            images = gan.generate(z, labels)
            scores = prob(gan.score(images, labels))
            slider_class, slider_p = self.reader.read(images[-1:])
        read, conf = g["read"], g["confidence"]
        frame = {
            "grid": g["grid"], "grid_score": g["grid_score"], "grid_read": read, "grid_confidence": conf,
            "grid_class": self._grid_class if self.conditional else np.full(GRID, -1),
            "class_share": np.bincount(read, minlength=CLASSES) / GRID,
            "confident_share": np.bincount(read[conf >= CONFIDENT], minlength=CLASSES) / GRID,
            "latent": images[:-1].reshape(rows, cells, PIXELS), "latent_axis": axis,
            "latent_score": scores[:-1].reshape(rows, cells),
            "slider": images[-1], "slider_score": scores[-1:],
            "slider_read": np.array([slider_class[0], slider_p[0]]),
            "noise": self._grid_noise,
        }
        if nearest:
            index, distance = self._nearest(g["grid"])
            frame.update(grid_nearest=self.digits.images[index], grid_nearest_distance=distance,
                         grid_nearest_index=index)
        return {k: np.ascontiguousarray(v, dtype=F32) for k, v in frame.items()}

    def _nearest(self, images):
        """Index of the nearest real image and the RMS pixel distance, per image."""
        real = self.digits.images
        d2 = np.einsum("ij,ij->i", images, images)[:, None] - 2 * (images @ real.T) + self._real_sq[None]
        index = np.argmin(d2, axis=1)
        distance = np.sqrt(np.maximum(d2[np.arange(len(images)), index], 0) / PIXELS)
        return index, distance

    def nearest(self, image):
        """The real image nearest to `image` (64 pixels in [0, 1])."""
        x = self._check_image(image)
        index, distance = self._nearest(x[None])
        i = int(index[0])
        return {"image": self.digits.images[i].copy(), "index": i, "label": int(self.digits.labels[i]),
                "distance": float(distance[0])}

    def dataset(self):
        """Static arrays of the data overview (see the class docstring)."""
        images, labels = self.digits.images, self.digits.labels
        classes, probs = self.reader.read(images[self._eval_real])
        return {"examples": images[self._examples].copy(), "sample": images[self._sample].copy(),
                "sample_label": labels[self._sample].astype(F32),
                "real_digits": digit_figures(classes, probs, labels[self._eval_real] if self.conditional else None)}

    def generate(self, z, label=None):
        """One image for noise z; label defaults to the view's class."""
        z = self._check_noise(z)
        if self.conditional:
            label = self._view["label"] if label is None else self._check_label(label)
            labels = np.array([label])
        elif label is not None:
            raise ImageSettingsError("a class can only be chosen for the conditional model")
        else:
            labels = None
        prob = self._grid()["prob"]
        with np.errstate(all="ignore"):
            image = self.gan.generate(z[None], labels)
            score = float(prob(self.gan.score(image, labels))[0])
            read, p = self.reader.read(image)
        return {"image": image[0].astype(F32), "score": score, "read": int(read[0]), "confidence": float(p[0])}

    def history(self):
        items = self._history.items
        return {"epoch": np.array([e for e, _ in items], np.int64),
                "grid": np.stack([g for _, (g, _) in items]).reshape(len(items), GRID, PIXELS),
                "score": np.stack([s for _, (_, s) in items]), "every": self._history.every}

    def log(self):
        items = self._log.items
        table = np.array([(e, *rest) for e, rest in items], np.float64).reshape(len(items), len(LOG_FIELDS))
        return {name: table[:, i].astype(F32) for i, name in enumerate(LOG_FIELDS)}

    # --- checking view input ----------------------------------------------
    def _check_noise(self, z):
        nd = self._settings.noise_dim
        try:
            z = np.asarray(z, np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise ImageSettingsError(f"the noise vector must be {nd} numbers") from None
        if len(z) != nd:
            raise ImageSettingsError(f"the noise vector must have {nd} values (one per noise dimension); got {len(z)}")
        if not np.isfinite(z).all() or np.abs(z).max() > 10:
            raise ImageSettingsError("noise values must be finite numbers between -10 and 10")
        return z.astype(F32)

    @staticmethod
    def _check_label(label):
        if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or not 0 <= label < CLASSES:
            raise ImageSettingsError(f"class must be a digit 0..9; got {label!r}")
        return int(label)

    @staticmethod
    def _check_image(image):
        try:
            x = np.asarray(image, F32).reshape(-1)
        except (TypeError, ValueError):
            raise ImageSettingsError("an image is 64 pixel values in [0, 1]") from None
        if len(x) != PIXELS or not np.isfinite(x).all():
            raise ImageSettingsError("an image is 64 finite pixel values in [0, 1]")
        return x

    def set_view(self, latent_dims=None, latent_cells=None, slider_z=None, label=None):
        """Change what the latent map and the slider show; all or nothing."""
        view = dict(self._view)
        nd = self._settings.noise_dim
        if latent_dims is not None:
            try:
                dims = tuple(int(d) for d in latent_dims if not isinstance(d, bool) and int(d) == d)
            except (TypeError, ValueError):
                dims = ()
            want = 1 if nd == 1 else 2
            if len(dims) != want or len(set(dims)) != want or not all(0 <= d < nd for d in dims) \
                    or len(dims) != len(tuple(latent_dims)):
                raise ImageSettingsError(f"latent map dimensions must be {want} different noise dimensions "
                                         f"between 0 and {nd - 1}; got {latent_dims!r}")
            view["latent_dims"] = dims
        if latent_cells is not None:
            if isinstance(latent_cells, bool) or not isinstance(latent_cells, (int, np.integer)) \
                    or not 2 <= latent_cells <= 16:
                raise ImageSettingsError(f"latent map cells must be a whole number 2..16; got {latent_cells!r}")
            view["latent_cells"] = int(latent_cells)
        if slider_z is not None:
            view["slider_z"] = self._check_noise(slider_z)
        if label is not None:
            if not self.conditional:
                raise ImageSettingsError("a class can only be chosen for the conditional model")
            view["label"] = self._check_label(label)
        self._view = view
        return self.view()

    def view(self):
        v = self._view
        return {"latent_dims": list(v["latent_dims"]), "latent_cells": v["latent_cells"],
                "slider_z": [float(x) for x in v["slider_z"]], "label": v["label"]}

    # --- changing the run -------------------------------------------------
    def update(self, **changes):
        """Change settings: structural ones start a new run, the others apply
        live. Invalid values raise ImageSettingsError and change nothing."""
        new = self._settings.replace(**changes)
        changed = sorted(k for k in changes if getattr(new, k) != getattr(self._settings, k))
        rebuilt = bool(STRUCTURAL.intersection(changed))
        if rebuilt:
            self._build(new)
        else:
            self.gan.configure(new)
            if new.sample_every != self._settings.sample_every:
                self._history.every = self._log.every = new.sample_every
            self._settings = new
        return {"rebuilt": rebuilt, "changed": changed}

    def reset(self):
        """Back to epoch 0 with the same settings (and seed: the same weights)."""
        self._build(self._settings)

    # --- saving and loading -----------------------------------------------
    def save(self, compact=False):
        """The training state as bytes. compact=True (pretrained models):
        float16 weights, no optimizer moments, no history or log."""
        state = self.gan.state()
        meta = {"format": FORMAT, "version": __version__, "settings": self._settings.to_dict(),
                "counters": state["counters"], "real": state["real"], "noise": state["noise"],
                "optimizers": [self.gan.opt_g.name, self.gan.opt_d.name], "compact": bool(compact),
                "view": self.view(), "every": [self._history.every, self._log.every]}
        dtype = np.float16 if compact else F32
        arrays = {"g_params": state["g_params"].astype(dtype), "d_params": state["d_params"].astype(dtype)}
        if not compact:
            arrays.update({f"opt_g.{k}": v for k, v in state["opt_g"].items()})
            arrays.update({f"opt_d.{k}": v for k, v in state["opt_d"].items()})
            h = self.history()
            arrays.update(history_epoch=h["epoch"], history_grid=h["grid"], history_score=h["score"])
            arrays.update({f"log.{k}": v for k, v in self.log().items()})
        buffer = io.BytesIO()
        np.savez_compressed(buffer, meta=np.frombuffer(json.dumps(meta).encode(), np.uint8), **arrays)
        return buffer.getvalue()

    @classmethod
    def load(cls, blob, backend=NUMPY):
        """An ImageLab from save() bytes; LoadError for anything else."""
        not_ours = "this is not a ganlab_wasm image experiment file (or it is damaged)"
        arrays = experiment_file.unpack(bytes(blob), max_entries=MAX_FILE_ENTRIES, not_ours=not_ours)
        try:
            meta = json.loads(arrays.pop("meta").tobytes())
        except Exception:
            raise LoadError(not_ours) from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise LoadError("this file is not a ganlab_wasm image experiment in a format this version reads")
        try:
            lab = cls(ImageSettings.from_dict(meta["settings"]), backend=backend)
            state = lab.gan.state()
            g, d = arrays["g_params"].astype(F32), arrays["d_params"].astype(F32)
            if g.shape != state["g_params"].shape or d.shape != state["d_params"].shape:
                raise LoadError("the saved weights do not fit the saved settings")
            if not (np.isfinite(g).all() and np.isfinite(d).all()):
                raise LoadError("the saved weights are not finite")
            opt = {"g": state["opt_g"], "d": state["opt_d"]}
            if not meta["compact"]:
                if meta["optimizers"] != [lab.gan.opt_g.name, lab.gan.opt_d.name]:
                    raise LoadError("the saved optimizer state does not fit the saved settings")
                opt = {"g": {}, "d": {}}
                for k, v in arrays.items():
                    if k.startswith("opt_"):
                        opt[k[4]][k[6:]] = v
            lab.gan.set_state({"g_params": g, "d_params": d, "opt_g": opt["g"], "opt_d": opt["d"],
                               "counters": tuple(meta["counters"]), "real": meta["real"], "noise": meta["noise"]})
            lab._evaluation = lab._grid_eval = None
            lab._history.every, lab._log.every = (int(x) for x in meta["every"])
            if meta["compact"]:
                lab._history.items, lab._log.items = [], []
            else:
                grids, scores = arrays["history_grid"], arrays["history_score"]
                lab._history.items = [(int(e), (grids[i].astype(np.uint8), scores[i].astype(np.uint8)))
                                      for i, e in enumerate(arrays["history_epoch"])]
                table = np.stack([arrays[f"log.{k}"] for k in LOG_FIELDS], axis=1).astype(np.float64)
                lab._log.items = [(int(row[0]), tuple(float(x) for x in row[1:])) for row in table]
            lab._record()
            view = meta.get("view") or {}
            lab.set_view(**{k: view[k] for k in ("latent_dims", "latent_cells", "slider_z") if k in view},
                         label=view.get("label") if lab.conditional else None)
        except LoadError:
            raise
        except ImageSettingsError as e:
            raise LoadError(f"the saved settings are invalid: {e}") from None
        except Exception as e:
            raise LoadError(f"this image experiment file is damaged ({type(e).__name__}: {e})") from None
        return lab

    @classmethod
    def pretrained(cls, model="vanilla", backend=NUMPY):
        """A shipped model trained at the defaults (scripts/make_pretrained_images.py)."""
        if model not in PRETRAINED:
            raise LoadError(f"there is no pretrained image model {model!r}; there are: {', '.join(PRETRAINED)}")
        try:
            blob = (resources.files("ganlab_wasm") / "assets" / PRETRAINED[model]).read_bytes()
        except (FileNotFoundError, OSError):
            raise LoadError(f"the pretrained {model} image model is missing from this build") from None
        return cls.load(blob, backend)
