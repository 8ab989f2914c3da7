"""One validated configuration for a run.

Every other place that needs the list of settings (the URL state, the worker
protocol, the page's controls) derives it from `FIELDS` via `Config.schema()`,
so a setting is spelled out exactly once.
"""

from dataclasses import dataclass, fields, replace

DISTRIBUTIONS = ("line", "gaussians", "ring", "disjoint", "spiral",
                 "eight_gaussians", "grid", "moons", "drawn")
ACTIVATIONS = ("relu", "leaky_relu", "tanh")
LOSSES = ("log", "minimax", "lsgan", "hinge", "wasserstein")
OPTIMIZERS = ("sgd", "momentum", "adam", "rmsprop")
NOISE_TYPES = ("uniform", "gaussian")

MIN_DRAWN_POINTS = 10
MAX_DRAWN_POINTS = 2000


class ConfigError(ValueError):
    """A setting is missing, unknown, of the wrong type or out of range."""


@dataclass(frozen=True)
class Field:
    name: str
    kind: str            # "choice", "int", "float" or "points"
    default: object
    doc: str
    choices: tuple = ()
    low: float = None
    high: float = None
    structural: bool = False   # changing it starts a new run (new networks)

    def check(self, value):
        """Return the value in canonical form, or raise ConfigError."""
        if self.kind == "choice":
            if value not in self.choices:
                raise ConfigError(f"{self.name} must be one of {', '.join(self.choices)}; got {value!r}")
            return value
        if self.kind == "points":
            return _check_points(self.name, value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{self.name} must be a number; got {value!r}")
        if self.kind == "int":
            if value != int(value):
                raise ConfigError(f"{self.name} must be a whole number; got {value!r}")
            value = int(value)
        else:
            value = float(value)
        if not (self.low <= value <= self.high):
            raise ConfigError(f"{self.name} must be between {self.low:g} and {self.high:g}; got {value!r}")
        return value


def _check_points(name, value):
    try:
        points = tuple((float(x), float(y)) for x, y in value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a list of (x, y) pairs") from None
    if len(points) > MAX_DRAWN_POINTS:
        raise ConfigError(f"{name} has {len(points)} points; at most {MAX_DRAWN_POINTS} are allowed")
    for x, y in points:
        if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
            raise ConfigError(f"{name} must lie in the unit square [0, 1]^2; got ({x:g}, {y:g})")
    return points


FIELDS = (
    Field("distribution", "choice", "gaussians", "the real data's shape", DISTRIBUTIONS, structural=True),
    Field("points", "points", (), "the drawn distribution's points, in [0, 1]^2", structural=True),
    Field("noise_dim", "int", 2, "dimensions of the generator's input noise", low=1, high=2, structural=True),
    Field("noise_type", "choice", "gaussian", "distribution of the input noise", NOISE_TYPES, structural=True),
    Field("g_layers", "int", 2, "hidden layers in the generator", low=1, high=6, structural=True),
    Field("g_neurons", "int", 16, "neurons in each hidden layer of the generator", low=1, high=100, structural=True),
    Field("d_layers", "int", 3, "hidden layers in the discriminator", low=1, high=6, structural=True),
    Field("d_neurons", "int", 32, "neurons in each hidden layer of the discriminator", low=1, high=100, structural=True),
    Field("activation", "choice", "leaky_relu", "activation of the hidden layers", ACTIVATIONS, structural=True),
    Field("loss", "choice", "log", "the GAN objective", LOSSES),
    Field("optimizer_g", "choice", "adam", "the generator's optimizer", OPTIMIZERS),
    Field("optimizer_d", "choice", "adam", "the discriminator's optimizer", OPTIMIZERS),
    Field("learning_rate_g", "float", 0.0003, "the generator's learning rate", low=1e-5, high=10.0),
    Field("learning_rate_d", "float", 0.002, "the discriminator's learning rate", low=1e-5, high=10.0),
    Field("k_d", "int", 2, "discriminator updates per epoch", low=0, high=10),
    Field("k_g", "int", 1, "generator updates per epoch", low=0, high=10),
    Field("batch_size", "int", 150, "samples of each kind per update", low=1, high=2048),
    Field("real_label", "float", 0.95, "D's target on real samples in the log losses (1 = no smoothing)",
          low=0.5, high=1.0),
    Field("clip", "float", 0.1, "weight clipping bound for the Wasserstein critic", low=1e-3, high=10.0),
    Field("seed", "int", 0, "seed of the run's random numbers", low=0, high=2**31 - 1, structural=True),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
STRUCTURAL = frozenset(f.name for f in FIELDS if f.structural)


@dataclass(frozen=True)
class Config:
    distribution: str = "gaussians"
    points: tuple = ()
    noise_dim: int = 2
    noise_type: str = "gaussian"
    g_layers: int = 2
    g_neurons: int = 16
    d_layers: int = 3
    d_neurons: int = 32
    activation: str = "leaky_relu"
    loss: str = "log"
    optimizer_g: str = "adam"
    optimizer_d: str = "adam"
    learning_rate_g: float = 0.0003
    learning_rate_d: float = 0.002
    k_d: int = 2
    k_g: int = 1
    batch_size: int = 150
    real_label: float = 0.95
    clip: float = 0.1
    seed: int = 0

    def __post_init__(self):
        for f in FIELDS:
            object.__setattr__(self, f.name, f.check(getattr(self, f.name)))
        if self.distribution == "drawn" and len(self.points) < MIN_DRAWN_POINTS:
            raise ConfigError(f"points: a drawn distribution needs at least {MIN_DRAWN_POINTS} points; "
                              f"got {len(self.points)}")
        if self.k_d == 0 and self.k_g == 0:
            raise ConfigError("k_d and k_g cannot both be 0: an epoch would do nothing")

    def replace(self, **changes):
        """A new validated Config with some fields changed."""
        unknown = set(changes) - set(FIELD_BY_NAME)
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return replace(self, **changes)

    def to_dict(self):
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["points"] = [list(p) for p in self.points]
        return out

    @classmethod
    def from_dict(cls, data):
        unknown = set(data) - set(FIELD_BY_NAME)
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return cls(**data)

    @staticmethod
    def schema():
        """Every field with its type, default, range and doc, as plain JSON-able data."""
        out = []
        for f in FIELDS:
            entry = {"name": f.name, "kind": f.kind, "default": f.default, "doc": f.doc,
                     "structural": f.structural}
            if f.choices:
                entry["choices"] = list(f.choices)
            if f.low is not None:
                entry["low"], entry["high"] = f.low, f.high
            if f.kind == "points":
                entry["default"] = []
                entry["min_points"], entry["max_points"] = MIN_DRAWN_POINTS, MAX_DRAWN_POINTS
            out.append(entry)
        return out


# Settings that train each preset well, chosen by scripts/tune_presets.py
# over seeds (GAN Lab shipped hand-picked ones with its pretrained models).
# Every entry names its optimizers and learning rates, so applying it gives
# the same run whatever was set before. Applying them is always an explicit
# choice.
_ADAM = dict(optimizer_g="adam", optimizer_d="adam", learning_rate_g=0.0003, learning_rate_d=0.002,
             activation="leaky_relu", k_d=2, k_g=1, batch_size=150, real_label=0.95)
RECOMMENDED = {
    "line": dict(_ADAM, noise_type="uniform", g_layers=2, g_neurons=16, d_layers=3, d_neurons=32),
    "gaussians": dict(_ADAM, noise_type="gaussian", g_layers=2, g_neurons=16, d_layers=3, d_neurons=32),
    "ring": dict(_ADAM, noise_type="uniform", g_layers=2, g_neurons=32, d_layers=3, d_neurons=32),
    "disjoint": dict(_ADAM, noise_type="gaussian", g_layers=3, g_neurons=32, d_layers=3, d_neurons=32),
    "spiral": dict(_ADAM, noise_type="uniform", g_layers=3, g_neurons=32, d_layers=3, d_neurons=32),
    "eight_gaussians": dict(_ADAM, noise_type="uniform", g_layers=3, g_neurons=32, d_layers=3, d_neurons=32),
    "grid": dict(_ADAM, noise_type="uniform", g_layers=3, g_neurons=32, d_layers=3, d_neurons=32),
    "moons": dict(_ADAM, noise_type="uniform", g_layers=3, g_neurons=32, d_layers=3, d_neurons=32),
    "drawn": dict(_ADAM, noise_type="uniform", g_layers=3, g_neurons=32, d_layers=3, d_neurons=32),
}

# What the page offers with each loss (added on top of the data's settings by
# recommended()). GAN Lab's log loss needs nothing more; the Wasserstein
# critic with weight clipping trains only with RMSprop and several critic
# steps, as in the WGAN paper.
LOSS_SETTINGS = {
    "log": {},
    "minimax": {},
    "lsgan": {},
    "hinge": {},
    "wasserstein": dict(optimizer_g="rmsprop", optimizer_d="rmsprop", learning_rate_g=0.0005,
                        learning_rate_d=0.0005, k_d=5, clip=0.1),
}


def recommended_settings(config):
    """The settings recommended for the config's data and loss."""
    return {**RECOMMENDED[config.distribution], **LOSS_SETTINGS[config.loss]}


def recommended(config):
    """The config with its data's and loss's recommended settings applied."""
    return config.replace(**recommended_settings(config))
