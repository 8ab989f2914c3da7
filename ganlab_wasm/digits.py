"""The image lab's data: 1,797 handwritten digits, 8x8 pixels, 10 classes.

They are scikit-learn's copy of the UCI optdigits test set (CC BY 4.0),
taken out of the pinned scikit-learn wheel by build.py and shipped inside
this package as assets/digits.bin, so nothing is fetched at run time and the
browser never loads scikit-learn.

The file, little-endian:
    8 bytes  b"GLDIGITS"
    uint16   format version (1)
    uint16   number of images n
    uint8    side (8), levels (16: pixels are 0..16), classes (10), 0
    32 bytes sha256 of the digits.csv.gz it was made from (build.py's pin)
    then zlib: n label bytes, then n * side * side pixel bytes (row-major)
"""

import struct
import zlib
from dataclasses import dataclass
from importlib import resources

import numpy as np

MAGIC = b"GLDIGITS"
VERSION = 1
HEADER = struct.Struct("<8sHHBBBB32s")
SIDE = 8
PIXELS = SIDE * SIDE
CLASSES = 10


class DigitsError(ValueError):
    """The digits file is missing, not a digits file, or damaged."""


@dataclass(frozen=True)
class Digits:
    """images (n, 64) float32 in [0, 1] (1 = ink), labels (n,) int64 0..9,
    source_sha256: the sha256 of the csv.gz the file was made from."""
    images: np.ndarray
    labels: np.ndarray
    source_sha256: str

    def __len__(self):
        return len(self.labels)


def parse_digits(blob):
    """Digits from the bytes of a digits file; DigitsError says what is wrong."""
    blob = bytes(blob)
    if len(blob) < HEADER.size or blob[:8] != MAGIC:
        raise DigitsError("this is not a digits file (it does not start with GLDIGITS)")
    magic, version, n, side, levels, classes, _, sha = HEADER.unpack_from(blob)
    if version != VERSION:
        raise DigitsError(f"digits file format {version} is not the one this version reads ({VERSION})")
    if (side, levels, classes) != (SIDE, 16, CLASSES) or n == 0:
        raise DigitsError(f"the digits file describes {n} images of {side}x{side} pixels, levels 0..{levels}, "
                          f"{classes} classes; expected 8x8, 0..16, 10")
    try:
        body = zlib.decompress(blob[HEADER.size:])
    except zlib.error as e:
        raise DigitsError(f"the digits file is damaged ({e})") from None
    if len(body) != n * (1 + PIXELS):
        raise DigitsError(f"the digits file is damaged: {len(body)} bytes of data for {n} images")
    raw = np.frombuffer(body, np.uint8)
    labels, pixels = raw[:n].astype(np.int64), raw[n:].reshape(n, PIXELS)
    if labels.max() >= CLASSES or pixels.max() > levels:
        raise DigitsError("the digits file is damaged: a label or pixel is out of range")
    images = pixels.astype(np.float32) / np.float32(levels)
    return Digits(images, labels, sha.hex())


_CACHE = {}


def load_digits():
    """The shipped digits (parsed once per process)."""
    if "digits" not in _CACHE:
        try:
            blob = (resources.files("ganlab_wasm") / "assets" / "digits.bin").read_bytes()
        except (FileNotFoundError, OSError):
            raise DigitsError("ganlab_wasm/assets/digits.bin is missing: run `python3 build.py` "
                              "(it takes the digits out of the pinned scikit-learn wheel)") from None
        _CACHE["digits"] = parse_digits(blob)
    return _CACHE["digits"]
