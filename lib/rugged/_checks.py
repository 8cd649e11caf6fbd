"""Argument checks shared by `rugged.optim`, `rugged.schedules`, `rugged.compose` and `rugged.descend`.

Two kinds of error, as in torch:

* a value of the wrong type (a string, None, a list, a bool where a number belongs) raises
  TypeError naming the argument and the type: "lr must be a real number, got str";
* a number out of range raises ValueError with the caller's message (torch's wording where
  torch has one, e.g. "Invalid learning rate: -1"). NaN and ±inf are out of every range.

A real number is a Python int or float, a NumPy integer or floating scalar
(``np.float32(0.1)``, ``np.int64(3)``), a 0-d array of those, or any other
``numbers.Real`` (a Fraction); it comes back as a Python int or float, so that every step
computes in float64. Integers up to 2**53 stay ints, so that reprs show what was typed.
"""

import math
import numbers

import numpy as np

__all__ = ["check", "describe", "shown", "is_finite", "real", "number", "integer", "flag"]


def check(ok, message):
    """Raise ValueError(message) unless ok."""
    if not ok:
        raise ValueError(message)


def describe(value):
    """The type of `value` for an error message: 'str', 'NoneType', 'ndarray of shape (2,)'."""
    name = type(value).__name__
    shape = getattr(value, "shape", None)
    return f"{name} of shape {shape}" if isinstance(shape, tuple) and shape else name


def shown(value):
    """`value` as an error message prints it; an integer of more than 20 digits is shortened."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        digits = str(abs(int(value)))
        if len(digits) > 20:
            mantissa = f"{digits[0]}.{digits[1:6]}".rstrip("0").rstrip(".")
            return f"{'-' if value < 0 else ''}{mantissa}e+{len(digits) - 1}"
    return str(value)


def is_finite(value):
    """True for a real number that is neither NaN nor ±inf and fits in a float64."""
    try:
        return math.isfinite(value)
    except OverflowError:          # an int beyond the float range
        return False


def real(name, value, expected="a real number"):
    """`value` as a Python int or float; TypeError('<name> must be <expected>, got <type>') if it is not a real number."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {expected}, got {describe(value)}")
    if not isinstance(value, numbers.Integral):
        try:
            return float(value)
        except OverflowError:           # a Fraction beyond float64
            return math.inf if value > 0 else -math.inf
    value = int(value)
    if abs(value) <= 2**53:
        return value
    try:
        return float(value)         # NumPy would make an object array of a huge int
    except OverflowError:
        return value                # beyond float64: `is_finite` says no


def number(name, value, ok, message, expected="a real number"):
    """A finite real number for which ok(number) holds.

    TypeError if `value` is not a real number (see `real`); otherwise ValueError with
    `message`, its ``{}`` replaced by the value, if it is not finite or not ok.
    """
    result = real(name, value, expected)
    check(is_finite(result) and ok(result), message.format(shown(value)))
    return result


def integer(name, value, ok, message):
    """An int (within int64) for which ok(int) holds.

    TypeError if `value` is not a real number (a bool is not); ValueError with `message`
    (``{}`` replaced by the value) if it is a real number that is not an integer or not ok.
    """
    real(name, value, "an integer")
    if isinstance(value, np.ndarray):
        value = value[()]
    result = int(value) if isinstance(value, numbers.Integral) else None
    check(result is not None and -2**63 <= result < 2**63 and ok(result),
          message.format(shown(value)))
    return result


def flag(name, value):
    """`value` as a bool; TypeError if it is not True or False (NumPy's bools included)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name} must be True or False, got {describe(value)}")
