"""One validated configuration for a run.

`Config` is built from the settings declared in schema.py (its fields, their
order, defaults and checks), so a setting is spelled out exactly once; the
URL state, the worker protocol and the page's controls read the same schema.
"""

from dataclasses import dataclass, fields, replace

from .schema import (ACTIVATIONS, DISTRIBUTIONS, LOSSES, MAX_DRAWN_POINTS, MIN_DRAWN_POINTS,  # noqa: F401
                     NOISE_TYPES, OPTIMIZERS, SETTINGS, STRUCTURAL, ConfigError, Setting, check_rules)

Field = Setting            # the name older code and tests use for one setting
FIELDS = SETTINGS
FIELD_BY_NAME = {f.name: f for f in FIELDS}
_TYPES = {"choice": str, "int": int, "float": float, "points": tuple, "bool": bool}


def _fields_from_schema(cls):
    """Give cls one dataclass field per schema setting, in the schema's order."""
    cls.__annotations__ = {f.name: _TYPES[f.kind] for f in FIELDS}
    for f in FIELDS:
        setattr(cls, f.name, f.default)
    return dataclass(frozen=True)(cls)


@_fields_from_schema
class Config:
    """The settings of one run; see schema.SETTINGS for each field."""

    def __post_init__(self):
        for f in FIELDS:
            object.__setattr__(self, f.name, f.check(getattr(self, f.name)))
        check_rules({f.name: getattr(self, f.name) for f in FIELDS})

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
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(map(str, unknown)))}")
        return cls(**data)

    @staticmethod
    def schema():
        """Every field with its type, default, range, label and doc, as plain JSON-able data."""
        return [f.export() for f in FIELDS]


# Settings that train each preset well, chosen by scripts/tune_presets.py
# over seeds (GAN Lab shipped hand-picked ones with its pretrained models).
# Every entry names its optimizers and learning rates, so applying it gives
# the same run whatever was set before. Applying them is always an explicit
# choice.
_ADAM = dict(optimizer_g="adam", optimizer_d="adam", learning_rate_g=0.0003, learning_rate_d=0.002,
             activation="leaky_relu", k_d=2, k_g=1, batch_size=150, real_label=0.95, g_average=0)
# Thin shapes (a line, a ring, curves) reach the data at _ADAM's rates, then
# oscillate round it: with G 0.0003 the ring's KL rose above 0.4 after
# reaching 0.3 on 3 of 3 seeds (worst 1.1-1.3). A generator 20x slower than
# its discriminator and batches of 400 hold it (worst 0.29-0.36); a weaker D
# (2 layers, or k_d 1) brought the swings back.
_STEADY = dict(_ADAM, learning_rate_g=0.0001, batch_size=400)
# Small separate clusters (three clusters, eight Gaussians, the grid): the
# generator reaches them and keeps circling round them, KL swinging between
# 0.3 and 1.3-1.8 on every seed of every setting swept (issue 10's notes).
# Showing a running average of G's weights over ~500 updates (g_average)
# holds it on the data; slower rates and a real label of 1 do the rest.
_CLUSTERS = dict(_ADAM, learning_rate_g=0.0002, learning_rate_d=0.001, real_label=1.0, g_average=500)
RECOMMENDED = {
    "line": dict(_STEADY, noise_type="uniform", g_layers=2, g_neurons=16, d_layers=3, d_neurons=32),
    "gaussians": dict(_ADAM, noise_type="gaussian", g_layers=2, g_neurons=16, d_layers=3, d_neurons=32),
    "ring": dict(_STEADY, noise_type="uniform", g_layers=2, g_neurons=32, d_layers=3, d_neurons=32),
    "disjoint": dict(_CLUSTERS, learning_rate_g=0.0001, learning_rate_d=0.0005, noise_type="gaussian", g_layers=3,
                     g_neurons=32, d_layers=3, d_neurons=32),
    # the spiral held KL 0.4 on 6 of 10 seeds with D at 0.002, on 8 at 0.0015 (17 of 20)
    "spiral": dict(_STEADY, learning_rate_d=0.0015, noise_type="uniform", g_layers=3, g_neurons=32, d_layers=3,
                   d_neurons=32),
    "eight_gaussians": dict(_CLUSTERS, batch_size=300, noise_type="uniform", g_layers=3, g_neurons=64, d_layers=3,
                            d_neurons=64),
    "grid": dict(_CLUSTERS, batch_size=400, noise_type="uniform", g_layers=3, g_neurons=64, d_layers=3, d_neurons=64),
    "moons": dict(_STEADY, noise_type="uniform", g_layers=3, g_neurons=32, d_layers=3, d_neurons=32, k_d=3),
    # Drawn shapes train like the thin ones: at _ADAM's rates two dabbed blobs
    # reached KL 0.4 within 5,000 epochs on 5 of 10 seeds, at _STEADY's on 9
    # (an S stroke: 10 and 10).
    "drawn": dict(_STEADY, noise_type="uniform", g_layers=3, g_neurons=32, d_layers=3, d_neurons=32),
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
