"""A real, small image data set: the handwritten digits, read from the package's own copy.

1,797 images of handwritten digits, 8×8 pixels of 0–16 each, labelled 0–9: scikit-learn's
bundled copy of the test set of the UCI "Optical Recognition of Handwritten Digits" data
(E. Alpaydin and C. Kaynak, 1998; CC BY 4.0, https://doi.org/10.24432/C50P49). The copy
ships inside rugged (`rugged/data/digits.npz`, exported by tools/make_digits.py; its source
and licence are in `rugged/data/README.md`), so no download and no scikit-learn are needed,
in a browser kernel either.

`split_digits()` cuts it into training, validation and test sets, stratified (each digit in
the same proportions in every part) and the same on every platform for a given seed.

Usage::

    from rugged import datasets, nets
    parts = datasets.split_digits()
    train = nets.Classifier(nets.MLP((64, 16, 10)), *parts.train[:2])
"""

from importlib import resources
from typing import NamedTuple

import numpy as np

from . import _checks

__all__ = ["load_digits", "split_digits", "Part", "DigitsSplit", "SPLIT_SEED", "FRACTIONS", "PIXEL_MAX"]

SPLIT_SEED = 1998          # the seed of the course's split (the year the digits were published)
FRACTIONS = (0.6, 0.2, 0.2)   # training, validation, test
PIXEL_MAX = 16             # a pixel counts the ink pixels of a 4×4 block: 0 … 16


def load_digits():
    """(images, labels): uint8 arrays of shape (1797, 8, 8) (pixels 0–16) and (1797,) (0–9),
    in scikit-learn's order. Fresh arrays on every call."""
    with resources.files(__package__).joinpath("data", "digits.npz").open("rb") as file, \
            np.load(file) as data:
        return data["images"].copy(), data["labels"].copy()


class Part(NamedTuple):
    """One part of the split: X (n, 64) floats, the pixels scaled to [0, 1] (divided by 16),
    y (n,) int64 labels, and rows (n,): the images' indices in `load_digits()`'s order."""

    X: np.ndarray
    y: np.ndarray
    rows: np.ndarray


class DigitsSplit(NamedTuple):
    """The training, validation and test parts of the digits."""

    train: Part
    validation: Part
    test: Part


def split_digits(seed=SPLIT_SEED, fractions=FRACTIONS):
    """The digits cut into training, validation and test parts (`DigitsSplit`), stratified.

    For each digit, its images are shuffled by np.random.default_rng(seed) (the same numbers
    on every platform) and cut in the proportions `fractions` (training, validation, test),
    rounded; each part keeps its images in the data set's order. The course's split is the
    default, seed SPLIT_SEED = 1998 and fractions (0.6, 0.2, 0.2): 1,078 training, 360
    validation and 359 test images. Every image is in exactly one part.
    """
    seed = _checks.integer("seed", seed, lambda v: v >= 0, "seed must be a non-negative integer; got {}")
    if not isinstance(fractions, (tuple, list, np.ndarray)) or len(fractions) != 3:
        raise ValueError(f"fractions must be three numbers (training, validation, test); got {fractions!r}")
    fractions = [_checks.number(f"fractions[{i}]", f, lambda v: v > 0,
                                f"fractions[{i}] must be a positive number; got {{}}")
                 for i, f in enumerate(fractions)]
    _checks.check(abs(sum(fractions) - 1) < 1e-9, f"fractions must add up to 1; got {fractions} "
                                                  f"(sum {sum(fractions):g})")
    images, labels = load_digits()
    rng = np.random.default_rng(seed)
    cuts = np.cumsum([0.0] + fractions)
    parts = [[], [], []]
    for digit in range(10):
        rows = rng.permutation(np.flatnonzero(labels == digit))
        ends = np.round(cuts * len(rows)).astype(int)
        for k in range(3):
            parts[k].append(rows[ends[k]:ends[k + 1]])
    X = images.reshape(len(images), -1) / PIXEL_MAX
    y = labels.astype(np.int64)

    def part(rows):
        rows = np.sort(np.concatenate(rows))
        return Part(X[rows], y[rows], rows)
    return DigitsSplit(*(part(rows) for rows in parts))
