"""The lab's vocabulary, declared once.

Every setting of a run (the `Config` fields), every session option, every
command the worker takes (and which ones an embedding page may send), the
rules between settings, and the layout of a frame. Everything else derives
from here: `Config` is built from SETTINGS, the session validates `set()` and
every command's arguments against it, and `export()` is what the pages read
(build.py writes it into dist/schema.js; the worker sends it with 'ready').
Adding a setting or a command is one entry here (plus, for a command, its
`cmd_<name>` method on the Session).

Standard library only and no package imports, so build.py can load this one
file by path without numpy.
"""

import math
from dataclasses import dataclass, field

# --- choices -------------------------------------------------------------
DISTRIBUTIONS = ("line", "gaussians", "ring", "disjoint", "spiral",
                 "eight_gaussians", "grid", "moons", "drawn")
ACTIVATIONS = ("relu", "leaky_relu", "tanh")
LOSSES = ("log", "minimax", "lsgan", "hinge", "wasserstein")
OPTIMIZERS = ("sgd", "momentum", "adam", "rmsprop")
NOISE_TYPES = ("uniform", "gaussian")
LEVELS = ("epoch", "d", "g")            # what one step does: an epoch, one D update, one G update
# Epochs per second (None = as fast as possible): "normal" lets a learner watch
# the dynamics, "fast" shows what the worker can do.
SPEEDS = {"slow": 20, "normal": 200, "fast": None}
BACKENDS = ("auto", "cpu", "gpu", "numpy")   # how matrix products run (see accel.py)

MIN_DRAWN_POINTS = 10
MAX_G_AVERAGE = 10_000
MAX_DRAWN_POINTS = 2000
MAX_TRAIN_COMMAND = 5000   # epochs one "train" command may run (in the worker it runs in slices, so pause ends it)
MAX_TEXT_ARG = 2_000_000   # characters of a text argument (pasted points)
# What a comparison may vary (every run keeps the same data); 2 to 4 runs.
COMPARABLE = ("learning_rate_d", "learning_rate_g", "k_d", "k_g", "loss", "optimizer_d", "optimizer_g",
              "real_label", "clip", "seed", "g_layers", "g_neurons", "d_layers", "d_neurons", "activation",
              "batch_size", "noise_type", "noise_dim", "g_average")

# Words for choice values, for the page and its messages.
CHOICE_LABELS = {
    "line": "Line", "gaussians": "Two Gaussians", "ring": "Ring", "disjoint": "Three clusters",
    "spiral": "Spiral", "eight_gaussians": "Eight Gaussians", "grid": "Grid", "moons": "Two moons",
    "drawn": "Drawn by you",
    "log": "log loss", "minimax": "minimax", "lsgan": "least squares", "hinge": "hinge",
    "wasserstein": "Wasserstein",
    "sgd": "SGD", "momentum": "momentum", "adam": "Adam", "rmsprop": "RMSProp",
    "relu": "ReLU", "leaky_relu": "leaky ReLU", "tanh": "tanh",
    "uniform": "uniform", "gaussian": "Gaussian",
    "slow": "slow", "normal": "normal", "fast": "fastest",
    "auto": "automatic", "cpu": "CPU", "gpu": "GPU", "numpy": "numpy only",
    "epoch": "one epoch", "d": "one D update", "g": "one G update",
}


class ConfigError(ValueError):
    """A setting is missing, unknown, of the wrong type or out of range."""


