"""Lab: the public face of the core. Owns one training run and answers what
the page and the tests ask of it: train, step, metrics, frames, live
changes, slow motion, save and load."""

import io
import json
from importlib import resources

import numpy as np

from .backend import NUMPY
from .config import STRUCTURAL, Config, ConfigError, recommended_settings
from . import experiment_file as saved
from .experiment_file import LoadError
from .gan import GAN
from .data import MODES
from .metrics import (FAKE_SAMPLES, REAL_SAMPLES, border_share, histogram, kl_js, mode_shares, modes_covered,
                      sliced_wasserstein, sorted_projections)
from .schema import LEVELS
from .version import __version__
from .nn import run_steps
from .views import (cell_centers, generator_push_steps, heatmap, heatmap_steps, manifold_steps, net_steps,
                    real_contours)

SHOWN = 450            # real and fake samples drawn on the page
CHUNK = 100            # epochs between divergence checks
FORMAT = "ganlab_wasm/experiment/1"


def check_step(level, count):
    """Raise ValueError unless level is one of LEVELS and count a whole number >= 1."""
    if level not in LEVELS:
        raise ValueError(f"step level must be one of {', '.join(LEVELS)}; got {level!r}")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"step count must be a whole number >= 1; got {count!r}")


class DivergedError(RuntimeError):
    """Training produced NaN or infinite weights; the lab kept its last finite state."""


