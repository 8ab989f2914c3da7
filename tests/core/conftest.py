"""Core test options: long training sweeps are marked `slow` and run only
with GANLAB_SLOW=1 (they take many minutes on a laptop)."""

import os

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a long sweep over seeds; runs only with GANLAB_SLOW=1")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("GANLAB_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow sweep: set GANLAB_SLOW=1 to run it")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