# --- settings ------------------------------------------------------------
@dataclass(frozen=True)
class Setting:
    """One setting: a Config field (scope "config") or a session option ("option")."""
    name: str
    kind: str            # "choice", "int", "float", "bool" or "points"
    default: object
    label: str           # what the page calls it (messages, controls)
    doc: str
    choices: tuple = ()
    low: float = None
    high: float = None
    structural: bool = False   # changing it starts a new run (new networks)
    scope: str = "config"

    def check(self, value):
        """Return the value in canonical form, or raise ConfigError naming the setting."""
        if self.kind == "choice":
            if isinstance(value, bool) or value not in self.choices:
                raise ConfigError(f"{self.name} must be one of {', '.join(self.choices)}; got {value!r}")
            return value
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise ConfigError(f"{self.name} must be true or false; got {value!r}")
            return value
        if self.kind == "points":
            return _check_points(self.name, value)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
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

    def export(self):
        entry = {"name": self.name, "kind": self.kind, "default": self.default, "label": self.label,
                 "doc": self.doc, "structural": self.structural, "scope": self.scope}
        if self.choices:
            entry["choices"] = list(self.choices)
            entry["choice_labels"] = {c: CHOICE_LABELS.get(c, c.replace("_", " ")) for c in self.choices}
        if self.low is not None:
            entry["low"], entry["high"] = self.low, self.high
        if self.kind == "points":
            entry["default"] = []
            entry["min_points"], entry["max_points"] = MIN_DRAWN_POINTS, MAX_DRAWN_POINTS
        return entry


def _check_points(name, value):
    if isinstance(value, (str, bytes, dict)):
        raise ConfigError(f"{name} must be a list of (x, y) pairs")
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


def _config(name, kind, default, label, doc, choices=(), low=None, high=None, structural=False):
    return Setting(name, kind, default, label, doc, tuple(choices), low, high, structural, "config")


def _option(name, kind, default, label, doc, choices=(), low=None, high=None):
    return Setting(name, kind, default, label, doc, tuple(choices), low, high, False, "option")


# The run's settings, in Config's field order (also its positional order).
SETTINGS = (
    _config("distribution", "choice", "gaussians", "data distribution", "the real data's shape",
            DISTRIBUTIONS, structural=True),
    _config("points", "points", (), "drawn points", "the drawn distribution's points, in [0, 1]^2",
            structural=True),
    _config("noise_dim", "int", 2, "noise dimensions", "dimensions of the generator's input noise",
            low=1, high=2, structural=True),
    _config("noise_type", "choice", "gaussian", "noise distribution", "distribution of the input noise",
            NOISE_TYPES, structural=True),
    _config("g_layers", "int", 2, "G hidden layers", "hidden layers in the generator",
            low=1, high=6, structural=True),
    _config("g_neurons", "int", 16, "G neurons per layer", "neurons in each hidden layer of the generator",
            low=1, high=100, structural=True),
    _config("d_layers", "int", 3, "D hidden layers", "hidden layers in the discriminator",
            low=1, high=6, structural=True),
    _config("d_neurons", "int", 32, "D neurons per layer", "neurons in each hidden layer of the discriminator",
            low=1, high=100, structural=True),
    _config("activation", "choice", "leaky_relu", "activation", "activation of the hidden layers",
            ACTIVATIONS, structural=True),
    _config("loss", "choice", "log", "loss function", "the GAN objective", LOSSES),
    _config("optimizer_g", "choice", "adam", "optimizer (G)", "the generator's optimizer", OPTIMIZERS),
    _config("optimizer_d", "choice", "adam", "optimizer (D)", "the discriminator's optimizer", OPTIMIZERS),
    _config("learning_rate_g", "float", 0.0003, "learning rate (G)", "the generator's learning rate",
            low=1e-5, high=10.0),
    _config("learning_rate_d", "float", 0.002, "learning rate (D)", "the discriminator's learning rate",
            low=1e-5, high=10.0),
    _config("k_d", "int", 2, "D updates per epoch", "discriminator updates per epoch", low=0, high=10),
    _config("k_g", "int", 1, "G updates per epoch", "generator updates per epoch", low=0, high=10),
    _config("batch_size", "int", 150, "batch size", "samples of each kind per update", low=1, high=2048),
    _config("real_label", "float", 0.95, "real label",
            "D's target on real samples in the log losses (1 = no smoothing)", low=0.5, high=1.0),
    _config("clip", "float", 0.1, "weight clipping", "weight clipping bound for the Wasserstein critic",
            low=1e-3, high=10.0),
    _config("seed", "int", 0, "random seed", "seed of the run's random numbers",
            low=0, high=2**31 - 1, structural=True),
    _config("g_average", "int", 0, "G shown average (updates)",
            "the page shows the generator's weights averaged over about this many G updates, which steadies "
            "a generator that circles the data (0: the generator as trained)", low=0, high=MAX_G_AVERAGE),
)

