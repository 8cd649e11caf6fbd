"""One module per notebook: its experiments, figures, panels and exercise checks.

01 `stalls`, 02 `adagrad`, 03 `rmsprop`, 04 `momentum`, 05 `adam`, 06 `decay`, 07 `warmup`, 08 `real`, 09 `summary`.
Importing this package registers every panel in `rugged.widgets.PANELS`.
"""

from . import adagrad, adam, decay, momentum, real, rmsprop, stalls, summary, warmup  # noqa: F401
