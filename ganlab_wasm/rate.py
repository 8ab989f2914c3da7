"""Epochs per second over the last stretch of time (for the page's reading).

A rate over the last N ticks is no rate at slow speed: the worker ticks far
more often than it trains, so the last 200 ticks can span a fraction of a
second with no epoch in it, and the reading shows 0 while training runs at
20 epochs a second. This meter keeps (time, count) samples of the last
`window` seconds instead, and only when the count changed.
"""

from collections import deque


class RateMeter:
    def __init__(self, window=1.0):
        self.window = window
        self._samples = deque()       # (time, count), oldest first

    def clear(self):
        self._samples.clear()

    def record(self, now, count):
        """Note the count at time `now` (a tick); cheap when nothing changed."""
        samples = self._samples
        if samples and samples[-1][1] == count:
            return
        samples.append((now, count))
        # keep one sample at least a window old, as the start of the span
        while len(samples) > 2 and now - samples[1][0] >= self.window:
            samples.popleft()

    def rate(self, now=None):
        """Counts per second over about the last window (0 before two samples).
        With `now`, a stall since the last change lowers the rate."""
        samples = self._samples
        if len(samples) < 2:
            return 0.0
        start_t, start_c = samples[0]
        end_t, end_c = samples[-1]
        if now is not None and now - end_t > self.window:
            return 0.0
        span = max(end_t, now if now is not None else end_t) - start_t
        return (end_c - start_c) / span if span > 0 else 0.0
