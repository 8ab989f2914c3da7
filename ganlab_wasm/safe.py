"""What may leave the core for the page: JSON with no NaN or infinity, and
frame arrays the views can draw.

JSON has no NaN or infinity (the page's JSON.parse rejects them), and one
diverged number anywhere in a reply or a frame header used to make the whole
message unreadable. Everything the session sends goes through `json_text`.
"""

import json
import math

import numpy as np


def json_safe(value):
    """A copy of value with every non-finite float replaced by None, numpy
    scalars turned into Python numbers and tuples into lists."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    raise TypeError(f"{type(value).__name__} cannot be sent to the page")


def json_text(value):
    """JSON text the page can always parse (allow_nan=False holds by construction).

    Most headers are plain Python values, finite: json.dumps takes them as
    they are, without json_safe's copy (a Python call per value, a tenth of a
    frame in Pyodide). Anything else (a non-finite float, a numpy scalar)
    makes it raise, and the copy is made."""
    try:
        return json.dumps(value, allow_nan=False)
    except (ValueError, TypeError):
        return json.dumps(json_safe(value), allow_nan=False)


# What a non-finite entry becomes in a frame array, by what the array holds:
# a gradient draws no arrow, a "how real" value draws as "can't tell" (0.5),
# a position is not drawn at all (the views skip NaN).
_NO_GRADIENT = 0.0
_CANT_TELL = 0.5


def drawable(name, array):
    """array with its non-finite entries replaced (see above); unchanged and
    uncopied when it is all finite, which is the usual case."""
    if array.dtype.kind != "f" or np.isfinite(array).all():
        return array
    if "grad" in name:
        fill = _NO_GRADIENT
    elif "pred" in name or name.endswith("heatmap"):
        fill = _CANT_TELL
    else:
        fill = np.nan
    return np.where(np.isfinite(array), array, np.asarray(fill, array.dtype))
