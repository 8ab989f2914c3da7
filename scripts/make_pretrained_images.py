"""Make what the image lab ships besides the digits: the digit reader and
the pretrained vanilla and conditional models.

    python scripts/make_pretrained_images.py [--epochs N] [--skip-reader | --reader-only] [vanilla] [conditional]

- ganlab_wasm/assets/digit_classifier.npz: the reader (classifier.py),
  trained on 80% of the digits (stratified split, seed 0); its accuracy on
  the held-out 20% is printed.
- ganlab_wasm/assets/pretrained_digits_<model>.npz: the model trained at the
  page's defaults (seed 0) for N epochs (default 30,000, well past what a
  visitor's 60 s give); saved compact (float16 weights, no optimizer
  moments, no history: ImageLab.save(compact=True)). Its quality figures
  are printed; the run fails if the shipped model does not pass the bar.
Deterministic: the same sources give the same weights.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

from ganlab_wasm import classifier  # noqa: E402
from ganlab_wasm.digits import load_digits  # noqa: E402
from ganlab_wasm.image_lab import PRETRAINED, ImageLab, ImageSettings, recognisable  # noqa: E402

ASSETS = os.path.join(HERE, "..", "ganlab_wasm", "assets")


def make_reader():
    d = load_digits()
    train, test = classifier.split(d)
    reader = classifier.train_classifier(d.images[train], d.labels[train])
    blob = reader.to_bytes()
    with open(os.path.join(ASSETS, "digit_classifier.npz"), "wb") as f:
        f.write(blob)
    shipped = classifier.DigitClassifier.from_bytes(blob)
    classifier._CACHE.clear()
    print(f"reader: held-out accuracy {shipped.accuracy(d.images[test], d.labels[test]):.4f}, "
          f"{len(blob):,} bytes")


def make_model(model, epochs):
    lab = ImageLab(ImageSettings(model=model, seed=0))
    start = time.perf_counter()
    m = lab.train(epochs)
    blob = lab.save(compact=True)
    shipped = ImageLab.load(blob)
    digits = shipped.metrics()["digits"]
    print(f"{model}: {epochs} epochs in {time.perf_counter() - start:.0f} s; shipped model reads "
          f"{digits} (before float16: {m['digits']}), {len(blob):,} bytes")
    if not recognisable(digits):
        raise SystemExit(f"the pretrained {model} model does not pass the bar; not written")
    with open(os.path.join(ASSETS, PRETRAINED[model]), "wb") as f:
        f.write(blob)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30_000)
    parser.add_argument("--skip-reader", action="store_true", help="keep the shipped reader")
    parser.add_argument("--reader-only", action="store_true", help="make the reader, no models")
    parser.add_argument("models", nargs="*", default=list(PRETRAINED), help=", ".join(PRETRAINED))
    args = parser.parse_args()
    unknown = set(args.models) - set(PRETRAINED)
    if unknown:
        parser.error(f"no such model: {', '.join(sorted(unknown))} (there are: {', '.join(PRETRAINED)})")
    if args.reader_only:
        args.models = []
    if not args.skip_reader:
        make_reader()
    for model in args.models:
        make_model(model, args.epochs)


if __name__ == "__main__":
    main()
