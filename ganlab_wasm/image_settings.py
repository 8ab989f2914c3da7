"""The image lab's settings: one validated, frozen ImageSettings, described
field by field in FIELDS (kind, default, range, page label, structural), the
same shape as config.Config's fields so both can join one schema later.

Error messages name a setting by its page label ("learning rate (G)"), and
a bad value changes nothing (a new ImageSettings is never half built).
Defaults are chosen by scripts/tune_images.py (see the README).
"""

from dataclasses import dataclass, fields, replace

from .config import ACTIVATIONS, LOSSES, NOISE_TYPES, OPTIMIZERS, ConfigError

MODELS = ("vanilla", "conditional")


class ImageSettingsError(ConfigError):
    """A setting is unknown, of the wrong type or out of range."""


@dataclass(frozen=True)
class ImageField:
    name: str
    kind: str            # "choice", "int" or "float"
    default: object
    label: str           # what the page calls it; messages use it
    choices: tuple = ()
    low: float = None
    high: float = None
    structural: bool = False   # changing it starts a new run (new networks)

    def check(self, value):
        """The value in canonical form, or ImageSettingsError."""
        if self.kind == "choice":
            if value not in self.choices:
                raise ImageSettingsError(f"{self.label} must be one of {', '.join(self.choices)}; got {value!r}")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ImageSettingsError(f"{self.label} must be a number; got {value!r}")
        if value != value or value in (float("inf"), float("-inf")):
            raise ImageSettingsError(f"{self.label} must be a finite number; got {value!r}")
        if self.kind == "int":
            if value != int(value):
                raise ImageSettingsError(f"{self.label} must be a whole number; got {value!r}")
            value = int(value)
        else:
            value = float(value)
        if not self.low <= value <= self.high:
            raise ImageSettingsError(f"{self.label} must be between {self.low:g} and {self.high:g}; got {value!r}")
        return value


FIELDS = (
    ImageField("model", "choice", "vanilla", "model", MODELS, structural=True),
    ImageField("noise_dim", "int", 16, "noise dimensions", low=1, high=64, structural=True),
    # uniform noise and D at half G's rate: 10 of 10 seeds recognisable and varied
    # within 40 s of play in the worker while the page draws, against 6 of 10 in
    # 60 s with Gaussian noise and D 0.002 (scripts/tune_images.py --worker-eps 214)
    ImageField("noise_type", "choice", "uniform", "noise distribution", NOISE_TYPES, structural=True),
    ImageField("g_layers", "int", 1, "G hidden layers", low=1, high=4, structural=True),
    ImageField("g_neurons", "int", 128, "G neurons per layer", low=4, high=512, structural=True),
    ImageField("d_layers", "int", 1, "D hidden layers", low=1, high=4, structural=True),
    ImageField("d_neurons", "int", 128, "D neurons per layer", low=4, high=512, structural=True),
    ImageField("activation", "choice", "leaky_relu", "activation", ACTIVATIONS, structural=True),
    ImageField("loss", "choice", "log", "loss", LOSSES),
    ImageField("optimizer_g", "choice", "adam", "optimizer (G)", OPTIMIZERS),
    ImageField("optimizer_d", "choice", "adam", "optimizer (D)", OPTIMIZERS),
    ImageField("learning_rate_g", "float", 0.002, "learning rate (G)", low=1e-5, high=1.0),
    ImageField("learning_rate_d", "float", 0.001, "learning rate (D)", low=1e-5, high=1.0),
    ImageField("k_d", "int", 1, "D steps per epoch", low=0, high=10),
    ImageField("k_g", "int", 1, "G steps per epoch", low=0, high=10),
    ImageField("batch_size", "int", 32, "batch size", low=1, high=1024),
    ImageField("real_label", "float", 0.9, "real label (smoothing)", low=0.5, high=1.0),
    ImageField("clip", "float", 0.01, "critic weight clip", low=1e-3, high=10.0),
    ImageField("sample_every", "int", 200, "sample interval (epochs)", low=10, high=100_000),
    ImageField("seed", "int", 0, "seed", low=0, high=2**31 - 1, structural=True),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
STRUCTURAL = frozenset(f.name for f in FIELDS if f.structural)


@dataclass(frozen=True)
class ImageSettings:
    model: str = FIELD_BY_NAME["model"].default
    noise_dim: int = FIELD_BY_NAME["noise_dim"].default
    noise_type: str = FIELD_BY_NAME["noise_type"].default
    g_layers: int = FIELD_BY_NAME["g_layers"].default
    g_neurons: int = FIELD_BY_NAME["g_neurons"].default
    d_layers: int = FIELD_BY_NAME["d_layers"].default
    d_neurons: int = FIELD_BY_NAME["d_neurons"].default
    activation: str = FIELD_BY_NAME["activation"].default
    loss: str = FIELD_BY_NAME["loss"].default
    optimizer_g: str = FIELD_BY_NAME["optimizer_g"].default
    optimizer_d: str = FIELD_BY_NAME["optimizer_d"].default
    learning_rate_g: float = FIELD_BY_NAME["learning_rate_g"].default
    learning_rate_d: float = FIELD_BY_NAME["learning_rate_d"].default
    k_d: int = FIELD_BY_NAME["k_d"].default
    k_g: int = FIELD_BY_NAME["k_g"].default
    batch_size: int = FIELD_BY_NAME["batch_size"].default
    real_label: float = FIELD_BY_NAME["real_label"].default
    clip: float = FIELD_BY_NAME["clip"].default
    sample_every: int = FIELD_BY_NAME["sample_every"].default
    seed: int = FIELD_BY_NAME["seed"].default

    def __post_init__(self):
        for f in FIELDS:
            object.__setattr__(self, f.name, f.check(getattr(self, f.name)))
        if self.k_d == 0 and self.k_g == 0:
            raise ImageSettingsError("D steps per epoch and G steps per epoch cannot both be 0: "
                                     "an epoch would do nothing")

    def replace(self, **changes):
        """A new validated ImageSettings with some fields changed."""
        unknown = set(changes) - set(FIELD_BY_NAME)
        if unknown:
            raise ImageSettingsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return replace(self, **changes)

    def to_dict(self):
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data):
        if not isinstance(data, dict):
            raise ImageSettingsError("settings must be an object of name: value")
        unknown = set(data) - set(FIELD_BY_NAME)
        if unknown:
            raise ImageSettingsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return cls(**data)

    @staticmethod
    def schema():
        """Every field as plain JSON-able data (like Config.schema(), plus the label)."""
        out = []
        for f in FIELDS:
            entry = {"name": f.name, "kind": f.kind, "default": f.default, "label": f.label,
                     "structural": f.structural}
            if f.choices:
                entry["choices"] = list(f.choices)
            if f.low is not None:
                entry["low"], entry["high"] = f.low, f.high
            out.append(entry)
        return out
