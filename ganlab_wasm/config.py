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
    # Count first: 100,000 points took seconds to convert before being refused.
    if isinstance(value, (list, tuple)) and len(value) > MAX_DRAWN_POINTS:
        raise ConfigError(f"{name} has {len(value)} points; at most {MAX_DRAWN_POINTS} are allowed")
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
    Field("noise_type", "choice", "uniform", "distribution of the input noise", NOISE_TYPES, structural=True),
    Field("g_layers", "int", 2, "hidden layers in the generator", low=1, high=6, structural=True),
    Field("g_neurons", "int", 8, "neurons in each hidden layer of the generator", low=1, high=100, structural=True),
    Field("d_layers", "int", 2, "hidden layers in the discriminator", low=1, high=6, structural=True),
    Field("d_neurons", "int", 8, "neurons in each hidden layer of the discriminator", low=1, high=100, structural=True),
    Field("activation", "choice", "relu", "activation of the hidden layers", ACTIVATIONS, structural=True),
    Field("loss", "choice", "log", "the GAN objective", LOSSES),
    Field("optimizer_g", "choice", "sgd", "the generator's optimizer", OPTIMIZERS),
    Field("optimizer_d", "choice", "sgd", "the discriminator's optimizer", OPTIMIZERS),
    Field("learning_rate_g", "float", 0.1, "the generator's learning rate", low=1e-5, high=10.0),
    Field("learning_rate_d", "float", 0.1, "the discriminator's learning rate", low=1e-5, high=10.0),
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
    noise_type: str = "uniform"
    g_layers: int = 2
    g_neurons: int = 8
    d_layers: int = 2
    d_neurons: int = 8
    activation: str = "relu"
    loss: str = "log"
    optimizer_g: str = "sgd"
    optimizer_d: str = "sgd"
    learning_rate_g: float = 0.1
    learning_rate_d: float = 0.1
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


# Settings that train each preset well. GAN Lab shipped such settings with its
# pretrained models (its layer counts exclude the first hidden layer, ours
# count every hidden layer). Applying them is always an explicit choice.
RECOMMENDED = {
    "line": dict(noise_type="uniform", g_layers=2, g_neurons=5, d_layers=2, d_neurons=6,
                 learning_rate_d=0.03, learning_rate_g=0.01, k_d=2, k_g=1),
    "gaussians": dict(noise_type="gaussian", g_layers=2, g_neurons=8, d_layers=2, d_neurons=8,
                      learning_rate_d=0.1, learning_rate_g=0.03, k_d=2, k_g=1),
    "ring": dict(noise_type="uniform", g_layers=2, g_neurons=10, d_layers=3, d_neurons=9,
                 learning_rate_d=0.1, learning_rate_g=0.03, k_d=3, k_g=1),
    "disjoint": dict(noise_type="gaussian", g_layers=3, g_neurons=10, d_layers=3, d_neurons=11,
                     learning_rate_d=0.1, learning_rate_g=0.03, k_d=1, k_g=1),
    "spiral": dict(noise_type="uniform", g_layers=3, g_neurons=16, d_layers=3, d_neurons=16,
                   learning_rate_d=0.1, learning_rate_g=0.03, k_d=2, k_g=1),
    "eight_gaussians": dict(noise_type="uniform", g_layers=3, g_neurons=16, d_layers=3, d_neurons=16,
                            learning_rate_d=0.1, learning_rate_g=0.03, k_d=2, k_g=1),
    "grid": dict(noise_type="uniform", g_layers=3, g_neurons=20, d_layers=3, d_neurons=20,
                 learning_rate_d=0.1, learning_rate_g=0.03, k_d=2, k_g=1),
    "moons": dict(noise_type="uniform", g_layers=3, g_neurons=12, d_layers=3, d_neurons=12,
                  learning_rate_d=0.1, learning_rate_g=0.03, k_d=2, k_g=1),
    "drawn": dict(noise_type="uniform", g_layers=2, g_neurons=12, d_layers=2, d_neurons=12,
                  learning_rate_d=0.1, learning_rate_g=0.03, k_d=2, k_g=1),
}


def recommended(config):
    """The config with its distribution's recommended settings applied."""
    return config.replace(**RECOMMENDED[config.distribution])