# Session options: how the worker runs and draws the run, not part of it.
OPTIONS = (
    _option("speed", "choice", "normal", "speed", "epochs per second while playing", tuple(SPEEDS)),
    _option("slow_motion", "bool", False, "slow motion", "play one stage of an update at a time"),
    _option("stage_ms", "int", 1250, "time per stage", "milliseconds each slow-motion stage is shown",
            low=200, high=10_000),
    _option("step_updates", "int", 20, "updates per step",
            "updates one D or G step button does (1: GAN Lab's single update)", low=1, high=100),
    _option("heatmap_size", "int", 30, "heatmap resolution", "cells per side of D's heatmap", low=8, high=120),
    _option("manifold_cells", "int", 20, "manifold cells", "cells per side of the generator's manifold",
            low=4, high=60),
    _option("backend", "choice", "auto", "matrix products",
            "how matrix products run: fastest, CPU only, GPU or numpy (see accel.py)", BACKENDS),
)

SETTING_BY_NAME = {s.name: s for s in SETTINGS + OPTIONS}
STRUCTURAL = frozenset(s.name for s in SETTINGS if s.structural)


# Rules between settings: checked by Config, exported so a link that breaks
# one can drop just the keys involved.
@dataclass(frozen=True)
class Rule:
    kind: str            # "not_all_zero": not every one of keys may be 0
    keys: tuple
    message: str

    def broken(self, values):
        return self.kind == "not_all_zero" and all(values.get(k) == 0 for k in self.keys)

    def export(self):
        return {"kind": self.kind, "keys": list(self.keys), "message": self.message}


RULES = (Rule("not_all_zero", ("k_d", "k_g"), "k_d and k_g cannot both be 0: an epoch would do nothing"),)


def check_rules(values):
    """Raise ConfigError for the first rule `values` (name -> value) breaks."""
    for rule in RULES:
        if rule.broken(values):
            raise ConfigError(rule.message)
    if values.get("distribution") == "drawn" and len(values.get("points", ())) < MIN_DRAWN_POINTS:
        raise ConfigError(f"points: a drawn distribution needs at least {MIN_DRAWN_POINTS} points; "
                          f"got {len(values.get('points', ()))}")


def split_settings(params):
    """A `set` command's object as (Config changes, checked option values), or
    raise ConfigError. The Config changes are checked once, by Config itself
    (with the rules) when they are applied."""
    if not isinstance(params, dict) or not params:
        raise ConfigError("set needs a non-empty object of settings")
    unknown = sorted(str(k) for k in params if k not in SETTING_BY_NAME)
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
    changes = {k: v for k, v in params.items() if SETTING_BY_NAME[k].scope == "config"}
    options = {k: SETTING_BY_NAME[k].check(v) for k, v in params.items() if SETTING_BY_NAME[k].scope == "option"}
    return changes, options


# --- commands ------------------------------------------------------------
REQUIRED = object()   # an argument without a default


@dataclass(frozen=True)
class Arg:
    name: str
    kind: str            # "choice", "int", "bool", "settings" (an object of settings), "list" or "text"
    default: object = REQUIRED
    doc: str = ""
    choices: tuple = ()
    low: int = None
    high: int = None

    def check(self, command, value):
        what = f"{command} {self.name}"
        if self.kind == "choice" and (isinstance(value, bool) or value not in self.choices):
            raise CommandArgsError(f"{what} must be one of {', '.join(self.choices)}; got {value!r}")
        if self.kind == "bool" and not isinstance(value, bool):
            raise CommandArgsError(f"{what} must be true or false; got {value!r}")
        if self.kind == "int" and (isinstance(value, bool) or not isinstance(value, int)
                                   or not self.low <= value <= self.high):
            raise CommandArgsError(f"{command} needs a whole number of {self.name} between "
                                   f"{self.low} and {self.high}; got {value!r}")
        if self.kind == "settings" and not (isinstance(value, dict) and value):
            raise CommandArgsError(f"{command} needs a non-empty object of settings")
        if self.kind == "list" and not isinstance(value, list):
            raise CommandArgsError(f"{what} must be a list; got {value!r}")
        if self.kind == "list" and self.high is not None and not self.low <= len(value) <= self.high:
            raise CommandArgsError(f"{what} must have {self.low} to {self.high} entries; got {len(value)}")
        if self.kind == "text" and not (isinstance(value, str) and len(value) <= MAX_TEXT_ARG):
            raise CommandArgsError(f"{what} must be text of at most {MAX_TEXT_ARG:,} characters")
        return value

    def export(self):
        entry = {"name": self.name, "kind": self.kind, "required": self.default is REQUIRED, "doc": self.doc}
        if self.default is not REQUIRED:
            entry["default"] = self.default
        if self.choices:
            entry["choices"] = list(self.choices)
        if self.low is not None:
            entry["low"], entry["high"] = self.low, self.high
        return entry


