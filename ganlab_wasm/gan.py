"""The GAN: a generator and a discriminator, their optimizers, the batch
streams, and the training steps (one D update, one G update, one epoch, and
the ten slow-motion stages)."""

from dataclasses import dataclass, field

import numpy as np

from .backend import NUMPY
from .data import Stream, noise_sampler, sampler
from .losses import make_loss
from .nn import MLP
from .optim import make_optimizer


@dataclass
class Stage:
    """One step of the slow-motion walk through an update."""
    net: str            # "d" or "g": whose update this stage belongs to
    index: int          # 1..5 within that update
    name: str
    description: str
    data: dict = field(default_factory=dict)
    update: int = 1     # which of this epoch's k updates of that network (1..updates)
    updates: int = 1    # k_d or k_g: how many updates of that network the epoch makes


# The five stages of each update, as in the GAN Lab paper's Fig. 11.
STAGES = {
    "d": (("run_g", "The generator turns a batch of random noise into fake samples."),
          ("run_d", "The discriminator scores the real samples and the fake samples."),
          ("loss", "The discriminator's loss: how far its scores are from real = 1, fake = 0."),
          ("gradients", "Backpropagation: how each of the discriminator's weights should change to lower its loss."),
          ("update", "The discriminator's weights take a step; its decision boundary moves.")),
    "g": (("run_g", "The generator turns a fresh batch of noise into fake samples."),
          ("run_d", "The discriminator scores the fake samples."),
          ("loss", "The generator's loss: low when the discriminator takes its fakes for real."),
          ("gradients", "Backpropagation through the discriminator: in which direction each fake sample should move."),
          ("update", "The generator's weights take a step; the fake samples move.")),
}


