"""The epochs/s reading: a rate over time, not over the last few ticks."""

import json

import pytest

from ganlab_wasm.rate import RateMeter
from ganlab_wasm.session import Session


def test_a_slow_steady_count_reads_its_rate_between_and_at_its_changes():
    meter = RateMeter(window=1.0)
    readings = []
    t = 0.0
    for tick in range(4000):                  # a tick every 1 ms, an epoch every 50 ms: 20/s
        t = tick * 0.001
        meter.record(t, int(t / 0.05))
        if tick == 120:                        # from the first changes on
            assert 15 < meter.rate(t) < 25
        if tick > 1000:
            readings.append(meter.rate(t))
    assert min(readings) > 18.5 and max(readings) < 21.5
    assert len(meter._samples) <= 25           # bounded by the window, not by the tick rate


def test_a_fast_count_and_a_stall():
    meter = RateMeter(window=1.0)
    for tick in range(300):
        meter.record(tick * 0.01, tick * 40)   # 4,000/s
    assert meter.rate(2.99) == pytest.approx(4000, rel=0.02)
    assert meter.rate(2.99 + 0.5) < 4000 * 0.7   # no change for half a second: the rate falls
    assert meter.rate(2.99 + 1.5) == 0
    meter.clear()
    assert meter.rate() == 0


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_the_session_reads_about_20_per_second_at_slow_speed_with_many_idle_ticks():
    clock = Clock()
    s = Session(clock=clock)
    s.command(json.dumps({"cmd": "set", "params": {"speed": "slow"}}))
    s.command('{"cmd": "play"}')
    readings = []
    for tick in range(3000):                   # the worker ticks every ~1 ms; most ticks train nothing
        clock.now += 0.001
        s.tick(10)
        if tick >= 1000 and tick % 50 == 0:
            readings.append(json.loads(s.frame()[0])["epochs_per_second"])
    assert all(17 <= r <= 23 for r in readings), readings
    assert 55 <= s.lab.epoch <= 65