class CommandArgsError(ValueError):
    """A command's arguments do not fit its schema entry."""


@dataclass(frozen=True)
class Command:
    """One command. `where`: "session" (a Session.cmd_<name> method) or "embed"
    (answered by the embedded lab page itself). `embed`: an embedding page may
    send it. `call`: how the JS and Python clients take the arguments:
    "args" (positionally, in order), "options" (one object / keyword arguments),
    "settings" (the settings object itself, or keyword arguments, as `params`).
    `returns`: what the clients' call resolves to: None (nothing), "reply"
    (the whole reply) or the name of one of the reply's keys."""
    name: str
    doc: str
    args: tuple = ()
    embed: bool = False
    where: str = "session"
    call: str = "args"
    returns: str = None

    def check_args(self, args):
        """The arguments with defaults filled in, or raise CommandArgsError."""
        if not isinstance(args, dict):
            raise CommandArgsError(f"{self.name}'s arguments must be an object")
        known = {a.name: a for a in self.args}
        unknown = sorted(str(k) for k in args if k not in known)
        if unknown:
            raise CommandArgsError(f"{self.name} takes no argument(s) {', '.join(unknown)}")
        out = {}
        for arg in self.args:
            if arg.name in args and args[arg.name] is not None:
                out[arg.name] = arg.check(self.name, args[arg.name])
            elif arg.default is REQUIRED:
                if arg.kind == "int":
                    arg.check(self.name, None)      # the range is the clearest message
                raise CommandArgsError(f"{self.name} needs {arg.name}")
            else:
                out[arg.name] = arg.default
        return out

    def export(self):
        return {"name": self.name, "doc": self.doc, "args": [a.export() for a in self.args],
                "embed": self.embed, "where": self.where, "call": self.call, "returns": self.returns}


