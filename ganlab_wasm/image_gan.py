"""The image GAN: the 2-D lab's GAN (gan.py) on 8x8 digits.

Reused as they are: `nn.MLP` (its "canvas" output, 0.5 + 0.5 tanh, is a
sigmoid that maps each of G's 64 outputs to a pixel in [0, 1]), the losses,
the optimizers, `data.Stream` and `data.noise_sampler`, and from `gan.GAN`
the live settings (`configure`), `train_epoch`, state save/restore and the
finiteness check. What differs is built here: the data stream of real
images, the output width, and the conditional model's label.

Conditional (Mirza and Osindero, 2014): a one-hot label of the class joins
G's noise (G sees [z, onehot]) and D's input (D sees [pixels, onehot]); G's
fakes carry the label they were generated for, real images their own. The
one-hot columns are drawn into the same blocks as the noise and the real
pixels, so a step concatenates nothing it does not have to.
"""

import numpy as np

from .backend import NUMPY
from .data import Stream, noise_sampler
from .digits import CLASSES, PIXELS
from .gan import GAN, Stage
from .nn import MLP

F32 = np.float32
# Adam's first-moment decay for the image nets: 0.5, as in the DCGAN paper
# (Radford et al., 2016). optim.Adam's 0.9 (right for the 2-D lab) makes the
# image GAN oscillate: with 0.5 more fakes are read with confidence at the
# same epoch in every seed tried (scripts/tune_images.py).
ADAM_BETA1 = 0.5

IMAGE_STAGES = {
    "d": (("run_g", "The generator turns a batch of random noise into fake images."),
          ("run_d", "The discriminator scores the real images and the fake images."),
          ("loss", "The discriminator's loss: how far its scores are from real = 1, fake = 0."),
          ("gradients", "Backpropagation: how each of the discriminator's weights should change to lower its loss."),
          ("update", "The discriminator's weights take a step.")),
    "g": (("run_g", "The generator turns a fresh batch of noise into fake images."),
          ("run_d", "The discriminator scores the fake images."),
          ("loss", "The generator's loss: low when the discriminator takes its fakes for real."),
          ("gradients", "Backpropagation through the discriminator: how each pixel of each fake should change."),
          ("update", "The generator's weights take a step; the fake images change.")),
}


def one_hot(labels, classes=CLASSES):
    out = np.zeros((len(labels), classes), F32)
    out[np.arange(len(labels)), labels] = 1
    return out


def labelled_noise_sampler(noise_type, dim, classes):
    """Noise with a uniformly drawn class's one-hot appended (n, dim + classes)."""
    noise = noise_sampler(noise_type, dim)
    if not classes:
        return noise

    def sample(rng, n):
        z = np.empty((n, dim + classes), F32)
        z[:, :dim] = noise(rng, n)
        z[:, dim:] = one_hot(rng.integers(0, classes, n, dtype=np.intp), classes)
        return z
    return sample


def real_sampler(rows):
    """Real images drawn with replacement from rows (n, 64 [+ classes])."""
    def sample(rng, n):
        return np.take(rows, rng.integers(0, len(rows), n, dtype=np.intp), axis=0)
    return sample


