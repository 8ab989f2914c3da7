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

from dataclasses import dataclass, fields, replace

from .backend import NUMPY
from .config import ACTIVATIONS, LOSSES, NOISE_TYPES, OPTIMIZERS

MODELS = ("vanilla", "conditional")
GRID_ROWS = GRID_COLS = 10       # the fixed-noise grid: 100 fakes; conditional: row r asks for class r
GRID = GRID_ROWS * GRID_COLS
CONFIDENT = 0.8                  # a fake is "read" when the classifier gives its class p >= 0.8
HISTORY_MAX = 128                # snapshots of the grid kept (uint8 pixels + uint8 scores)


class ImageSettingsError(ValueError):
    """A setting is missing, unknown, of the wrong type or out of range (the
    message names the setting by its page label)."""


@dataclass(frozen=True)
class ImageField:
    name: str
    kind: str            # "choice", "int" or "float"
    default: object
    label: str           # what the page calls it; error messages use it
    choices: tuple = ()
    low: float = None
    high: float = None
    structural: bool = False   # changing it starts a new run (new networks)


FIELDS = (
    ImageField("model", "choice", "vanilla", "model", MODELS, structural=True),
    ImageField("noise_dim", "int", 16, "noise dimensions", low=1, high=64, structural=True),
    ImageField("noise_type", "choice", "gaussian", "noise distribution", NOISE_TYPES, structural=True),
    ImageField("g_layers", "int", 1, "G hidden layers", low=1, high=4, structural=True),
    ImageField("g_neurons", "int", 128, "G neurons per layer", low=4, high=512, structural=True),
    ImageField("d_layers", "int", 1, "D hidden layers", low=1, high=4, structural=True),
    ImageField("d_neurons", "int", 128, "D neurons per layer", low=4, high=512, structural=True),
    ImageField("activation", "choice", "leaky_relu", "activation", ACTIVATIONS, structural=True),
    ImageField("loss", "choice", "log", "loss", LOSSES),
    ImageField("optimizer_g", "choice", "adam", "optimizer (G)", OPTIMIZERS),
    ImageField("optimizer_d", "choice", "adam", "optimizer (D)", OPTIMIZERS),
    ImageField("learning_rate_g", "float", 0.002, "learning rate (G)", low=1e-5, high=1.0),
    ImageField("learning_rate_d", "float", 0.002, "learning rate (D)", low=1e-5, high=1.0),
    ImageField("k_d", "int", 1, "D steps per epoch", low=0, high=10),
    ImageField("k_g", "int", 1, "G steps per epoch", low=0, high=10),
    ImageField("batch_size", "int", 64, "batch size", low=1, high=1024),
    ImageField("real_label", "float", 0.9, "real label (smoothing)", low=0.5, high=1.0),
    ImageField("clip", "float", 0.01, "critic weight clip", low=1e-3, high=10.0),
    ImageField("sample_every", "int", 200, "sample interval (epochs)", low=1, high=100_000),
    ImageField("seed", "int", 0, "seed", low=0, high=2**31 - 1, structural=True),
)


@dataclass(frozen=True)
class ImageSettings:
    """One validated set of image-lab settings (defaults: see FIELDS; chosen
    by scripts/tune_images.py). `replace(**changes)`, `to_dict()`,
    `from_dict(d)` and `schema()` work as on `Config`."""
    model: str = "vanilla"
    noise_dim: int = 16
    noise_type: str = "gaussian"
    g_layers: int = 1
    g_neurons: int = 128
    d_layers: int = 1
    d_neurons: int = 128
    activation: str = "leaky_relu"
    loss: str = "log"
    optimizer_g: str = "adam"
    optimizer_d: str = "adam"
    learning_rate_g: float = 0.002
    learning_rate_d: float = 0.002
    k_d: int = 1
    k_g: int = 1
    batch_size: int = 64
    real_label: float = 0.9
    clip: float = 0.01
    sample_every: int = 200
    seed: int = 0

    def replace(self, **changes):
        return replace(self, **changes)

    def to_dict(self):
        return {f.name: getattr(self, f.name) for f in fields(self)}


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
          confident: share of 500 fixed-noise fakes the classifier reads with
          p >= 0.8; classes_covered: how many of the 10 classes those confident
          reads hit; top_share: the largest class's share of the confident
          reads; label_agreement: share of fakes read (p >= 0.8) as the class
          they were asked for. `recognisable(metrics["digits"])` applies the
          thresholds (>= 0.8, >= 8, <= 0.25; conditional: agreement >= 0.8).
      frame() -> dict of float32 arrays (C-contiguous):
          grid (100, 64)            fakes of the fixed noise, grid order (row r = entries 10r..10r+9;
                                    conditional: row r asks for class r)
          grid_score (100,)         D's "how real" for each, in [0, 1]
          grid_read (100,)          the classifier's class for each, 0..9
          grid_confidence (100,)    its probability, in [0, 1]
          grid_class (100,)         the asked class (conditional), else -1
          grid_nearest (100, 64)    each fake's nearest real image (Euclidean in pixel space)
          grid_nearest_distance (100,)  RMS pixel distance to it, in [0, 1]
          grid_nearest_index (100,) its index in the dataset
          class_share (10,)         share of the 500 evaluated fakes read as each class (any p)
          confident_share (10,)     share read as each class with p >= 0.8 (sums to `confident`)
          latent (C, C, 64)         the latent map: G over a C x C grid of two noise dims
                                    (view "latent_dims"), the others held at the view's base z;
                                    latent[i, j] has dim0 = axis[j], dim1 = axis[i]
          latent_axis (C,)          the noise values along each axis
          latent_score (C, C)       D's "how real" for each latent image
          slider (64,)              G of the view's slider z (and slider class)
          slider_score (1,)         D's "how real" for it
          slider_read (2,)          [class, probability] read by the classifier
          noise (100, noise_dim)    the grid's fixed noise (sliders can start from a fake)
      dataset() -> static float32 arrays: examples (10, 64) one real image per class,
          sample (25, 64) and sample_label (25,) random real images (fixed per seed)
      generate(z, label=None) -> {"image": (64,) float32, "score": float, "read": int,
          "confidence": float}: one image for noise z (length noise_dim), class `label`
          (0..9, conditional only)
      nearest(image) -> {"image": (64,), "index": int, "label": int, "distance": float}
      history() -> {"epoch": (H,) int, "grid": (H, 100, 64) uint8 (pixel * 255),
          "score": (H, 100) uint8 (D prob * 255), "every": int}: the grid every
          `sample_every` epochs; at most HISTORY_MAX = 128 snapshots (6,500 bytes
          each, 832,000 bytes at most): when full, every second one is dropped
          and the interval doubles, so the history always spans the whole run
      log() -> dict of float32 arrays over the run, one entry per `sample_every`
          epochs (bounded the same way, 1,024 entries): epoch, d_loss, g_loss,
          confident, classes_covered, top_share, label_agreement (NaN for vanilla)

    Changing:
      update(**changes) -> {"rebuilt": bool, "changed": [names]}; bad values raise
          ImageSettingsError and change nothing
      set_view(latent_dims=(i, j), latent_cells=C (2..16), latent_class=k,
          slider_z=[...], slider_class=k) -> the view options dict (validated, nothing
          changed on error); views only, never the training state
      reset()

    Saving: save() -> bytes; ImageLab.load(blob) (LoadError on anything else);
      ImageLab.pretrained("vanilla" | "conditional") (shipped, made by
      scripts/make_pretrained_images.py).
    """

    def __init__(self, settings=None, backend=NUMPY, **overrides):
        raise NotImplementedError("skeleton: being filled in (issue 12)")