COMMANDS = (
    Command("hello", "answered at once: the embedded lab is listening", embed=True, where="embed"),
    Command("ready", "answered once Python is up, with the version and this schema",
            embed=True, where="embed", returns="reply"),
    Command("play", "start training", embed=True),
    Command("pause", "stop training", embed=True),
    Command("toggle", "play if paused, else pause", embed=True),
    Command("step", "one step while paused (in slow motion, one stage)",
            (Arg("level", "choice", "epoch", "how much one step does", LEVELS),), embed=True),
    Command("train", "train this many epochs at once, then reply with the metrics",
            (Arg("epochs", "int", doc="epochs to train", low=1, high=MAX_TRAIN_COMMAND),),
            embed=True, returns="metrics"),
    Command("set", "change settings and options together, all or nothing",
            (Arg("params", "settings", doc="setting name -> value"),), embed=True, call="settings"),
    Command("reset", "back to epoch 0 with the same settings; with new_seed, new initial weights too",
            (Arg("new_seed", "bool", False, "draw a new seed"),), embed=True, call="options"),
    Command("recommended", "apply the distribution's recommended settings", embed=True),
    Command("pretrained", "load the shipped pretrained model of a distribution (default: the current one)",
            (Arg("distribution", "choice", None, "which preset", DISTRIBUTIONS),), embed=True),
    Command("state", "the state now: metrics, settings, options, playing, speed, compute",
            embed=True, returns="reply"),
    Command("schema", "this schema with the page's extras (stages, noise range, pretrained presets)",
            returns="reply"),
    Command("compare", "compare the run with 1 to 3 others that differ in one setting (all from epoch 0, same seed)",
            (Arg("vary", "choice", doc="the setting that differs", choices=COMPARABLE),
             Arg("values", "list", doc="its values in the other runs", low=1, high=3)), embed=True),
    Command("compare_stop", "back to one run: keep run `keep` (0 = the first) where it is",
            (Arg("keep", "int", 0, "which run to keep", low=0, high=3),), embed=True),
    Command("history", "the snapshots kept for rewinding: their epochs and bytes", returns="reply"),
    Command("rewind", "show the run at the snapshot at or before an epoch (the present is kept aside)",
            (Arg("epoch", "int", doc="the epoch to look at", low=0, high=2**31 - 1),), embed=True),
    Command("resume", "continue training from the epoch shown (the later epochs are dropped)", embed=True),
    Command("rewind_cancel", "back to the present after rewinding", embed=True),
    Command("load_points", "make a drawn distribution from CSV or whitespace-separated x, y rows",
            (Arg("text", "text", doc="one point per row: x, y"),), embed=True, returns="reply"),
    Command("benchmark_products", "ms per matrix product on each path (benchmarks/bench_gpu.py)",
            (Arg("shapes", "list", doc='[[m, k, n, "NN" | "TN" | "NT"], ...], sizes 1..4096'),),
            returns="products"),
)
COMMAND_BY_NAME = {c.name: c for c in COMMANDS}


# --- frames --------------------------------------------------------------
# A frame is a JSON header and one float32 buffer; the header lists each array
# as [name, offset, shape]. The arrays a frame may hold, with their shapes:
# numbers are fixed sizes, names are sizes set elsewhere (samples: 450 shown
# samples; batch: the batch size; "..." any leading dimensions, for the 1D and
# 2D manifold). "static" arrays come only in the first frame after a restart;
# "stage" ones only in slow motion.
FRAME_DTYPE = "float32"


@dataclass(frozen=True)
class FrameArray:
    name: str
    shape: tuple
    doc: str
    when: str = "always"     # "always", "static" (first frame of a run), "stage" (slow motion), "compare"

    def export(self):
        return {"name": self.name, "shape": list(self.shape), "dtype": FRAME_DTYPE, "when": self.when,
                "doc": self.doc}


FRAME = (
    FrameArray("real", ("samples", 2), "real samples"),
    FrameArray("real_pred", ("samples",), "D's 'how real' for each real sample, in [0, 1]"),
    FrameArray("fake", ("samples", 2), "G's samples for a fixed noise batch"),
    FrameArray("fake_pred", ("samples",), "D's 'how real' for each fake sample"),
    FrameArray("noise", ("samples", "noise_dim"), "that noise batch"),
    FrameArray("fake_grad", ("samples", 2), "per fake sample, the direction lowering G's loss"),
    FrameArray("heatmap", ("heatmap_size", "heatmap_size"), "D's 'how real' on grid cells [row = y, col = x]"),
    FrameArray("manifold", ("...", 2), "the noise grid mapped by G: (M+1, M+1, 2) for 2D noise, (M+1, 2) for 1D"),
    FrameArray("manifold_density", ("...",), "how densely G puts samples in each manifold cell"),
    FrameArray("contour", ("segments", 4), "segments x0, y0, x1, y1 of the real density's contours", "static"),
    FrameArray("contour_level", ("segments",), "each segment's level (0 = densest 25%)", "static"),
    FrameArray("points", ("points", 2), "the drawn distribution's points", "static"),
    FrameArray("runs_fake", ("runs", "samples", 2), "comparing: every other run's fakes (run 2 first)",
               "compare"),
    FrameArray("runs_heatmap", ("runs", 20, 20), "comparing: every other run's D heatmap", "compare"),
    FrameArray("stage_noise", ("batch", "noise_dim"), "slow motion: the batch's noise", "stage"),
    FrameArray("stage_fake", ("batch", 2), "slow motion: the batch's fakes", "stage"),
    FrameArray("stage_real", ("batch", 2), "slow motion: the batch's real samples", "stage"),
    FrameArray("stage_real_pred", ("batch",), "slow motion: D on the real batch", "stage"),
    FrameArray("stage_fake_pred", ("batch",), "slow motion: D on the fake batch", "stage"),
    FrameArray("stage_real_score_grad", ("batch",), "slow motion: loss gradient of each real score", "stage"),
    FrameArray("stage_fake_score_grad", ("batch",), "slow motion: loss gradient of each fake score", "stage"),
    FrameArray("stage_fake_grad", ("batch", 2), "slow motion: the push on each fake", "stage"),
    FrameArray("stage_moved_from", ("batch", 2), "slow motion: where the fakes were before G's update", "stage"),
    FrameArray("stage_heatmap", (30, 30), "slow motion: D's heatmap after its update", "stage"),
)


