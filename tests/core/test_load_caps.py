"""The image lab's and a comparison's files are read within the same caps as a
saved experiment (experiment_file.unpack): a zip bomb is refused, not unpacked."""

import io
import zipfile

import numpy as np
import pytest

from ganlab_wasm.image_lab import ImageLab
from ganlab_wasm.lab import LoadError
from ganlab_wasm.multirun import Comparison


def zip_bomb(megabytes=40):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        array = io.BytesIO()
        np.lib.format.write_array(array, np.zeros(megabytes << 18, np.float32))
        archive.writestr("meta.npy", array.getvalue())
    return buffer.getvalue()


@pytest.mark.parametrize("load", [ImageLab.load, Comparison.load], ids=["image lab", "comparison"])
def test_a_zip_bomb_is_refused_within_the_cap(load):
    blob = zip_bomb()
    assert len(blob) < 1 << 20
    with pytest.raises(LoadError, match="unpacks to more than 16 MB"):
        load(blob)


@pytest.mark.parametrize("load, words", [(ImageLab.load, "image experiment"), (Comparison.load, "comparison")])
def test_garbage_keeps_each_files_own_words(load, words):
    with pytest.raises(LoadError, match=f"not a ganlab_wasm {words} file"):
        load(b"not a file")


def test_a_full_image_save_still_loads():
    lab = ImageLab()
    lab.train(20)
    again = ImageLab.load(lab.save())
    assert again.epoch == lab.epoch
