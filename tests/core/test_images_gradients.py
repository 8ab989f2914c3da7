"""The image GAN's D and G updates (vanilla and conditional) against central
finite differences of the losses, through the real training code: the
optimizers are swapped for recorders that keep the gradient they are given."""

import numpy as np
import pytest

from ganlab_wasm.digits import load_digits
from ganlab_wasm.image_gan import ImageGAN, one_hot
from ganlab_wasm.image_settings import ImageSettings

from test_gradients import as_float64, numeric_grad, rel_error


class Recorder:
    name = "recorder"

    def __init__(self):
        self.grads = None

    def step(self, params, grads):
        self.grads = grads.copy()


def fixed(batch):
    return type("Fixed", (), {"next": lambda self: batch, "state": lambda self: {}})()


def small_gan(model, loss, seed=0):
    settings = ImageSettings(model=model, noise_dim=3, g_neurons=6, d_neurons=5, g_layers=2, d_layers=1,
                             activation="tanh", loss=loss, batch_size=4, seed=seed)
    gan = ImageGAN(settings, load_digits())
    as_float64(gan.G)
    as_float64(gan.D)
    rng = np.random.default_rng(seed + 7)
    gan.G.params += rng.normal(0, 0.2, gan.G.params.shape)
    gan.D.params += rng.normal(0, 0.2, gan.D.params.shape)
    real = gan.real.next().astype(np.float64)
    noise = gan.noise.next().astype(np.float64)
    gan.real, gan.noise = fixed(real), fixed(noise)
    gan.opt_d, gan.opt_g = Recorder(), Recorder()
    return gan, real, noise


def d_input(gan, images, noise):
    return images if not gan.classes else np.concatenate((images, noise[:, gan.noise_dim:]), axis=1)


@pytest.mark.parametrize("model", ["vanilla", "conditional"])
@pytest.mark.parametrize("loss", ["log", "lsgan", "wasserstein"])
def test_d_update_gradient(model, loss):
    gan, real, noise = small_gan(model, loss)
    gan.loss.after_d_update = lambda d: None            # no clipping: the gradient is what is checked
    gan.d_step()

    def value():
        fake = gan.G(noise)
        scores = gan.D(np.concatenate((real, d_input(gan, fake, noise))))
        return gan.loss.d_value(scores, len(real))
    assert rel_error(gan.opt_d.grads, numeric_grad(value, gan.D.params)) < 1e-6


@pytest.mark.parametrize("model", ["vanilla", "conditional"])
@pytest.mark.parametrize("loss", ["log", "minimax", "hinge"])
def test_g_update_gradient(model, loss):
    gan, real, noise = small_gan(model, loss, seed=1)
    gan.g_step()

    def value():
        return gan.loss.g_value(gan.D(d_input(gan, gan.G(noise), noise)))
    assert rel_error(gan.opt_g.grads, numeric_grad(value, gan.G.params)) < 1e-6


def test_g_step_reusing_the_d_steps_fakes_gets_the_same_gradient():
    gan, _, _ = small_gan("conditional", "log")
    gan.d_step()
    gan.g_step(reuse_fakes=True)
    reused = gan.opt_g.grads
    gan.g_step()
    assert np.allclose(reused, gan.opt_g.grads)


def test_conditional_inputs_carry_the_label():
    gan, real, noise = small_gan("conditional", "log")
    d = load_digits()
    assert gan.G.shapes[0][0] == 3 + 10 and gan.D.shapes[0][0] == 64 + 10
    # real rows: pixels then their own one-hot; noise rows: z then a one-hot
    assert real.shape[1] == 74 and np.all(real[:, 64:].sum(axis=1) == 1)
    assert noise.shape[1] == 13 and np.all(noise[:, 3:].sum(axis=1) == 1)
    rows = gan.real_rows
    assert np.array_equal(rows[:, 64:], one_hot(d.labels)) and np.array_equal(rows[:, :64], d.images)
    # the label changes what G makes
    z = np.zeros((2, 3))
    images = gan.generate(z, [1, 7])
    assert images.shape == (2, 64) and not np.allclose(images[0], images[1])
    assert images.min() >= 0 and images.max() <= 1
