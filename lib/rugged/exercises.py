"""Exercises: a learner's answer goes in, specific feedback comes out.

The checks of each notebook live beside its experiments in `rugged.lessons.<topic>`;
this module holds what they share.

Each check returns `Feedback`, which shows as a coloured box in a notebook and as one line
of text elsewhere (and in nbval's comparison). An unanswered exercise (answer None)
says what to write. The checks compute the right answer from the library, so they never
disagree with what the notebook shows.
"""

from dataclasses import dataclass
import html

import numpy as np


@dataclass
class Feedback:
    """The verdict on an answer: `ok`, and a message that says what is right or wrong."""

    ok: bool
    message: str

    def __repr__(self):
        return ("✔ " if self.ok else "✘ ") + self.message

    def _repr_html_(self):
        colour, mark = ("#009E73", "✔") if self.ok else ("#D55E00", "✘")
        return (f'<div style="border-left:4px solid {colour};padding:4px 10px">'
                f'<b style="color:{colour}">{mark}</b> {html.escape(self.message)}</div>')


def right(message):
    """Positive feedback."""
    return Feedback(True, message)


def wrong(message):
    """Feedback on a wrong answer, saying what is wrong."""
    return Feedback(False, message)


def unanswered(what):
    """Feedback for an answer still None."""
    return Feedback(False, f"Not answered yet: set {what} in the cell above, then run this cell again.")


def as_number(answer, what):
    """The answer as a float, or Feedback saying why it is not one."""
    if answer is None:
        return unanswered(what)
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return wrong(f"{what} should be a number; got {answer!r}.")
    if not np.isfinite(value):
        return wrong(f"{what} should be a finite number; got {value}.")
    return value


def as_pair(answer, what):
    """The answer as two finite floats, or Feedback saying why it is not."""
    if answer is None:
        return unanswered(what)
    try:
        a, b = (float(x) for x in answer)
    except (TypeError, ValueError):
        return wrong(f"Give two numbers, {what}; got {answer!r}.")
    if not (np.isfinite(a) and np.isfinite(b)):
        return wrong(f"Both numbers should be finite; got {answer!r}.")
    return a, b


def close(value, target, rel):
    """Whether value is within relative tolerance `rel` of target."""
    return abs(value - target) <= rel * abs(target)
