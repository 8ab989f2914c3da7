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
