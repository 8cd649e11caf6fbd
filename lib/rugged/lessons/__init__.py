"""One module per notebook: its experiments, figures, panels and exercise checks.

01 `stalls`, 02 `adagrad`, 03 `rmsprop`, 04 `adam`, 05 `decay`, 06 `warmup`, 07 `summary`.
Importing this package registers every panel in `rugged.widgets.PANELS`.
"""

import importlib

TOPICS = ("stalls", "adagrad", "rmsprop", "adam", "decay", "warmup", "summary")

for _topic in TOPICS:
    try:
        importlib.import_module(f"{__name__}.{_topic}")
    except ModuleNotFoundError as _missing:   # a lesson not written yet
        if _missing.name != f"{__name__}.{_topic}":
            raise