class ImageGAN(GAN):
    """G: noise [+ one-hot] -> hidden layers -> 64 pixels in [0, 1].
    D: 64 pixels [+ one-hot] -> hidden layers -> one score.

    Built from ImageSettings (field names as in Config for what they share)
    and a digits.Digits."""

    def __init__(self, settings, digits, backend=NUMPY):
        init_rng, real_rng, noise_rng, self.view_rng = (
            np.random.default_rng(s) for s in np.random.SeedSequence(settings.seed).spawn(4))
        self.classes = CLASSES if settings.model == "conditional" else 0
        self.noise_dim = settings.noise_dim
        act = settings.activation
        self.G = MLP(settings.noise_dim + self.classes, settings.g_layers, settings.g_neurons, PIXELS,
                     act, "canvas", init_rng, backend)
        self.D = MLP(PIXELS + self.classes, settings.d_layers, settings.d_neurons, 1,
                     act, "linear", init_rng, backend)
        self.G_avg = self.G.clone()      # (GAN's state keeps one; the image lab never averages)
        rows = digits.images if not self.classes else \
            np.ascontiguousarray(np.concatenate((digits.images, one_hot(digits.labels)), axis=1))
        self.real_rows = rows
        self.sample_real = real_sampler(rows)
        self.sample_noise = labelled_noise_sampler(settings.noise_type, settings.noise_dim, self.classes)
        self.real = Stream(self.sample_real, real_rng, settings.batch_size)
        self.noise = Stream(self.sample_noise, noise_rng, settings.batch_size)
        self.epoch = self.d_updates = self.g_updates = 0
        self.config = None
        self.configure(settings)

    def configure(self, settings):
        super().configure(settings)
        for opt in (self.opt_g, self.opt_d):
            if opt.name == "adam":
                opt.beta1 = ADAM_BETA1      # an instance attribute: optim.Adam itself is unchanged

    # --- what D sees --------------------------------------------------------
    def d_input(self, fake, g_input):
        """D's input for fakes: the pixels, with the label G was given."""
        if not self.classes:
            return fake
        return np.concatenate((fake, g_input[:, self.noise_dim:]), axis=1)

    def generate(self, noise, labels=None):
        """G's images for noise (n, noise_dim) and, conditional, labels (n,)
        (no trace kept: for views)."""
        return self.G(self.g_input(noise, labels))

    def g_input(self, noise, labels=None):
        noise = np.asarray(noise, F32)
        if not self.classes:
            return noise
        return np.ascontiguousarray(np.concatenate((noise, one_hot(np.asarray(labels, np.intp))), axis=1))

    def score(self, images, labels=None):
        """D's raw scores (n,) for images (n, 64) [with labels]."""
        x = images if not self.classes else np.concatenate((images, one_hot(np.asarray(labels, np.intp))), axis=1)
        return self.D(x)[:, 0]

    # --- training -------------------------------------------------------
    def d_step(self):
        real, noise = self.real.next(), self.noise.next()
        fake = self.G.forward(noise)
        scores = self.D.forward(np.concatenate((real, self.d_input(fake, noise))))
        self.D.backward(self.loss.d_grad(scores, len(real)))
        self.opt_d.step(self.D.params, self.D.grads)
        self.loss.after_d_update(self.D)
        self.d_updates += 1

    def g_step(self, reuse_fakes=False):
        if reuse_fakes:
            fake, noise = self.G._trace[-1], self.G._trace[0]
        else:
            noise = self.noise.next()
            fake = self.G.forward(noise)
        scores = self.D.forward(self.d_input(fake, noise))
        push = self.D.backward(self.loss.g_grad(scores), weight_grads=False, input_grad=True)
        self.G.backward(push[:, :PIXELS] if self.classes else push)
        self.opt_g.step(self.G.params, self.G.grads)
        self.g_updates += 1

    def slow_motion(self, prob):
        """One D update then one G update, paused at each of their ten
        stages; yields gan.Stage objects (data: images (n, 64), scores in
        [0, 1] via `prob`, losses, gradient norms). One epoch."""
        done = {"d": 0, "g": 0}

        def stage(net, **data):
            name, text = IMAGE_STAGES[net][done[net]]
            done[net] += 1
            return Stage(net, done[net], name, text, data)

        loss, G, D, k = self.loss, self.G, self.D, self.classes
        real, noise = self.real.next(), self.noise.next()
        n = len(real)
        fake = G.forward(noise)
        yield stage("d", noise=noise[:, :self.noise_dim], fake=fake, real=real[:, :PIXELS])
        scores = D.forward(np.concatenate((real, self.d_input(fake, noise))))
        yield stage("d", real_pred=prob(scores[:n, 0]), fake_pred=prob(scores[n:, 0]))
        yield stage("d", d_loss=loss.d_value(scores, n))
        d_scores = loss.d_grad(scores, n)
        D.backward(d_scores)
        yield stage("d", grad_norm=float(np.linalg.norm(D.grads)),
                    real_score_grad=d_scores[:n, 0].copy(), fake_score_grad=d_scores[n:, 0].copy())
        before = D.params.copy()
        self.opt_d.step(D.params, D.grads)
        loss.after_d_update(D)
        self.d_updates += 1
        yield stage("d", step_norm=float(np.linalg.norm(D.params - before)))

        noise = self.noise.next()
        fake = G.forward(noise)
        yield stage("g", noise=noise[:, :self.noise_dim], fake=fake)
        scores = D.forward(self.d_input(fake, noise))
        yield stage("g", fake_pred=prob(scores[:, 0]))
        yield stage("g", g_loss=loss.g_value(scores))
        push = D.backward(loss.g_grad(scores), weight_grads=False, input_grad=True)
        push = push[:, :PIXELS] if k else push
        G.backward(push)
        yield stage("g", fake=fake, fake_grad=-push * len(fake), grad_norm=float(np.linalg.norm(G.grads)))
        self.opt_g.step(G.params, G.grads)
        self.g_updates += 1
        self.epoch += 1
        yield stage("g", fake=G(noise), moved_from=fake)
