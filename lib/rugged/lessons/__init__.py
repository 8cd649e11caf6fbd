"""One module per notebook: its experiments, figures, panels and exercise checks.

01 `stalls`, 02 `adagrad`, 03 `rmsprop`, 04 `momentum`, 05 `adam`, 06 `decay`, 07 `warmup`, 08 `real`, 09 `summary`.
A notebook imports only its own module (`from rugged.lessons import rmsprop as lesson`); the
others load on first use (`lessons.adam`). `load_all()` imports every one, which registers
every panel in `rugged.widgets.PANELS`.
"""

import importlib

MODULES = ("stalls", "adagrad", "rmsprop", "momentum", "adam", "decay", "warmup", "real", "summary")
__all__ = [*MODULES, "MODULES", "load_all"]


def __getattr__(name):
    if name in MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_all():
    """Import every lesson module (registering every panel): a tuple of them, in course order."""
    return tuple(importlib.import_module(f"{__name__}.{name}") for name in MODULES)
