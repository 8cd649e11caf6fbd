"""Export scikit-learn's bundled copy of the handwritten digits into lib/rugged/data/digits.npz.

The course reads the digits from that committed file (`rugged.datasets.load_digits`), so it
needs no scikit-learn at run time (a browser kernel has none). The copy is reproducible:
scikit-learn is only needed here, in a throwaway environment outside the repository:

    python3 -m venv /tmp/sk && /tmp/sk/bin/pip install scikit-learn
    /tmp/sk/bin/python tools/make_digits.py

The file holds `images` (1797, 8, 8) and `labels` (1797,), both uint8 (pixels 0–16, labels
0–9), in scikit-learn's order, compressed. lib/rugged/data/README.md names the source and
its licence.
"""

import pathlib

import numpy as np
import sklearn
from sklearn.datasets import load_digits

OUT = pathlib.Path(__file__).resolve().parent.parent / "lib" / "rugged" / "data" / "digits.npz"


def main():
    digits = load_digits()
    images, labels = digits.images, digits.target
    assert images.shape == (1797, 8, 8) and labels.shape == (1797,)
    assert np.array_equal(images, np.round(images)) and images.min() == 0 and images.max() == 16
    assert set(np.unique(labels)) == set(range(10))
    np.savez_compressed(OUT, images=images.astype(np.uint8), labels=labels.astype(np.uint8))
    counts = np.bincount(labels, minlength=10)
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes) from scikit-learn {sklearn.__version__}; "
          f"images per digit: {counts.tolist()}")


if __name__ == "__main__":
    main()
