"""The session's side-by-side runs, rewind and own data (a mixin of Session).

- compare: the current run becomes run 1 of a Comparison (2 to 4 runs, all
  from epoch 0 with the same seed unless the seed is what varies); `self.lab`
  stays run 1, so every existing view, metric and option keeps working on it,
  and frames carry the other runs' small views and metrics besides.
- rewind: a History of snapshots is recorded while training (the slices stop
  at each due snapshot); `rewind` shows an earlier epoch (the present is kept
  aside), `resume` continues from it (the old future is dropped), `rewind_cancel`
  goes back to the present. Playing, stepping, training or changing a setting
  while looking back resumes from there.
- load_points: CSV / whitespace text parsed by points_io into a drawn distribution.
"""

import numpy as np

from .config import ConfigError
from .lab import Lab
from .multirun import Comparison
from .points_io import PointsError, read_points
from .timeline import History
from .views import cell_centers, heatmap_steps

MAX_COMPARED = 4
COMPARE_HEATMAP = 20           # cells per side of each compared run's small heatmap
HISTORY_EVERY, HISTORY_SLOTS = 25, 64


class RunsError(ValueError):
    """A compare / rewind / points command the session refuses (message for the user)."""


def _finite(values):
    return {k: (v if isinstance(v, int) or np.isfinite(v) else None) for k, v in values.items()}


