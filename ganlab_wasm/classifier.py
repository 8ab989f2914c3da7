"""The digit reader: a small classifier that reads every shown fake.

A one-hidden-layer MLP (64 pixels -> 48 ReLU -> 10 class scores -> softmax),
trained on 80% of the real digits by scripts/make_pretrained_images.py (a
few seconds) and shipped as assets/digit_classifier.npz (float16, ~7 KB).
It is the yardstick of the image lab's quality figures (p >= 0.8 counts as
a confident read, image_lab.CONFIDENT).

Besides the digits it sees junk (pixel noise, blurred noise, blank and
saturated images) with a uniform target, so what is no digit at all is read
as no class. It is otherwise a plain classifier, as the issue asks for; it
does take many 50/50 blends of two digits for one of them (about half at
p >= 0.8). `train_classifier(mixup=0.5)` makes a stricter reader (half of
each batch blends t*a + (1-t)*b with soft targets t and 1-t) that rejects
nearly all such blends; scripts/tune_images.py reports the figures by both.
"""

import io
from importlib import resources

import numpy as np

from .digits import CLASSES, PIXELS
from .nn import MLP
from .optim import make_optimizer

F32 = np.float32
HIDDEN = 48


def softmax(scores):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    e /= e.sum(axis=1, keepdims=True)
    return e


class DigitClassifier:
    """Reads 8x8 images (n, 64) in [0, 1]."""

    def __init__(self, params, hidden=HIDDEN):
        self.net = MLP(PIXELS, 1, hidden, CLASSES, "relu", "linear", np.random.default_rng(0))
        params = np.asarray(params, F32)
        if params.shape != self.net.params.shape or not np.isfinite(params).all():
            raise ValueError("classifier weights do not fit a 64-%d-10 network" % hidden)
        self.net.params[...] = params
        self.hidden = hidden

    def proba(self, images):
        """(n, 10) class probabilities."""
        return softmax(self.net(np.asarray(images, F32).reshape(-1, PIXELS)))

    def read(self, images):
        """(classes (n,) int, probabilities (n,) of those classes)."""
        p = self.proba(images)
        cls = p.argmax(axis=1)
        return cls, p[np.arange(len(p)), cls]

    def accuracy(self, images, labels):
        return float(np.mean(self.read(images)[0] == labels))

    def to_bytes(self):
        buffer = io.BytesIO()
        np.savez_compressed(buffer, params=self.net.params.astype(np.float16), hidden=np.array(self.hidden))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, blob):
        with np.load(io.BytesIO(bytes(blob)), allow_pickle=False) as npz:
            return cls(npz["params"].astype(F32), int(npz["hidden"]))


def junk(rng, n):
    """Images that are no digit: pixel noise, blurred noise, blank, full."""
    kind = rng.integers(0, 4, n)
    x = rng.random((n, PIXELS), dtype=F32)
    img = x.reshape(n, 8, 8)
    blurred = (img + np.roll(img, 1, 1) + np.roll(img, 1, 2) + np.roll(np.roll(img, 1, 1), 1, 2)) / 4
    x = np.where((kind == 1)[:, None], blurred.reshape(n, PIXELS), x)
    x = np.where((kind == 2)[:, None], x * F32(0.1), x)
    x = np.where((kind == 3)[:, None], 1 - x * F32(0.1), x)
    return x.astype(F32)


def split(digits, holdout=0.2, seed=0):
    """(train indices, held-out indices), stratified by class."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c in range(CLASSES):
        idx = rng.permutation(np.flatnonzero(digits.labels == c))
        k = int(round(len(idx) * holdout))
        test.append(idx[:k])
        train.append(idx[k:])
    return np.concatenate(train), np.concatenate(test)


def train_classifier(images, labels, steps=4000, batch=128, lr=0.01, decay=1e-4, seed=0, hidden=HIDDEN,
                     mixup=0.0):
    """Train a reader with Adam: digits, junk, and a `mixup` share of blends (see the module doc)."""
    rng = np.random.default_rng(seed)
    net = MLP(PIXELS, 1, hidden, CLASSES, "relu", "linear", rng)
    opt = make_optimizer("adam", net.size, lr)
    eye = np.eye(CLASSES, dtype=F32)
    n_mix, n_junk = int(batch * mixup), batch // 8
    n_plain = batch - n_mix - n_junk
    for step in range(steps):
        a = rng.integers(0, len(images), n_plain + n_mix)
        b = rng.integers(0, len(images), n_mix)
        t = rng.random((n_mix, 1), dtype=F32)
        x = np.concatenate((images[a[:n_plain]],
                            t * images[a[n_plain:]] + (1 - t) * images[b],
                            junk(rng, n_junk)))
        y = np.concatenate((eye[labels[a[:n_plain]]],
                            t * eye[labels[a[n_plain:]]] + (1 - t) * eye[labels[b]],
                            np.full((n_junk, CLASSES), 1 / CLASSES, F32)))
        p = softmax(net.forward(x))
        net.backward(((p - y) / len(x)).astype(F32))
        net.grads += F32(decay) * net.params
        opt.lr = lr * (0.5 * (1 + np.cos(np.pi * step / steps)))   # cosine decay
        opt.step(net.params, net.grads)
    return DigitClassifier(net.params.copy(), hidden)


_CACHE = {}


def load_classifier():
    """The shipped reader (assets/digit_classifier.npz), loaded once."""
    if "reader" not in _CACHE:
        blob = (resources.files("ganlab_wasm") / "assets" / "digit_classifier.npz").read_bytes()
        _CACHE["reader"] = DigitClassifier.from_bytes(blob)
    return _CACHE["reader"]
