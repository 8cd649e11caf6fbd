"""One module per notebook: its experiments, figures, panels and exercise checks.

01 `stalls`, 02 `adagrad`, 03 `rmsprop`, 04 `adam`, 05 `decay`, 06 `warmup`, 07 `summary`.
Importing this package registers every panel in `rugged.widgets.PANELS`.
"""

from . import adagrad, adam, decay, rmsprop, stalls, summary, warmup  # noqa: F401
