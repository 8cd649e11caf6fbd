"""The digits ship inside the package with their provenance, and split the same way everywhere."""

import sys
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from rugged import datasets

ROOT = Path(__file__).resolve().parent.parent
# Images per digit in the UCI test set optdigits.tes, as its documentation lists them.
UCI_TEST_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_digits_load_from_the_package():
    images, labels = datasets.load_digits()
    assert images.shape == (1797, 8, 8) and labels.shape == (1797,)
    assert images.dtype == np.uint8 and labels.dtype == np.uint8
    assert images.min() == 0 and images.max() == datasets.PIXEL_MAX
    assert np.bincount(labels, minlength=10).tolist() == UCI_TEST_COUNTS
    assert len(np.unique(images.reshape(1797, -1), axis=0)) > 1700, "the images must differ"
    images[0, 0, 0] = 99
    assert datasets.load_digits()[0][0, 0, 0] != 99, "every call gives fresh arrays"


def test_the_data_file_is_small_and_documented():
    data = resources.files("rugged").joinpath("data")
    assert data.joinpath("digits.npz").read_bytes()[:2] == b"PK"      # a (compressed) npz
    assert len(data.joinpath("digits.npz").read_bytes()) < 100_000
    readme = data.joinpath("README.md").read_text(encoding="utf-8")
    for fact in ("scikit-learn", "Optical Recognition of Handwritten Digits", "Alpaydin",
                 "10.24432/C50P49", "CC BY 4.0", "tools/make_digits.py"):
        assert fact in readme, fact


def test_pyproject_ships_the_data_folder():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "data/*" in config["tool"]["setuptools"]["package-data"]["rugged"]


def test_no_scikit_learn_needed():
    source = (ROOT / "lib" / "rugged" / "datasets.py").read_text(encoding="utf-8")
    assert "import sklearn" not in source and "from sklearn" not in source
    datasets.load_digits()
    assert "sklearn" not in sys.modules


def test_split_is_disjoint_complete_and_stratified():
    images, labels = datasets.load_digits()
    split = datasets.split_digits()
    rows = np.concatenate([part.rows for part in split])
    assert sorted(rows.tolist()) == list(range(len(labels))), "every image in exactly one part"
    for part, fraction in zip(split, datasets.FRACTIONS):
        assert np.all(np.diff(part.rows) > 0), "a part keeps the data set's order"
        assert part.X.shape == (len(part.rows), 64) and part.X.dtype == np.float64
        assert np.array_equal(part.X * datasets.PIXEL_MAX, images[part.rows].reshape(-1, 64))
        assert part.y.dtype == np.int64 and np.array_equal(part.y, labels[part.rows])
        counts = np.bincount(part.y, minlength=10)
        assert np.all(np.abs(counts - fraction * np.array(UCI_TEST_COUNTS)) <= 1), "stratified"
    assert [len(part.rows) for part in split] == [1078, 360, 359]


def test_split_is_fixed_by_its_seed():
    first, again = datasets.split_digits(), datasets.split_digits(datasets.SPLIT_SEED)
    other = datasets.split_digits(seed=7)
    for a, b, c in zip(first, again, other):
        assert np.array_equal(a.rows, b.rows)
        assert not np.array_equal(a.rows, c.rows)


def test_split_with_other_fractions():
    split = datasets.split_digits(fractions=(0.5, 0.25, 0.25))
    assert abs(len(split.train.rows) - 1797 / 2) <= 10


@pytest.mark.parametrize("kwargs, error, match", [
    ({"seed": -1}, ValueError, "seed must be a non-negative integer"),
    ({"seed": 1.5}, ValueError, "seed must be a non-negative integer"),
    ({"seed": "a"}, TypeError, "seed must be an integer"),
    ({"fractions": (0.5, 0.5)}, ValueError, "three numbers"),
    ({"fractions": (0.6, 0.3, 0.3)}, ValueError, "add up to 1"),
    ({"fractions": (1.2, -0.1, -0.1)}, ValueError, r"fractions\[1\] must be a positive number"),
    ({"fractions": "abc"}, ValueError, "three numbers"),
])
def test_split_refuses_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        datasets.split_digits(**kwargs)
