"""Rewind: snapshots of a run (or of every run of a comparison) kept while it
trains, to look at an earlier epoch and to resume training from it.

A snapshot is everything training changes (weights, optimizer moments,
counters, random streams; see GAN.state) plus the live settings, so resuming
from one reproduces the original run number for number. The history holds a
fixed number of slots. Policy "thin" (the default) keeps the whole run in
view: a snapshot is taken every `every` epochs and, when the slots are full,
every second snapshot is dropped and the interval doubles. Policy "ring"
keeps the most recent slots only (a plain ring buffer). Either way memory is
bounded by slots x one snapshot's size (`bytes` says how much is used).
"""

import sys

import numpy as np

POLICIES = ("thin", "ring")


class _Single:
    """Adapts one Lab to what the history needs."""

    def __init__(self, lab):
        self.labs = [lab]

    def capture(self):
        return {"runs": [_capture_lab(self.labs[0])]}

    def apply(self, snap):
        _apply_lab(self.labs[0], snap["runs"][0])


class _Many:
    """Adapts a Comparison: every run, and which runs had stopped."""

    def __init__(self, comparison):
        self.comparison = comparison
        self.labs = comparison.labs

    def capture(self):
        return {"runs": [_capture_lab(lab) for lab in self.labs], "stopped": dict(self.comparison.stopped)}

    def apply(self, snap):
        for lab, run in zip(self.labs, snap["runs"]):
            _apply_lab(lab, run)
        self.comparison.stopped = dict(snap["stopped"])
        self.comparison._restack()


def _capture_lab(lab):
    return {"state": lab.gan.state(), "config": lab.config}


def _apply_lab(lab, run):
    if run["config"] != lab.config:           # live settings as they were then (optimizers first: their state fits them)
        lab.update(**{k: v for k, v in run["config"].to_dict().items() if getattr(lab.config, k) != v
                      and k != "points"})
    lab.gan.set_state(run["state"])
    lab._evaluation = lab._divergence = None


def _nbytes(value):
    """Bytes a snapshot holds: arrays by their buffers, the rest roughly."""
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, dict):
        return sum(_nbytes(v) for v in value.values()) + 64
    if isinstance(value, (list, tuple)):
        return sum(_nbytes(v) for v in value) + 16
    return sys.getsizeof(value) if isinstance(value, (int, float, str)) else 64


class History:
    """Snapshots of `target` (a Lab, or a Comparison with `.labs`) by epoch."""

    def __init__(self, target, every=25, slots=64, policy="thin"):
        if policy not in POLICIES:
            raise ValueError(f"policy must be one of {', '.join(POLICIES)}")
        if not (isinstance(every, int) and every >= 1 and isinstance(slots, int) and slots >= 2):
            raise ValueError("every must be >= 1 and slots >= 2 (whole numbers)")
        self.target = _Many(target) if hasattr(target, "stacks") else _Single(target)
        self.first_every, self.every, self.slots, self.policy = every, every, slots, policy
        self.snapshots = []          # [(epoch, snapshot)], epochs increasing
        self.record()

    @property
    def epoch(self):
        return self.target.labs[0].epoch

    def epochs(self):
        return [e for e, _ in self.snapshots]

    @property
    def bytes(self):
        return sum(_nbytes(s) for _, s in self.snapshots)

    def due(self):
        """The next epoch a snapshot is due at (train up to it, then record)."""
        last = self.snapshots[-1][0] if self.snapshots else -self.every
        return (last // self.every + 1) * self.every if last >= 0 else 0

    def record(self, force=False):
        """Take a snapshot if one is due at the current epoch (or `force`)."""
        epoch = self.epoch
        if self.snapshots and epoch == self.snapshots[-1][0]:
            return False
        if not force and self.snapshots and epoch < self.due():
            return False
        self.snapshots.append((epoch, self.target.capture()))
        if len(self.snapshots) > self.slots:
            if self.policy == "ring":
                self.snapshots.pop(0)
            else:
                self.every *= 2      # keep the first, then every second one
                self.snapshots = [s for i, s in enumerate(self.snapshots) if i % 2 == 0]
        return True

    def nearest(self, epoch):
        """The latest snapshot epoch at or before `epoch` (the earliest if none is)."""
        if not self.snapshots:
            raise ValueError("there are no snapshots yet")
        before = [e for e, _ in self.snapshots if e <= epoch]
        return before[-1] if before else self.snapshots[0][0]

    def restore(self, epoch):
        """Put the run back to the snapshot at or before `epoch`; returns its epoch.
        The later snapshots stay until resume() drops them."""
        at = self.nearest(epoch)
        snap = next(s for e, s in self.snapshots if e == at)
        self.target.apply(snap)
        return at

    def capture(self):
        """A snapshot of the present (to come back to after looking back)."""
        return self.target.capture()

    def apply(self, snap):
        self.target.apply(snap)

    def drop_after(self, epoch):
        """Resume from `epoch`: the snapshots after it belong to the old future."""
        self.snapshots = [(e, s) for e, s in self.snapshots if e <= epoch]