class GAN:
    """Everything that changes while training. Built from a Config; the
    settings that don't need new networks can be changed live by configure()."""

    def __init__(self, config, backend=NUMPY):
        init_rng, real_rng, noise_rng, self.view_rng = (
            np.random.default_rng(s) for s in np.random.SeedSequence(config.seed).spawn(4))
        hidden = config.activation
        self.G = MLP(config.noise_dim, config.g_layers, config.g_neurons, 2, hidden, "canvas", init_rng, backend)
        self.D = MLP(2, config.d_layers, config.d_neurons, 1, hidden, "linear", init_rng, backend)
        # A running average of G's weights (g_average > 0), which the page
        # shows instead of G: averaging steadies a generator that circles
        # round the data (Yazici et al., ICLR 2019). Training never reads it.
        self.G_avg = self.G.clone()
        self.sample_real = sampler(config.distribution, config.points)
        self.sample_noise = noise_sampler(config.noise_type, config.noise_dim)
        self.real = Stream(self.sample_real, real_rng, config.batch_size)
        self.noise = Stream(self.sample_noise, noise_rng, config.batch_size)
        self.epoch = self.d_updates = self.g_updates = 0
        self.config = None
        self.configure(config)

    def configure(self, config):
        """Apply the live settings: loss, optimizers, learning rates, k, batch size."""
        old = self.config
        if old is None or (old.loss, old.real_label, old.clip) != (config.loss, config.real_label, config.clip):
            self.loss = make_loss(config.loss, config.real_label, config.clip)
        if old is None or old.optimizer_g != config.optimizer_g:
            self.opt_g = make_optimizer(config.optimizer_g, self.G.size, config.learning_rate_g)
        if old is None or old.optimizer_d != config.optimizer_d:
            self.opt_d = make_optimizer(config.optimizer_d, self.D.size, config.learning_rate_d)
        self.opt_g.lr, self.opt_d.lr = config.learning_rate_g, config.learning_rate_d
        window = getattr(config, "g_average", 0)      # (the image lab's settings have no averaging)
        if window and (old is None or not old.g_average):
            self.G_avg.params[...] = self.G.params       # averaging starts from the generator as it is
        # each G update moves the average 1/window of the way to G
        self._avg_share = np.float32(1 / window) if window else None
        if old is not None and old.batch_size != config.batch_size:
            for stream in (self.real, self.noise):
                stream.batch = config.batch_size
                stream._refill()
        self.config = config

    # --- training -------------------------------------------------------
    def d_step(self):
        """One discriminator update on a batch of real and a batch of fake samples."""
        real, noise = self.real.next(), self.noise.next()
        fake = self.G.forward(noise)
        scores = self.D.forward(np.concatenate((real, fake)))
        self.D.backward(self.loss.d_grad(scores, len(real)))
        self.opt_d.step(self.D.params, self.D.grads)
        self.loss.after_d_update(self.D)
        self.d_updates += 1

    def g_step(self, reuse_fakes=False):
        """One generator update. With reuse_fakes the fake batch of the last
        d_step is used again: G has not changed since, so G(z) is the same and
        its forward pass need not be repeated (PyTorch's DCGAN example does the
        same)."""
        fake = self.G._trace[-1] if reuse_fakes else self.G.forward(self.noise.next())
        scores = self.D.forward(fake)
        push = self.D.backward(self.loss.g_grad(scores), weight_grads=False, input_grad=True)
        self.G.backward(push)
        self.opt_g.step(self.G.params, self.G.grads)
        self.average_g()
        self.g_updates += 1

    def train_epoch(self):
        """k_d discriminator updates, then k_g generator updates."""
        k_d = self.config.k_d
        for _ in range(k_d):
            self.d_step()
        for i in range(self.config.k_g):
            self.g_step(reuse_fakes=(i == 0 and k_d > 0))
        self.epoch += 1

    def epoch_pieces(self):
        """train_epoch() as a generator that pauses after every matrix
        product (see MLP.forward_steps); the same operations in the same
        order, so driving it to the end equals one train_epoch() exactly.
        Counters move only when an update is complete."""
        k_d = self.config.k_d
        for _ in range(k_d):
            yield from self.d_step_pieces()
        for i in range(self.config.k_g):
            yield from self.g_step_pieces(reuse_fakes=(i == 0 and k_d > 0))
        self.epoch += 1

    def d_step_pieces(self):
        """d_step() in pieces, as epoch_pieces."""
        G, D, loss = self.G, self.D, self.loss
        real, noise = self.real.next(), self.noise.next()
        fake = yield from G.forward_steps(noise)
        scores = yield from D.forward_steps(np.concatenate((real, fake)))
        yield from D.backward_steps(loss.d_grad(scores, len(real)))
        self.opt_d.step(D.params, D.grads)
        loss.after_d_update(D)
        self.d_updates += 1

    def g_step_pieces(self, reuse_fakes=False):
        """g_step() in pieces, as epoch_pieces."""
        G, D, loss = self.G, self.D, self.loss
        if reuse_fakes:
            fake = G._trace[-1]
        else:
            fake = yield from G.forward_steps(self.noise.next())
        scores = yield from D.forward_steps(fake)
        push = yield from D.backward_steps(loss.g_grad(scores), weight_grads=False, input_grad=True)
        yield from G.backward_steps(push)
        self.opt_g.step(G.params, G.grads)
        self.average_g()
        self.g_updates += 1

    def slow_motion(self, prob):
        """One epoch as train_epoch makes it (k_d discriminator updates, then
        k_g generator updates), paused at each update's five stages.

        Yields Stage objects with the data each stage produced; `prob` maps
        scores to [0, 1] for display. The walk counts as one epoch, from its
        last stage on. Each G update here draws its own noise (train_epoch lets
        the first one reuse the fakes of the last D update).
        """
        k_d, k_g = self.config.k_d, self.config.k_g
        for update in range(1, k_d + 1):
            yield from self._d_stages(prob, update, k_d, last=(update == k_d and k_g == 0))
        for update in range(1, k_g + 1):
            yield from self._g_stages(prob, update, k_g, last=(update == k_g))

    @staticmethod
    def _stage(net, index, update, updates, **data):
        name, text = STAGES[net][index - 1]
        return Stage(net, index, name, text, data, update, updates)

    def _d_stages(self, prob, update, updates, last):
        loss, G, D = self.loss, self.G, self.D
        stage = lambda index, **data: self._stage("d", index, update, updates, **data)  # noqa: E731
        real, noise = self.real.next(), self.noise.next()
        n = len(real)
        fake = G.forward(noise)
        yield stage(1, noise=noise, fake=fake, real=real)
        scores = D.forward(np.concatenate((real, fake)))
        yield stage(2, real_pred=prob(scores[:n, 0]), fake_pred=prob(scores[n:, 0]))
        yield stage(3, d_loss=loss.d_value(scores, n))
        d_scores = loss.d_grad(scores, n)
        D.backward(d_scores)
        yield stage(4, grad_norm=float(np.linalg.norm(D.grads)),
                    real_score_grad=d_scores[:n, 0].copy(), fake_score_grad=d_scores[n:, 0].copy())
        before = D.params.copy()
        self.opt_d.step(D.params, D.grads)
        loss.after_d_update(D)
        self.d_updates += 1
        if last:
            self.epoch += 1
        yield stage(5, step_norm=float(np.linalg.norm(D.params - before)))

    def _g_stages(self, prob, update, updates, last):
        loss, G, D = self.loss, self.G, self.D
        stage = lambda index, **data: self._stage("g", index, update, updates, **data)  # noqa: E731
        noise = self.noise.next()
        fake = G.forward(noise)
        yield stage(1, noise=noise, fake=fake)
        scores = D.forward(fake)
        yield stage(2, fake_pred=prob(scores[:, 0]))
        yield stage(3, g_loss=loss.g_value(scores))
        push = D.backward(loss.g_grad(scores), weight_grads=False, input_grad=True)
        G.backward(push)
        yield stage(4, fake=fake, fake_grad=-push * len(fake), grad_norm=float(np.linalg.norm(G.grads)))
        self.opt_g.step(G.params, G.grads)
        self.average_g()
        self.g_updates += 1
        if last:
            self.epoch += 1
        yield stage(5, fake=G(noise), moved_from=fake)

    @property
    def shown_g(self):
        """The generator the page shows and the metrics measure: G, or its
        running average when g_average is set."""
        return self.G_avg if self._avg_share is not None else self.G

    def average_g(self):
        """After each G update: move the average toward G (when averaging)."""
        if self._avg_share is not None:
            avg = self.G_avg.params
            step = self.G.params - avg
            step *= self._avg_share
            avg += step

    # --- state ----------------------------------------------------------
    def state(self):
        """A deep copy of everything that training changes."""
        return {
            "g_params": self.G.params.copy(), "d_params": self.D.params.copy(),
            "g_average": self.G_avg.params.copy(),
            "opt_g": {k: np.copy(v) for k, v in self.opt_g.state().items()},
            "opt_d": {k: np.copy(v) for k, v in self.opt_d.state().items()},
            "counters": (self.epoch, self.d_updates, self.g_updates),
            "real": self.real.state(), "noise": self.noise.state(),
        }

    def set_state(self, state):
        self.G.params[...] = state["g_params"]
        self.G_avg.params[...] = state.get("g_average", state["g_params"])
        self.D.params[...] = state["d_params"]
        self.opt_g.set_state(state["opt_g"])
        self.opt_d.set_state(state["opt_d"])
        self.epoch, self.d_updates, self.g_updates = state["counters"]
        self.real.set_state(state["real"])
        self.noise.set_state(state["noise"])
        self.G._trace = self.D._trace = None      # they belong to the state left behind

    def finite(self):
        """Weights finite, and so are the scores of D's last forward pass (a
        D whose outputs overflow is diverging even while its weights are not)."""
        scores = self.D._trace[-1] if self.D._trace is not None else None
        return bool(np.isfinite(self.G.params).all() and np.isfinite(self.D.params).all()
                    and (scores is None or np.isfinite(scores).all()))
