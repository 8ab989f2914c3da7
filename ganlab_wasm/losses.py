"""GAN objectives, written on the discriminator's raw score s.

For a discriminator update the batch is [real; fake] stacked (2n rows), so one
forward and one backward pass serve both halves. Each loss gives the value and
the gradient with respect to the scores; each half's loss is a mean over its n
samples. `prob` turns scores into what the page shows as "how real D thinks
this is", in [0, 1].
"""

import numpy as np


def softplus(x):
    """log(1 + e^x), computed without overflow."""
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def sigmoid(x):
    return 0.5 + 0.5 * np.tanh(0.5 * x)


class Loss:
    name = ""

    def __init__(self, real_label=1.0):
        self.real_label = real_label
        self._cache = {}

    def _column(self, key, n, real_value, fake_value):
        """A constant (2n, 1) column, real_value on the top half and fake_value
        below, built once per batch size."""
        col = self._cache.get((key, n))
        if col is None:
            col = self._cache[key, n] = np.empty((2 * n, 1), np.float32)
            col[:n], col[n:] = real_value, fake_value
        return col

    def after_d_update(self, discriminator):
        """Hook run after each discriminator update (weight clipping)."""

    def prob(self, s, calibration=None):
        return sigmoid(s)

    def calibrate(self, real_scores, fake_scores):
        """What `prob` needs to map scores to [0, 1] for display (None if nothing)."""
        return None


class LogLoss(Loss):
    """GAN Lab's loss: D maximises log D(x) + log(1 - D(G(z))) with D = sigmoid(s),
    aiming at `real_label` (one-sided smoothing) on real samples; G minimises the
    non-saturating -log D(G(z)), which keeps strong gradients while D wins."""

    name = "log"

    def d_grad(self, s, n):
        # d/ds of the two means is (sigmoid(s) - target) / n; with
        # sigmoid(s) = 0.5 + 0.5 tanh(s/2) this is tanh(s/2) * (0.5/n) + offset.
        offset = self._column("offset", n, (0.5 - self.real_label) / n, 0.5 / n)
        d = s * 0.5
        np.tanh(d, out=d)
        d *= 0.5 / n
        d += offset
        return d

    def d_value(self, s, n):
        real, fake = s[:n], s[n:]
        y = self.real_label
        return float(np.mean(y * softplus(-real) + (1 - y) * softplus(real)) + np.mean(softplus(fake)))

    def g_grad(self, s):
        n = len(s)
        d = s * 0.5
        np.tanh(d, out=d)
        d *= 0.5 / n
        d -= 0.5 / n
        return d

    def g_value(self, s):
        return float(np.mean(softplus(-s)))


class MinimaxLoss(LogLoss):
    """The original minimax game: D as in the log loss, G minimises
    log(1 - D(G(z))). Its gradient vanishes when D confidently rejects the fakes,
    which is exactly when G needs it most: watch it saturate early in training."""

    name = "minimax"

    def g_grad(self, s):
        n = len(s)
        d = s * 0.5
        np.tanh(d, out=d)
        d *= -0.5 / n
        d -= 0.5 / n
        return d

    def g_value(self, s):
        return float(-np.mean(softplus(s)))


class LeastSquaresLoss(Loss):
    """LSGAN: D regresses its score to 1 on real and 0 on fake samples, G pulls
    the score of its samples towards 1; squared errors penalise samples far from
    the decision boundary even when they are on the right side of it."""

    name = "lsgan"

    def d_grad(self, s, n):
        target = self._column("target", n, 1.0, 0.0)
        d = s - target
        d *= 1.0 / n
        return d

    def d_value(self, s, n):
        return float(0.5 * np.mean((s[:n] - 1) ** 2) + 0.5 * np.mean(s[n:] ** 2))

    def g_grad(self, s):
        d = s - 1.0
        d *= 1.0 / len(s)
        return d

    def g_value(self, s):
        return float(0.5 * np.mean((s - 1) ** 2))

    def prob(self, s, calibration=None):
        return np.clip(s, 0, 1)


class HingeLoss(Loss):
    """Hinge: D wants scores of at least +1 on real and at most -1 on fake
    samples and ignores samples already past their margin; G raises its samples'
    scores."""

    name = "hinge"

    def d_grad(self, s, n):
        sign = self._column("sign", n, 1.0, -1.0)
        step = self._column("step", n, -1.0 / n, 1.0 / n)
        inside = sign * s < 1          # samples still inside their margin
        return step * inside

    def d_value(self, s, n):
        return float(np.mean(np.maximum(0, 1 - s[:n])) + np.mean(np.maximum(0, 1 + s[n:])))

    def g_grad(self, s):
        return np.full_like(s, -1.0 / len(s))

    def g_value(self, s):
        return float(-np.mean(s))

    def prob(self, s, calibration=None):
        return np.clip(0.5 + 0.5 * s, 0, 1)


class WassersteinLoss(Loss):
    """Wasserstein GAN: the critic D maximises mean D(real) - mean D(fake) while
    its weights are clipped to [-clip, clip] (a crude way to keep it Lipschitz);
    G raises the critic's score of its samples. Scores have no fixed scale, so
    the page shows them relative to the current real and fake scores."""

    name = "wasserstein"

    def __init__(self, real_label=1.0, clip=0.1):
        super().__init__(real_label)
        self.clip = clip

    def d_grad(self, s, n):
        return self._column("step", n, -1.0 / n, 1.0 / n)

    def d_value(self, s, n):
        return float(np.mean(s[n:]) - np.mean(s[:n]))

    def g_grad(self, s):
        return np.full_like(s, -1.0 / len(s))

    def g_value(self, s):
        return float(-np.mean(s))

    def after_d_update(self, discriminator):
        np.clip(discriminator.params, -self.clip, self.clip, out=discriminator.params)

    def calibrate(self, real_scores, fake_scores):
        mid = 0.5 * (float(np.mean(real_scores)) + float(np.mean(fake_scores)))
        spread = float(np.std(np.concatenate([real_scores.ravel(), fake_scores.ravel()])))
        return mid, max(spread, 1e-6)

    def prob(self, s, calibration=None):
        mid, spread = calibration if calibration else (0.0, 1.0)
        return sigmoid((s - mid) / spread)


LOSSES = {cls.name: cls for cls in (LogLoss, MinimaxLoss, LeastSquaresLoss, HingeLoss, WassersteinLoss)}


def make_loss(name, real_label=1.0, clip=0.1):
    if name == "wasserstein":
        return WassersteinLoss(real_label, clip)
    return LOSSES[name](real_label)
