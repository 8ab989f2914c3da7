"""Reading a saved experiment without trusting it.

A .ganlab file is a zip of .npy arrays (numpy's savez) whose `meta` entry is
JSON: settings, counters, random streams, optimizer names. Anyone can hand the
page a file, so everything in it is checked before any of it is used: the
file's size and what it unpacks to (a zip bomb is refused after reading at
most MAX_UNPACKED_BYTES), the entries it holds, and every field's type, range
and finiteness against the saved settings. `read` returns the checked parts or
raises LoadError; it changes nothing anywhere, so a refused file leaves the
running lab exactly as it was.
"""

import io
import json
import zipfile

import numpy as np

MAX_FILE_BYTES = 20 * 1024 * 1024        # the same cap as the page's file picker
MAX_UNPACKED_BYTES = 16 * 1024 * 1024    # the largest model with Adam saves about 1.3 MB
MAX_ENTRIES = 16
MAX_COUNT = 10 ** 12                     # epochs or updates: more than any run could reach
BLOCK_BATCHES = 32                       # data.Stream.BATCHES_PER_BLOCK
META_KEYS = {"format", "version", "config", "counters", "real", "noise", "optimizers"}


class LoadError(ValueError):
    """A saved experiment could not be read; nothing was changed."""


NOT_OURS = "this is not a ganlab_wasm experiment file (or it is damaged)"


def unpack(blob, max_entries=MAX_ENTRIES, not_ours=NOT_OURS):
    """{entry name without .npy: array} from the file's bytes, within the caps.

    The image lab and comparisons read their files through it too, with their
    own entry count and their own words for "not one of ours"."""
    if len(blob) > MAX_FILE_BYTES:
        raise LoadError(f"this file is too large to be a saved experiment (more than {MAX_FILE_BYTES >> 20} MB)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(blob))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise LoadError(not_ours) from None
    if not entries or len(entries) > max_entries:
        raise LoadError(not_ours)
    arrays, left = {}, MAX_UNPACKED_BYTES
    for entry in entries:
        name = entry.filename
        if not name.endswith(".npy") or name[:-4] in arrays:
            raise LoadError(not_ours)
        try:
            with archive.open(entry) as f:
                # Read one byte past what is left: the sizes a zip declares can lie.
                data = f.read(left + 1)
        except Exception:
            raise LoadError(not_ours) from None
        left -= len(data)
        if left < 0:
            raise LoadError(f"this file unpacks to more than {MAX_UNPACKED_BYTES >> 20} MB: "
                            "it is not a saved experiment")
        try:
            arrays[name[:-4]] = np.lib.format.read_array(io.BytesIO(data), allow_pickle=False)
        except Exception:
            raise LoadError(not_ours) from None
    return arrays


def read_meta(arrays, expected_format):
    meta = arrays.get("meta")
    if meta is None or meta.dtype != np.uint8 or meta.ndim != 1:
        raise LoadError(NOT_OURS)
    try:
        meta = json.loads(meta.tobytes())
    except (ValueError, UnicodeDecodeError):
        raise LoadError(NOT_OURS) from None
    if not isinstance(meta, dict) or meta.get("format") != expected_format:
        raise LoadError("this file is not a ganlab_wasm experiment in a format this version reads")
    missing = META_KEYS - set(meta)
    if missing:
        raise LoadError(f"this experiment file is damaged: it lacks {', '.join(sorted(missing))}")
    return meta


def _damaged(what):
    return LoadError(f"this experiment file is damaged: {what}")


def _whole(value, low, high):
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def check_counters(counters):
    """(epoch, d_updates, g_updates), each a whole number >= 0."""
    if not isinstance(counters, list) or len(counters) != 3 or \
            not all(_whole(c, 0, MAX_COUNT) for c in counters):
        raise _damaged("its epoch and update counters must be three whole numbers >= 0")
    return tuple(counters)


def check_stream(name, state, batch_size):
    """A data.Stream state: a PCG64 state, the position in its block, the batch size."""
    if not isinstance(state, dict) or set(state) != {"block_state", "pos", "batch"}:
        raise _damaged(f"its {name} stream is not a stream state")
    if state["batch"] != batch_size or isinstance(state["batch"], bool):
        raise _damaged(f"its {name} stream's batch size does not match the saved settings")
    pos = state["pos"]
    if not _whole(pos, 0, batch_size * BLOCK_BATCHES) or pos % batch_size:
        raise _damaged(f"its {name} stream position must be a whole number of batches "
                       f"between 0 and {BLOCK_BATCHES}")
    rng = state["block_state"]
    ok = (isinstance(rng, dict) and set(rng) == {"bit_generator", "state", "has_uint32", "uinteger"}
          and rng["bit_generator"] == "PCG64" and isinstance(rng["state"], dict)
          and set(rng["state"]) == {"state", "inc"}
          and all(_whole(rng["state"][k], 0, 2 ** 128 - 1) for k in ("state", "inc"))
          and _whole(rng["has_uint32"], 0, 1) and _whole(rng["uinteger"], 0, 2 ** 32 - 1))
    if not ok:
        raise _damaged(f"its {name} stream's random generator state is not valid")
    return {"block_state": rng, "pos": pos, "batch": batch_size}


def check_vector(what, value, size, nonnegative=False):
    """A finite float vector of the given length, as float32."""
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f" or value.shape != (size,):
        raise LoadError(f"the saved {what} do not fit the saved settings")
    with np.errstate(all="ignore"):
        value = value.astype(np.float32)
    if not np.isfinite(value).all():
        raise LoadError(f"the saved {what} are not finite")
    if nonnegative and (value < 0).any():
        raise _damaged(f"its {what} must not be negative")
    return value


# Optimizer state entries that are running squares (never negative).
SQUARES = {"v"}


def check_optimizer(net, saved, expected):
    """An optimizer's saved moments against the fresh optimizer's `state()`.
    None saved at all means a fresh optimizer (the shipped pretrained models
    leave theirs out: four fifths of the bytes); some but not all is damage."""
    if not saved:
        return {key: np.copy(fresh) for key, fresh in expected.items()}
    if set(saved) != set(expected):
        raise LoadError("the saved optimizer state does not fit the saved settings")
    out = {}
    for key, fresh in expected.items():
        value = saved[key]
        if fresh.ndim == 0:                       # Adam's step count
            if not isinstance(value, np.ndarray) or value.shape != () or value.dtype.kind not in "iu" \
                    or not 0 <= int(value) <= MAX_COUNT:
                raise _damaged(f"the {net} optimizer's step count must be a whole number >= 0")
            out[key] = np.array(int(value))
        else:
            out[key] = check_vector(f"{net} optimizer moments ({key})", value, fresh.size,
                                    nonnegative=key in SQUARES)
    return out