def export():
    """All of the above as plain JSON-able data: what the pages build themselves from."""
    return {
        "config": [s.export() for s in SETTINGS],
        "options": [s.export() for s in OPTIONS],
        "rules": [r.export() for r in RULES],
        "commands": [c.export() for c in COMMANDS],
        "frame": [a.export() for a in FRAME],
    }


# --- the image lab (images.html, image_session.py) -------------------------
# Its run settings are ImageSettings' fields (image_settings.FIELDS, sent with
# 'ready' as "config"); its session options, commands and frame layout are
# declared here, beside the 2-D lab's, and exported as dist/image-schema.js.
MODELS = ("vanilla", "conditional")
MAX_TARGET = 1_000_000     # epochs one play may be asked to train

IMAGE_OPTIONS = (
    _option("speed", "choice", "fast", "speed", "epochs per second while playing", tuple(SPEEDS)),
    _option("slow_motion", "bool", False, "slow motion", "play one stage of an update at a time"),
    _option("stage_ms", "int", 1250, "time per stage", "milliseconds each slow-motion stage is shown",
            low=200, high=10_000),
    _option("backend", "choice", "auto", "matrix products", "how matrix products run (see accel.py)", BACKENDS),
    _option("epochs_to_train", "int", 0, "epochs to train",
            "epochs a play trains before it pauses (0: until paused)", low=0, high=MAX_TARGET),
    _option("latent_x", "int", 0, "latent map: across", "noise dimension the latent map varies across",
            low=0, high=63),
    _option("latent_y", "int", 1, "latent map: down", "noise dimension the latent map varies down",
            low=0, high=63),
    _option("latent_cells", "int", 8, "latent map size", "images per side of the latent map", low=2, high=16),
    _option("compare", "bool", False, "compare with pretrained",
            "show the pretrained model's grid beside this one"),
)
IMAGE_OPTION_BY_NAME = {s.name: s for s in IMAGE_OPTIONS}

_SHARED = {c.name: c for c in COMMANDS}
IMAGE_COMMANDS = (
    _SHARED["hello"], _SHARED["ready"],
    Command("play", "start training (with epochs, or epochs_to_train set, stop after that many)",
            (Arg("epochs", "int", None, "epochs to train before pausing (0: until paused)", low=0, high=MAX_TARGET),),
            embed=True),
    _SHARED["pause"], _SHARED["toggle"], _SHARED["step"], _SHARED["train"], _SHARED["set"], _SHARED["reset"],
    Command("pretrained", "replace the run by the shipped pretrained model of a kind (default: the current one)",
            (Arg("model", "choice", None, "which model", MODELS),), embed=True),
    Command("noise", "the sliders' noise vector and the digit asked for (conditional)",
            (Arg("z", "list", None, "noise_dim numbers"), Arg("label", "int", None, "the digit", low=0, high=9),
             Arg("randomise", "bool", False, "draw a new vector"), Arg("reset", "bool", False, "zero the vector")),
            embed=True, call="options"),
    Command("scrub", "show kept grid number index (0 = oldest) instead of the live one; null: live",
            (Arg("index", "int", None, "which kept grid", low=0, high=100_000),), embed=True),
    Command("nearest", "the real image nearest to fake number index of the grid",
            (Arg("index", "int", doc="which fake", low=0, high=99),), embed=True, returns="reply"),
    _SHARED["state"], _SHARED["schema"], _SHARED["benchmark_products"],
)
IMAGE_COMMAND_BY_NAME = {c.name: c for c in IMAGE_COMMANDS}

