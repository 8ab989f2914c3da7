"""The shipped digits file and the digit reader (classifier)."""

import importlib.util
import zlib
from pathlib import Path

import numpy as np
import pytest

from ganlab_wasm.classifier import DigitClassifier, junk, load_classifier, split, train_classifier
from ganlab_wasm.digits import DigitsError, load_digits, parse_digits

ROOT = Path(__file__).resolve().parents[2]
DIGITS_FILE = ROOT / "ganlab_wasm" / "assets" / "digits.bin"


def build_module():
    spec = importlib.util.spec_from_file_location("ganlab_build_for_digits", ROOT / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_file_holds_sklearns_1797_digits():
    d = load_digits()
    assert d.images.shape == (1797, 64) and d.images.dtype == np.float32
    assert d.images.min() == 0 and d.images.max() == 1
    # scikit-learn's digits: these class counts, values in steps of 1/16
    assert np.bincount(d.labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert np.allclose(d.images * 16, np.round(d.images * 16))
    # the first image is scikit-learn's first digit, a 0
    assert d.labels[0] == 0
    assert (d.images[0] * 16).astype(int).tolist()[:16] == [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0]


def test_the_file_records_the_csv_it_was_made_from_and_build_pins_that():
    build = build_module()
    assert load_digits().source_sha256 == build.DIGITS_CSV_SHA256
    assert build.digits_fresh(DIGITS_FILE)


def test_build_packs_exactly_the_shipped_file_from_the_csv():
    """Repack the csv (rebuilt from the shipped file, in scikit-learn's text
    form) and get the same bytes: the packing is deterministic and lossless."""
    import gzip
    build = build_module()
    d = load_digits()
    lines = [",".join(str(int(v)) for v in row) + f",{label}"
             for row, label in zip(np.round(d.images * 16), d.labels)]
    csv_gz = gzip.compress(("\n".join(lines) + "\n").encode())
    assert build.pack_digits(csv_gz)[48:] == DIGITS_FILE.read_bytes()[48:]


def test_build_refuses_a_csv_that_does_not_match_the_pin(tmp_path, monkeypatch):
    build = build_module()
    monkeypatch.setattr(build, "DIGITS_CSV_SHA256", "0" * 64)
    # an "installed" scikit-learn of the pinned version whose csv.gz is not the real one
    monkeypatch.setattr(build.importlib.metadata, "version", lambda name: build.SCIKIT_LEARN)
    fake_pkg = tmp_path / "site" / "sklearn"
    (fake_pkg / "datasets" / "data").mkdir(parents=True)
    (fake_pkg / "datasets" / "data" / "digits.csv.gz").write_bytes(b"not the digits")
    monkeypatch.setattr(build.importlib.util, "find_spec",
                        lambda name: type("Spec", (), {"submodule_search_locations": [str(fake_pkg)]}))
    with pytest.raises(build.BuildError, match="sha256 mismatch"):
        build.digits_csv_gz()


@pytest.mark.parametrize("blob, message", [
    (b"", "not a digits file"),
    (b"PK\x03\x04" + bytes(100), "not a digits file"),
    (DIGITS_FILE.read_bytes()[:48] + b"garbage", "damaged"),
    (DIGITS_FILE.read_bytes()[:48] + zlib.compress(bytes(10)), "damaged"),
    (DIGITS_FILE.read_bytes()[:8] + b"\x02\x00" + DIGITS_FILE.read_bytes()[10:], "format 2"),
])
def test_a_bad_digits_file_is_refused_with_a_clear_message(blob, message):
    with pytest.raises(DigitsError, match=message):
        parse_digits(blob)


def test_the_shipped_reader_reads_real_digits_and_not_junk():
    d = load_digits()
    reader = load_classifier()
    _, test = split(d)
    assert reader.accuracy(d.images[test], d.labels[test]) >= 0.95    # held out from its training
    classes, probs = reader.read(d.images[test])
    assert np.mean(probs >= 0.8) >= 0.9
    rng = np.random.default_rng(0)
    _, p = reader.read(junk(rng, 300))
    assert np.mean(p >= 0.8) < 0.02


def test_a_mixup_reader_rejects_blends_the_plain_one_takes_for_digits():
    d = load_digits()
    train, test = split(d)
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, len(test), (2, 400))
    keep = d.labels[test][a] != d.labels[test][b]
    blends = 0.5 * d.images[test][a][keep] + 0.5 * d.images[test][b][keep]
    plain = train_classifier(d.images[train], d.labels[train], steps=1500, seed=1)
    strict = train_classifier(d.images[train], d.labels[train], steps=1500, seed=1, mixup=0.5)
    plain_sure = np.mean(plain.read(blends)[1] >= 0.8)
    strict_sure = np.mean(strict.read(blends)[1] >= 0.8)
    assert strict_sure < 0.15 and strict_sure < plain_sure / 2
    assert strict.accuracy(d.images[test], d.labels[test]) >= 0.95


def test_training_the_reader_from_scratch_learns_and_round_trips():
    d = load_digits()
    train, test = split(d)
    reader = train_classifier(d.images[train], d.labels[train], steps=400, seed=3)
    assert reader.accuracy(d.images[test], d.labels[test]) >= 0.9
    again = DigitClassifier.from_bytes(reader.to_bytes())
    assert np.array_equal(again.read(d.images[:50])[0], reader.read(d.images[:50])[0])


def test_reader_weights_that_do_not_fit_are_refused():
    with pytest.raises(ValueError, match="do not fit"):
        DigitClassifier(np.zeros(10))
    with pytest.raises(ValueError):
        DigitClassifier(np.full(load_classifier().net.size, np.nan))
