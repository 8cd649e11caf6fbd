"""rugged: the small library behind the course on adaptive learning rates.

Data flows one way: a surface gives gradients, an optimizer turns them into steps
(momentum m, denominator sigma, schedule eta^t), `descend` records every step in a path,
and plots and panels draw paths.
"""

from .runner import Path, descend

__all__ = ["descend", "Path"]

import sys as _sys

if _sys.platform == "emscripten":     # the browser edition (Pyodide) cannot start threads: the
    import tqdm as _tqdm               # progress bars' monitor thread would warn on every first bar
    _tqdm.tqdm.monitor_interval = 0