class Lab:
    """One GAN training run.

    >>> lab = Lab(Config(distribution="ring", seed=0))
    >>> lab.train(100)["epoch"]
    100
    """

    def __init__(self, config=None, backend=NUMPY, **overrides):
        config = config if config is not None else Config()
        if overrides:
            config = config.replace(**overrides)
        self.backend = backend
        self._build(config)

    def _build(self, config):
        """Start a new run: fresh networks from the seed, epoch 0."""
        self.gan = GAN(config, self.backend)
        self._config = config
        rng = self.gan.view_rng
        self._shown_noise = self.gan.sample_noise(rng, SHOWN)
        self._shown_real = self.gan.sample_real(rng, SHOWN)
        self._metric_noise = self.gan.sample_noise(rng, FAKE_SAMPLES)
        self._reference_real = self.gan.sample_real(rng, REAL_SAMPLES)
        self._real_counts = histogram(self._reference_real)
        # the sliced Wasserstein distance compares equal counts: 5,000 of the reference
        self._real_sorted = sorted_projections(self._reference_real[:FAKE_SAMPLES])
        self._modes = MODES.get(config.distribution)
        self._contours = None
        self._centers = {}
        self._evaluation = None
        self._divergence = None
        self._partial = None        # (state at its start, pieces, seconds so far) of a cut epoch
        self._partial_update = None  # (level, state at its start, pieces) of a cut update (update_until)
        self.last_epoch_seconds = None   # how long the last epoch train_until finished took

    @property
    def config(self):
        return self._config

    @property
    def epoch(self):
        return self.gan.epoch

    # --- training -------------------------------------------------------
    def step(self, level="epoch", count=1):
        """`count` epochs ("epoch"), discriminator updates ("d") or generator
        updates ("g"). Returns the metrics after them."""
        check_step(level, count)
        action = {"epoch": self.gan.train_epoch, "d": self.gan.d_step, "g": self.gan.g_step}[level]
        self._drop_cut_work()
        self._run(action, count)
        return self.metrics()

    def train(self, epochs, report=True):
        """Train `epochs` epochs; returns the metrics after them (or None
        without `report`, which saves evaluating them)."""
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"epochs must be a whole number >= 0; got {epochs!r}")
        self._drop_cut_work()
        self._run(self.gan.train_epoch, epochs)
        return self.metrics() if report else None

    def _run(self, action, count):
        """Run action count times, checking for divergence every CHUNK runs.

        On NaN or inf the chunk is replayed from its start (the streams and
        generators are restored too, so the replay is exact) one run at a time,
        to stop at the last finite state.
        """
        gan = self.gan
        with np.errstate(all="ignore"):
            done = 0
            while done < count:
                chunk = min(CHUNK, count - done)
                start = gan.state()
                for _ in range(chunk):
                    action()
                if not gan.finite():
                    gan.set_state(start)
                    self._stop_before_divergence(action, chunk)
                done += chunk

    @property
    def epoch_in_progress(self):
        """True while train_until has an epoch cut short, to go on with."""
        return self._partial is not None

    @property
    def epoch_seconds_so_far(self):
        """Seconds spent on the epoch train_until has cut short (0 if none)."""
        return self._partial[2] if self._partial is not None else 0.0

    def train_until(self, deadline, clock, max_epochs=None):
        """Train until clock() passes deadline, pausing after any matrix
        product (gan.epoch_pieces), so a call overruns the deadline by at
        most one product even when one epoch takes seconds. An epoch cut
        short goes on at the next call (bit for bit as if it had not been
        cut) unless something else changes the run first; counters move
        only per finished update. Returns the epochs finished. On divergence
        the epoch is undone and DivergedError raised, as in train()."""
        self.abandon_update()
        done = 0
        with np.errstate(all="ignore"):
            while max_epochs is None or done < max_epochs:
                began = clock()
                if done and began >= deadline:     # (at least one piece per call: progress)
                    break
                if self._partial is None:
                    self._partial = (self.gan.state(), self.gan.epoch_pieces(), 0.0)
                start, pieces, seconds = self._partial
                try:
                    while True:
                        next(pieces)
                        now = clock()
                        if now >= deadline:
                            self._partial = (start, pieces, seconds + now - began)
                            return done
                except StopIteration:
                    pass
                self._partial = None
                self.last_epoch_seconds = seconds + clock() - began
                if not self.gan.finite():
                    self._undo_divergence(start)
                done += 1
        return done

    def update_until(self, level, deadline, clock):
        """One D ("d") or G ("g") update, paused after any matrix product once
        clock() passes deadline (at least one product per call); the next call
        goes on with it, bit for bit as step(level). Anything else that trains
        or changes the run first abandons it (abandon_update). Returns True
        when the update is done. On divergence it is undone and DivergedError
        raised, as in step()."""
        if level not in ("d", "g"):
            raise ValueError(f"update level must be d or g; got {level!r}")
        self._partial = None
        if self._partial_update is not None and self._partial_update[0] != level:
            self.abandon_update()
        if self._partial_update is None:
            pieces = self.gan.d_step_pieces() if level == "d" else self.gan.g_step_pieces()
            self._partial_update = (level, self.gan.state(), pieces)
        _, start, pieces = self._partial_update
        with np.errstate(all="ignore"):
            try:
                while True:
                    next(pieces)
                    if clock() >= deadline:
                        return False
            except StopIteration:
                pass
        self._partial_update = None
        if not self.gan.finite():
            self._undo_divergence(start)
        return True

    def abandon_update(self):
        """Undo an update update_until has cut short (its batches were drawn)."""
        if self._partial_update is not None:
            self.gan.set_state(self._partial_update[1])
            self._partial_update = None

    def _drop_cut_work(self):
        """Before anything else trains or changes the run: an epoch train_until
        cut short is dropped (its finished updates stay), an update update_until
        cut short is undone."""
        self._partial = None
        self.abandon_update()

    def _undo_divergence(self, state):
        """Back to `state`, the last finite one, and raise DivergedError."""
        self.gan.set_state(state)
        self._evaluation = None
        raise DivergedError(self._diverged_message())

    def _diverged_message(self):
        gan = self.gan
        return (f"training diverged in epoch {gan.epoch + 1}: the weights or scores became NaN or "
                f"infinite. The lab kept the last finite state (epoch {gan.epoch}); lower a learning rate "
                f"(now D {self._config.learning_rate_d:g}, G {self._config.learning_rate_g:g}) and continue.")

    def _stop_before_divergence(self, action, count):
        gan = self.gan
        for _ in range(count):
            good = gan.state()
            action()
            if not gan.finite():
                self._undo_divergence(good)

    # --- reading the state ----------------------------------------------
    def _key(self):
        """Identifies the networks' current state: cached results stay valid
        while it is unchanged."""
        gan = self.gan
        return (gan, gan.d_updates, gan.g_updates, self._config)

    def _evaluate(self):
        """Scores of the shown samples and the losses, cached until the
        networks or the settings change."""
        with np.errstate(all="ignore"):
            return run_steps(self._evaluate_steps())

    def _evaluate_steps(self):
        key = self._key()
        if self._evaluation is not None and self._evaluation["key"] == key:
            return self._evaluation
        G, D, loss = self.gan.shown_g, self.gan.D, self.gan.loss
        fake = yield from net_steps(G, self._shown_noise)
        real_scores = (yield from net_steps(D, self._shown_real))[:, 0]
        fake_scores = (yield from net_steps(D, fake))[:, 0]
        calibration = loss.calibrate(real_scores, fake_scores)
        # losses in float64: a D that has run away can square its way past float32's range
        stacked = np.concatenate((real_scores, fake_scores))[:, None].astype(np.float64)
        self._evaluation = {
            "key": key, "fake": fake, "real_scores": real_scores, "fake_scores": fake_scores,
            "prob": lambda s: loss.prob(s, calibration),
            "d_loss": loss.d_value(stacked, SHOWN), "g_loss": loss.g_value(stacked[SHOWN:]),
        }
        return self._evaluation

    def divergence(self):
        """How far 5,000 fake samples are from the real data (see metrics.py),
        cached until the generator changes:

        kl, js      nats, grid histograms against 20,000 real samples; a
                    perfect generator scores KL 0.02 to 0.04 (sampling noise)
        sw          sliced Wasserstein-1 against 5,000 real samples, in canvas
                    widths; it keeps growing where KL saturates (perfect: 0.005)
        border      share of the fakes within 0.01 of the canvas edge
        modes, modes_total   (presets made of Gaussian modes only) how many
                    modes hold at least a third of their fair share of fakes
        """
        with np.errstate(all="ignore"):
            return run_steps(self.divergence_steps())

    def divergence_steps(self):
        """divergence() in steps (see frame_steps)."""
        key = self._key()
        if self._divergence is None or self._divergence[0] != key:
            fake = yield from net_steps(self.gan.shown_g, self._metric_noise)
            kl, js = kl_js(self._real_counts, histogram(fake))
            out = {"kl": kl, "js": js, "sw": sliced_wasserstein(None, fake, self._real_sorted),
                   "border": border_share(fake)}
            if self._modes is not None:
                out["modes"] = modes_covered(mode_shares(fake, *self._modes))
                out["modes_total"] = len(self._modes[0])
            self._divergence = (key, out, fake)
        return self._divergence[1]

    def divergence_known(self):
        """Whether divergence() is cached for the networks as they are (free)."""
        return self._divergence is not None and self._divergence[0] == self._key()

    def mode_shares(self):
        """Per mode, its share of the 5,000 metric fakes over its fair share
        (None for data without Gaussian modes); see metrics.mode_shares."""
        if self._modes is None:
            return None
        self.divergence()
        return mode_shares(self._divergence[2], *self._modes)

    def real_border_share(self):
        """Share of the real reference data within 0.01 of the canvas edge."""
        return border_share(self._reference_real)

    def metrics(self, divergence=True):
        """dict: epoch, d_updates, g_updates, d_loss, g_loss, and (unless
        divergence=False, which is much cheaper) what divergence() returns.

        Losses are measured on the fixed shown samples, so the curves show the
        game rather than batch noise."""
        ev, gan = self._evaluate(), self.gan
        out = {"epoch": gan.epoch, "d_updates": gan.d_updates, "g_updates": gan.g_updates,
               "d_loss": ev["d_loss"], "g_loss": ev["g_loss"]}
        if divergence:
            out.update(self.divergence())
        return out

    def frame(self, heatmap_size=30, manifold_cells=20):
        """Everything the views draw, as float32 arrays:

        real (450, 2), real_pred (450,)  real samples and D's "how real" for each
        fake (450, 2), fake_pred (450,)  G's samples for a fixed noise batch
        noise (450, noise_dim)           that noise batch
        fake_grad (450, 2)               per fake sample, the direction lowering G's loss
        heatmap (N, N)                   D's "how real" on grid cells, [row = y, col = x], in [0, 1]
        manifold (M+1, M+1, 2) and manifold_density (M, M) for 2D noise;
            (M+1, 2) and (M,) for 1D: the noise grid mapped by G, and how densely
            G puts samples in each cell
        contour (k, 4), contour_level (k,)  segments x0, y0, x1, y1 of the real
            density's contours, and which level (0 = densest 25%) each is on
        """
        with np.errstate(all="ignore"):
            return run_steps(self.frame_steps(heatmap_size, manifold_cells))

    def frame_steps(self, heatmap_size=30, manifold_cells=20):
        """frame() as a generator that pauses after each matrix product (of
        at most views.FRAME_PRODUCT_MACS), so that a worker can answer pause
        while it builds a big model's frame; the frame comes back through
        StopIteration. Valid while the networks are unchanged: a caller that
        changes them between steps starts again. Run the steps under
        np.errstate(all="ignore") (held by the caller: one held across a
        yield would leak into whatever runs between two steps)."""
        if not 2 <= heatmap_size <= 200 or not 1 <= manifold_cells <= 100:
            raise ValueError("heatmap_size must be 2..200 and manifold_cells 1..100")
        gan, cfg = self.gan, self._config
        ev = yield from self._evaluate_steps()
        prob = ev["prob"]
        if heatmap_size not in self._centers:
            self._centers[heatmap_size] = cell_centers(heatmap_size)
        vertices, density = yield from manifold_steps(gan.shown_g, cfg.noise_type, cfg.noise_dim, manifold_cells)
        segments, levels = self.contours()
        push = yield from generator_push_steps(gan.D, gan.loss, ev["fake"])
        heat = yield from heatmap_steps(gan.D, prob, heatmap_size, self._centers[heatmap_size])
        frame = {
            "real": self._shown_real, "real_pred": prob(ev["real_scores"]),
            "fake": ev["fake"], "fake_pred": prob(ev["fake_scores"]),
            "noise": self._shown_noise,
            "fake_grad": push, "heatmap": heat,
            "manifold": vertices, "manifold_density": density,
            "contour": segments, "contour_level": levels,
        }
        return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in frame.items()}

    def contours(self):
        """The real density's contour segments and their level indices (cached:
        they depend only on the data)."""
        if self._contours is None:
            self._contours = real_contours(self._reference_real)
        return self._contours

    # --- changing the run -----------------------------------------------
    def update(self, **changes):
        """Change settings. Structural ones (data, noise, layers, neurons,
        activation, seed) start a new run with new networks; the others apply
        live and keep the weights. Invalid values raise ConfigError and change
        nothing. Returns {"rebuilt": bool, "changed": [names]}."""
        new = self._config.replace(**changes)
        self._drop_cut_work()
        changed = sorted(k for k in changes if getattr(new, k) != getattr(self._config, k))
        rebuilt = bool(STRUCTURAL.intersection(changed))
        if rebuilt:
            self._build(new)
        else:
            self.gan.configure(new)
            self._config = new
        return {"rebuilt": rebuilt, "changed": changed}

    def use_recommended(self):
        """Apply the recommended settings for the current data and loss (an
        explicit choice: it may rebuild the networks)."""
        return self.update(**recommended_settings(self._config))

    def reset(self):
        """Back to epoch 0 with the same settings (and seed, so the same weights)."""
        self._build(self._config)

    def slow_motion(self):
        """One epoch, k_d discriminator updates then k_g generator updates,
        paused at each update's five stages (GAN Lab's Fig. 11); yields
        gan.Stage objects whose `data` holds what that stage produced and whose
        `update` / `updates` say which of the k updates it belongs to."""
        gan = self.gan
        self._drop_cut_work()
        start = gan.state()
        prob = self._evaluate()["prob"]
        with np.errstate(all="ignore"):
            for stage in gan.slow_motion(prob):
                if stage.net == "d" and stage.name == "update":
                    stage.data["heatmap"] = heatmap(gan.D, prob, 30)
                yield stage
        if not gan.finite():
            gan.set_state(start)
            self._evaluation = None
            raise DivergedError("training diverged during slow motion; the lab kept the last finite state")

    # --- saving and loading ---------------------------------------------
    def save(self, moments=True, half=False):
        """The whole training state (settings, weights, optimizer moments,
        counters, random streams) as bytes. Without `moments` the optimizers'
        state is left out (four fifths of the bytes), and a lab loaded from it
        starts them afresh; with `half` the weights are stored as float16 (half
        the rest; loaded, they train on in float32). The shipped pretrained
        models do both: they travel in the site's first download."""
        state = self.gan.state()
        meta = {"format": FORMAT, "version": __version__, "config": self._config.to_dict(),
                "counters": state["counters"], "real": state["real"], "noise": state["noise"],
                "optimizers": [self.gan.opt_g.name, self.gan.opt_d.name]}
        arrays = {"g_params": state["g_params"], "d_params": state["d_params"]}
        if self._config.g_average:
            arrays["g_average"] = state["g_average"]
        if half:
            arrays = {k: v.astype(np.float16) for k, v in arrays.items()}
        if moments:
            arrays.update({f"opt_g.{k}": v for k, v in state["opt_g"].items()})
            arrays.update({f"opt_d.{k}": v for k, v in state["opt_d"].items()})
        buffer = io.BytesIO()
        np.savez_compressed(buffer, meta=np.frombuffer(json.dumps(meta).encode(), np.uint8), **arrays)
        return buffer.getvalue()

    @classmethod
    def load(cls, blob, backend=NUMPY):
        """A Lab from save() bytes. Raises LoadError for anything else: every
        field is checked (see experiment_file.py) before the new lab takes
        it, and nothing outside the new lab is touched."""
        try:
            blob = bytes(blob)
        except (TypeError, ValueError):
            raise LoadError(saved.NOT_OURS) from None
        arrays = saved.unpack(blob)
        meta = saved.read_meta(arrays, FORMAT)
        if not isinstance(meta["config"], dict):
            raise LoadError("the saved settings are invalid: they are not a set of settings")
        try:
            config = Config.from_dict(meta["config"])
        except (ConfigError, TypeError) as e:
            raise LoadError(f"the saved settings are invalid: {e}") from None
        lab = cls(config, backend=backend)
        gan = lab.gan
        if meta["optimizers"] != [gan.opt_g.name, gan.opt_d.name]:
            raise LoadError("the saved optimizer state does not fit the saved settings")
        known = {"meta", "g_params", "d_params", "g_average"} | {f"opt_g.{k}" for k in gan.opt_g.state()} \
            | {f"opt_d.{k}" for k in gan.opt_d.state()}
        if not set(arrays) <= known or not {"g_params", "d_params"} <= set(arrays):
            raise LoadError("the saved weights do not fit the saved settings")
        optimizers = {}
        for net, opt in (("g", gan.opt_g), ("d", gan.opt_d)):
            moments = {k[6:]: v for k, v in arrays.items() if k.startswith(f"opt_{net}.")}
            optimizers[net] = saved.check_optimizer({"g": "generator", "d": "discriminator"}[net],
                                                    moments, opt.state())
        state = {
            "g_params": saved.check_vector("weights", arrays["g_params"], gan.G.size),
            # a file without the average (saved with averaging off) starts it from G
            "g_average": saved.check_vector("weights", arrays.get("g_average", arrays["g_params"]), gan.G.size),
            "d_params": saved.check_vector("weights", arrays["d_params"], gan.D.size),
            "opt_g": optimizers["g"], "opt_d": optimizers["d"],
            "counters": saved.check_counters(meta["counters"]),
            "real": saved.check_stream("real data", meta["real"], config.batch_size),
            "noise": saved.check_stream("noise", meta["noise"], config.batch_size),
        }
        try:
            gan.set_state(state)
        except Exception as e:            # checked above; a gap in the checks still refuses cleanly
            raise LoadError(f"this experiment file is damaged ({type(e).__name__}: {e})") from None
        return lab

    @classmethod
    def pretrained(cls, distribution, backend=NUMPY):
        """A lab trained with the distribution's recommended settings, shipped
        with the package (made by scripts/make_pretrained.py)."""
        try:
            blob = (resources.files("ganlab_wasm") / "pretrained" / f"{distribution}.npz").read_bytes()
        except (FileNotFoundError, OSError):
            raise LoadError(f"there is no pretrained model for {distribution!r}") from None
        return cls.load(blob, backend)
