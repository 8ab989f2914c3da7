"""json_text: plain values go straight to json.dumps; anything else through json_safe, with the same text."""

import json
import math

import numpy as np
import pytest

from ganlab_wasm.safe import json_safe, json_text

CASES = [
    {"a": 1, "b": [1.5, 2, None, True], "c": (3, 4), "d": "x"},
    {"kl": math.inf, "js": -math.inf, "sw": math.nan},
    {"epoch": np.int64(7), "loss": np.float32(0.25), "nested": [{"x": np.float64(1e-3)}, (np.int32(2),)]},
    {1: "int key", "list": [[math.nan, 1.0]]},
]


@pytest.mark.parametrize("value", CASES)
def test_json_text_is_the_text_of_the_safe_copy(value):
    text = json_text(value)
    assert text == json.dumps(json_safe(value), allow_nan=False)
    json.loads(text)   # always parses


def test_values_that_cannot_go_to_the_page_are_refused_either_way():
    with pytest.raises(TypeError):
        json_text({"array": np.zeros(3)})
