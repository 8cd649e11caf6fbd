"""rugged: the small library behind the course on adaptive learning rates.

Data flows one way: a surface gives gradients, an optimizer turns them into steps
(momentum m, denominator sigma, schedule eta^t), `descend` records every step in a path,
and plots and panels draw paths.
"""

from .runner import Path, descend

__all__ = ["descend", "Path"]