IMAGE_FRAME = tuple(FrameArray(*a) for a in (
    ("grid", ("grid", 64), "G's images for the fixed noise (row r: entries 10r..10r+9; conditional: class r)"),
    ("grid_score", ("grid",), "D's 'how real' for each"),
    ("grid_read", ("grid",), "the digit classifier's class for each"),
    ("grid_confidence", ("grid",), "its probability"),
    ("grid_class", ("grid",), "the class asked for (conditional), else -1"),
    ("grid_nearest", ("grid", 64), "each fake's nearest real image (every 0.25 s while playing)", "sometimes"),
    ("grid_nearest_distance", ("grid",), "RMS pixel distance to it", "sometimes"),
    ("grid_nearest_index", ("grid",), "its index in the dataset", "sometimes"),
    ("class_share", (10,), "share of the grid read as each digit"),
    ("confident_share", (10,), "share read as each digit with p >= 0.8"),
    ("latent", ("rows", "cells", 64), "the latent map (row i: the second dim at axis[i])"),
    ("latent_axis", ("cells",), "noise values along each axis"),
    ("latent_score", ("rows", "cells"), "D's 'how real' for each latent image"),
    ("slider", (64,), "G of the sliders' noise"),
    ("slider_score", (1,), "D's 'how real' for it"),
    ("slider_read", (2,), "[class, probability] the classifier reads in it"),
    ("noise", ("grid", "noise_dim"), "the grid's fixed noise"),
    ("dataset_examples", (10, 64), "one real image per digit", "static"),
    ("dataset_sample", (25, 64), "25 random real images", "static"),
    ("dataset_sample_label", (25,), "their digits", "static"),
    ("log_epoch", ("log",), "the core's log: epochs"),
    ("log_d_loss", ("log",), "D loss"),
    ("log_g_loss", ("log",), "G loss"),
    ("log_confident", ("log",), "share of fakes read with confidence"),
    ("log_classes_covered", ("log",), "digits covered"),
    ("log_top_share", ("log",), "share of the most made digit"),
    ("log_label_agreement", ("log",), "share read as asked (NaN for vanilla)"),
    ("history_grid", ("grid", 64), "the kept grid being scrubbed to", "sometimes"),
    ("history_score", ("grid",), "D's scores on it", "sometimes"),
    ("compare_grid", ("grid", 64), "the pretrained model's grid", "sometimes"),
    ("compare_score", ("grid",), "D's scores on it", "sometimes"),
    ("stage_noise", ("batch", "noise_dim"), "slow motion: the batch's noise", "stage"),
    ("stage_fake", ("batch", 64), "slow motion: the batch's fakes", "stage"),
    ("stage_real", ("batch", 64), "slow motion: the batch's real images", "stage"),
    ("stage_real_pred", ("batch",), "slow motion: D on the real batch", "stage"),
    ("stage_fake_pred", ("batch",), "slow motion: D on the fake batch", "stage"),
    ("stage_real_score_grad", ("batch",), "slow motion: loss gradient of each real score", "stage"),
    ("stage_fake_score_grad", ("batch",), "slow motion: loss gradient of each fake score", "stage"),
    ("stage_fake_grad", ("batch", 64), "slow motion: the push on each fake's pixels", "stage"),
    ("stage_moved_from", ("batch", 64), "slow motion: the fakes before G's update", "stage"),
    ("stage_labels", ("...",), "slow motion: the batch's digits (conditional)", "stage"),
))


def export_images(settings=()):
    """The image lab's vocabulary; `settings`: ImageSettings.schema() (the
    worker sends it with 'ready'; the static dist/image-schema.js has none)."""
    return {
        "config": list(settings),
        "options": [s.export() for s in IMAGE_OPTIONS],
        "rules": [],
        "commands": [c.export() for c in IMAGE_COMMANDS],
        "frame": [a.export() for a in IMAGE_FRAME],
    }