class RunsMixin:
    comparison = None
    history = None
    _live = None          # the present, kept aside while looking back (rewind)
    _runs_divergence_at = None
    _runs_centers = {}

    # --- what trains ------------------------------------------------------
    def _target(self):
        return self.comparison if self.comparison is not None else self.lab

    def _new_history(self):
        self.history = History(self._target(), every=HISTORY_EVERY, slots=HISTORY_SLOTS)
        self._live = None

    def _train_epochs(self, n):
        """Train n epochs (every run when comparing), taking snapshots when due."""
        self._leave_preview()
        if self.history is None or self.history.target.labs[0] is not self.lab:
            self._new_history()
        history, target = self.history, self._target()
        end = self.lab.epoch + n
        while self.lab.epoch < end:
            before = self.lab.epoch
            target.train(min(end, history.due()) - before, report=False)
            history.record()
            if self.comparison is not None and 0 in self.comparison.stopped:
                raise self.comparison.stopped[0]     # run 1 (the main view) diverged: stop playing

    def _step_once(self, level, count=1):
        self._leave_preview()
        if self.comparison is not None:
            self.comparison.step(level, count)
            if 0 in self.comparison.stopped:
                raise self.comparison.stopped[0]
        else:
            self.lab.step(level, count)

    def _update_runs(self, changes):
        """Apply a `set`: comparing, a change of the varied setting goes to run 1
        only, every other change to every run."""
        self._leave_preview()
        if self.comparison is None:
            return self.lab.update(**changes)
        vary = self.comparison.vary
        own = {k: v for k, v in changes.items() if k == vary}
        shared = {k: v for k, v in changes.items() if k != vary}
        for lab in self.comparison.labs:           # validate for every run before changing any
            lab.config.replace(**(shared if lab is not self.lab else changes))
        results = []
        if shared:
            results = self.comparison.update(**shared)
        if own:
            results = [self.comparison.update(run=0, **own)[0]]
        rebuilt = any(r and r["rebuilt"] for r in results)
        changed = sorted({k for r in results if r for k in r["changed"]})
        return {"rebuilt": rebuilt, "changed": changed}

    def _runs_restarted(self):
        """The run was replaced or restarted: a fresh history from here."""
        self._new_history()

    # --- compare ---------------------------------------------------------
    def cmd_compare(self, vary, values):
        """Compare the current settings with 1 to 3 other values of one setting."""
        if self.options.get("slow_motion"):
            raise RunsError("slow motion shows one run: turn it off to compare runs")
        if not 1 <= len(values) <= MAX_COMPARED - 1:
            raise RunsError(f"compare needs 1 to {MAX_COMPARED - 1} other values of {_label(vary)}")
        base = self.lab.config
        configs = [base]
        for value in values:
            try:
                configs.append(base.replace(**{vary: value}))
            except ConfigError as e:
                raise RunsError(f"{_label(vary)}: {e}") from None
        if len({c for c in configs}) < len(configs):
            raise RunsError(f"each run needs a different {_label(vary)}")
        self._leave_preview()
        self.comparison = Comparison(configs=configs, vary=vary)
        self.lab = self.comparison.labs[0]
        self.accel.adopt(self.lab)
        self._restarted()
        return {"compare": self._compare_header(), "config": self._config_dict()}

    def cmd_compare_stop(self, keep=0):
        """Back to one run: keep run `keep` (0 = the first), at its epoch."""
        if self.comparison is None:
            return {"compare": None}
        if not 0 <= keep < self.comparison.runs:
            raise RunsError(f"there is no run {keep + 1} to keep")
        self._leave_preview()
        lab = self.comparison.labs[keep]
        self.lab = Lab.load(lab.save())        # its own arrays again, out of the stack
        self.comparison = None
        self.accel.adopt(self.lab)
        self._restarted()
        return {"compare": None, "config": self._config_dict()}

    def _compare_header(self):
        c = self.comparison
        if c is None:
            return None
        runs = []
        for r, (lab, diff) in enumerate(zip(c.labs, c.differences())):
            runs.append({"differences": {k: v for k, v in diff.items() if k != "points"},
                         "stopped": str(c.stopped[r]) if r in c.stopped else None,
                         "updates": lab.gan.d_updates + lab.gan.g_updates})
        return {"vary": c.vary, "values": [getattr(cfg, c.vary) for cfg in c.configs] if c.vary else None,
                "runs": runs}

    def _runs_frame_steps(self):
        """The other runs' views, in steps (see Lab.frame_steps): per run,
        None for run 1 (the main view) or (metrics, fakes, heatmap)."""
        c = self.comparison
        if c is None:
            return None
        # KL/JS cost most of a frame: the other runs refresh them when run 1 does
        fresh = self._divergence is not None and self._divergence[0] != self._runs_divergence_at
        if COMPARE_HEATMAP not in self._runs_centers:
            self._runs_centers[COMPARE_HEATMAP] = cell_centers(COMPARE_HEATMAP)
        runs = []
        for lab in c.labs:
            if lab is self.lab:
                runs.append(None)
                continue
            ev = yield from lab._evaluate_steps()
            m = lab.metrics(divergence=False)
            if fresh or lab._divergence is None or not self.playing:
                m.update((yield from lab.divergence_steps()))
            else:
                m.update(lab._divergence[1])
            heat = yield from heatmap_steps(lab.gan.D, ev["prob"], COMPARE_HEATMAP, self._runs_centers[COMPARE_HEATMAP])
            runs.append((_finite(m), ev["fake"], heat))
        if fresh:
            self._runs_divergence_at = self._divergence[0]
        return runs

    def _runs_frame(self, header, arrays, runs):
        """Add the comparison (the other runs' views, from _runs_frame_steps) and the history to a frame."""
        if self.history is not None:
            header["history"] = {"epochs": self.history.epochs(), "bytes": self.history.bytes,
                                 "every": self.history.every,
                                 "viewing": self.lab.epoch if self._live is not None else None}
        c = self.comparison
        if c is None:
            return
        header["compare"] = self._compare_header()
        metrics = [header["metrics"] if run is None else run[0] for run in runs]
        for m, lab in zip(metrics, c.labs):
            m["updates"] = lab.gan.d_updates + lab.gan.g_updates
        header["compare"]["metrics"] = metrics
        arrays["runs_fake"] = np.ascontiguousarray(np.stack([run[1] for run in runs if run is not None]), np.float32)
        arrays["runs_heatmap"] = np.ascontiguousarray(np.stack([run[2] for run in runs if run is not None]),
                                                      np.float32)

    # --- rewind ------------------------------------------------------------
    def cmd_history(self):
        h = self.history
        if h is None:
            self._new_history()
            h = self.history
        return {"epochs": h.epochs(), "bytes": h.bytes, "every": h.every, "slots": h.slots,
                "viewing": self.lab.epoch if self._live is not None else None}

    def cmd_rewind(self, epoch):
        """Show the run (every run, comparing) at the snapshot at or before `epoch`."""
        if self.history is None:
            self._new_history()
        if self.options.get("slow_motion"):
            raise RunsError("turn slow motion off to look back at earlier epochs")
        self._set_playing(False)
        if self._live is None:
            self._live = (self.history.capture(), self.lab.epoch)
        if epoch >= self._live[1]:
            return self.cmd_rewind_cancel()
        shown = self.history.restore(epoch)
        self._stages = self.stage = None
        return {"epoch": shown, "viewing": shown, "metrics": _finite(self.lab.metrics()), "playing": False}

    def cmd_resume(self):
        """Continue from the epoch shown: a new branch, the later snapshots dropped."""
        if self._live is None:
            raise RunsError("you are at the latest epoch already: there is nothing to resume from")
        epoch = self.lab.epoch
        self._leave_preview()
        return {"epoch": epoch, "viewing": None, "metrics": _finite(self.lab.metrics())}

    def cmd_rewind_cancel(self):
        """Back to the present after looking back."""
        if self._live is not None:
            snap, _ = self._live
            self.history.apply(snap)
            self._live = None
        return {"epoch": self.lab.epoch, "viewing": None, "metrics": _finite(self.lab.metrics())}

    def _leave_preview(self):
        """Anything that trains or changes the run while looking back resumes from there."""
        if self._live is not None:
            self.history.drop_after(self.lab.epoch)
            self._live = None

    # --- own data ----------------------------------------------------------
    def cmd_load_points(self, text):
        """Make a drawn distribution from CSV / whitespace-separated points."""
        try:
            result = read_points(text)
        except PointsError as e:
            raise RunsError(f"The points were not loaded: {e}. Nothing was changed.") from None
        reply = self.cmd_set({"distribution": "drawn", "points": result.points})
        return {**reply, "points": len(result.points), "notes": result.notes}

    # --- saving ------------------------------------------------------------
    def _save_runs(self):
        return self.comparison.save() if self.comparison is not None else self.lab.save()

    def _load_runs(self, blob):
        """A saved run or comparison; raises LoadError and changes nothing on failure."""
        if Comparison.is_comparison(blob):
            comparison = Comparison.load(blob)
            self.comparison, self.lab = comparison, comparison.labs[0]
        else:
            lab = Lab.load(blob)
            self.comparison, self.lab = None, lab
        self.accel.adopt(self.lab)


def _label(name):
    from .schema import SETTING_BY_NAME
    setting = SETTING_BY_NAME.get(name)
    return setting.label if setting else name


