"""Exercises: a learner's answer goes in, specific feedback comes out.

The checks of each notebook live beside its experiments in `rugged.lessons.<topic>`;
this module holds what they share:

- `Feedback`, which shows as a coloured box in a notebook and as one line of plain text
  elsewhere (and in nbval's comparison);
- `check`, the decorator that registers a check in `CHECKS`, so that the tests reach every
  check of the course;
- the readers of an answer (`as_number`, `as_int`, `as_pair`, `as_choice`, `as_bool`,
  `as_name`). They accept whatever a learner can type (numbers of any size, NaN, strings,
  None, NumPy scalars and arrays, tuples, dicts, booleans, complex numbers, any object)
  and return either the value or the `Feedback` that says why it is not one; they never
  raise. `shown` prints any value back briefly and truthfully.

An unanswered exercise (answer None) says what to write. The checks compute the right
answer from the library, so they never disagree with what the notebook shows.

Messages are written with a light markup: `code` in backticks, x^{t+1} and λ_{max} for
super- and subscripts. The plain text drops the backticks and uses Unicode super- and
subscripts where they exist; the HTML shows <code>, <sup> and <sub>.
"""

import ast
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
import functools
import html
import itertools
import math
import numbers
import operator
import re
import reprlib
import string
import unicodedata

import numpy as np

from .i18n import ntr as _plain_ntr, tr as _plain_tr, wide as _wide


# ---------------------------------------------------------------------------------------
# Messages: a field filled into Chinese text is spaced as the house style asks

def _ideograph(char):
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _narrow(char):
    """A Latin letter, digit, Greek letter, backtick or other narrow mark (not a space)."""
    return not char.isspace() and not _wide(char)


def _joined(before, value):
    """`before` + `value`, spaced at the seam: a narrow character (a Latin name, a number, `code`)
    and a Chinese character get a space between them; a space between two full-width characters
    (第一个值 应为, scale（一个数） 应为) is dropped. English text is never changed."""
    if not before or not value:
        return before + value
    if _narrow(before[-1]) and _ideograph(value[0]) or _ideograph(before[-1]) and _narrow(value[0]):
        return before + " " + value
    if before[-1] == " " and len(before) > 1 and _wide(before[-2]) and _wide(value[0]):
        return before[:-1] + value
    if value[0] == " " and len(value) > 1 and _wide(before[-1]) and _wide(value[1]):
        return before + value[1:]
    return before + value


class _Message(str):
    """A translated message whose `format` spaces each filled-in field as `_joined` says."""

    def format(self, *args, **kwargs):
        formatter, out, auto = string.Formatter(), "", 0
        for literal, name, spec, conversion in formatter.parse(self):
            out = _joined(out, literal)
            if name is None:
                continue
            if name == "":
                name, auto = str(auto), auto + 1
            value, _ = formatter.get_field(name, args, kwargs)
            value = formatter.convert_field(value, conversion)
            spec = formatter.vformat(spec, args, kwargs) if spec else ""
            out = _joined(out, formatter.format_field(value, spec))
        return out


def tr(message):
    """`rugged.i18n.tr`, whose `format` spaces a field in Chinese text (see `_joined`)."""
    return _Message(_plain_tr(message))


def ntr(singular, plural, n):
    """`rugged.i18n.ntr`, whose `format` spaces a field in Chinese text (see `_joined`)."""
    return _Message(_plain_ntr(singular, plural, n))

# ---------------------------------------------------------------------------------------
# Feedback and its rendering

_CODE = re.compile(r"`([^`\n]+)`")
_SCRIPT = re.compile(r"([\^_])\{([^{}\n]*)\}")
_SUPERSCRIPTS = dict(zip("0123456789+-−=()nitk", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱᵗᵏ"))
_SUBSCRIPTS = dict(zip("0123456789+-−=()", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎"))
BACKTICK_STANDIN = "ˋ"    # U+02CB: shows a learner's backtick without making it markup


def _plain_script(match):
    kind, body = match.groups()
    table = _SUPERSCRIPTS if kind == "^" else _SUBSCRIPTS
    if body and all(c in table for c in body):
        return "".join(table[c] for c in body)
    if kind == "_":
        return "_" + body
    return "^" + (body if len(body) == 1 else f"({body})")


def plain_text(markup):
    """The plain-text form of a message: no backticks, Unicode super- and subscripts."""
    text = _CODE.sub(r"\1", markup)
    text = _SCRIPT.sub(_plain_script, text)
    return text.replace("`", BACKTICK_STANDIN)


def html_text(markup):
    """The HTML form of a message: `code` as <code>, ^{…} as <sup>, _{…} as <sub>."""
    out = []
    for i, part in enumerate(_CODE.split(markup)):
        if i % 2:
            out.append(f"<code>{html.escape(part)}</code>")
            continue
        pos = 0
        for match in _SCRIPT.finditer(part):
            out.append(html.escape(part[pos:match.start()]).replace("`", BACKTICK_STANDIN))
            tag = "sup" if match.group(1) == "^" else "sub"
            out.append(f"<{tag}>{html.escape(match.group(2))}</{tag}>")
            pos = match.end()
        out.append(html.escape(part[pos:]).replace("`", BACKTICK_STANDIN))
    return "".join(out)


@dataclass
class Feedback:
    """The verdict on an answer: `ok`, and a message that says what is right or wrong.

    `message` may be given in the markup above; it is stored as plain text, and `html`
    keeps the rendered form.
    """

    ok: bool
    message: str
    html: str = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        markup = str(self.message)
        self.message = plain_text(markup)
        if self.html is None:
            self.html = html_text(markup)

    def __repr__(self):
        return ("✔ " if self.ok else "✘ ") + self.message

    def _repr_html_(self):
        colour, mark = ("#009E73", "✔") if self.ok else ("#D55E00", "✘")
        return (f'<div style="border-left:4px solid {colour};padding:4px 10px">'
                f'<b style="color:{colour}">{mark}</b> {self.html}</div>')


def right(message):
    """Positive feedback."""
    return Feedback(True, message)


def wrong(message):
    """Feedback on a wrong answer, saying what is wrong."""
    return Feedback(False, message)


def unanswered(what):
    """Feedback for an answer still None."""
    return Feedback(False, tr("Not answered yet: set {what} in the cell above, then run this cell again.")
                    .format(what=what))


# ---------------------------------------------------------------------------------------
# The registry of checks

CHECKS = []   # every exercise check of the course, in the order the lesson modules define them


def check(function):
    """Register an exercise check in `CHECKS`.

    A check takes the learner's answer as its first argument; any other argument has a
    default (the notebook's own), so `check(answer)` works. The registered function never
    raises: should the check itself fail, the learner reads a short message instead of a
    traceback. The unguarded check stays reachable as `__wrapped__` for the tests.
    """
    @functools.wraps(function)
    def guarded(answer, *args, **kwargs):
        try:
            return function(answer, *args, **kwargs)
        except Exception as error:                       # noqa: BLE001 - never a traceback
            return wrong(tr("This answer could not be checked ({error}); got {answer}. Write it in the "
                            "form the exercise asks for.").format(error=type(error).__name__,
                                                                  answer=shown(answer)))
    key = (function.__module__, function.__qualname__)
    CHECKS[:] = [c for c in CHECKS if (c.__module__, c.__qualname__) != key]   # a reloaded module
    CHECKS.append(guarded)
    return guarded


# ---------------------------------------------------------------------------------------
# Showing a learner's value back

SHOWN_LIMIT = 40


def _int_text(n):
    """An int of any size as text: exact up to 15 digits, else d.ddde+N (never 300 digits)."""
    n = int(n)
    if abs(n) < 10**15:
        return str(n)
    sign, n = ("-" if n < 0 else ""), abs(n)
    e = int(n.bit_length() * math.log10(2))
    while 10**e > n:
        e -= 1
    while 10 ** (e + 1) <= n:
        e += 1
    lead, rest = divmod(n, 10 ** (e - 3))
    mantissa = f"{lead / 1000:.3f}".rstrip("0").rstrip(".")
    return f"{'' if rest == 0 else '≈'}{sign}{mantissa}e+{e}"


class _Repr(reprlib.Repr):
    def __init__(self):
        super().__init__()
        self.maxlevel, self.maxstring, self.maxother = 2, 24, 24
        self.maxtuple = self.maxlist = self.maxdict = self.maxset = self.maxfrozenset = 4

    def repr_int(self, x, level):
        return _int_text(x)

    def repr_bool(self, x, level):
        return repr(x)

    def repr_float(self, x, level):
        return _float_text(x)

    def repr_ndarray(self, x, level):
        return _array_text(x)


def _float_text(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    return repr(x)            # the shortest text that is exactly this float


def _array_text(x):
    if x.size <= 4 and x.ndim <= 1:
        return "array([" + ", ".join(_short(v) for v in x.reshape(-1).tolist()) + "])"
    return tr("an array of shape {shape}").format(shape=tuple(x.shape))


def _short(value):
    if isinstance(value, Number):
        return value.text
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (numbers.Integral, np.integer)):
        return _int_text(value)
    if isinstance(value, (float, np.floating)):
        return _float_text(value)
    if isinstance(value, np.ndarray):
        return _array_text(value)
    if isinstance(value, str):
        text = value if len(value) <= SHOWN_LIMIT - 2 else value[:SHOWN_LIMIT - 3] + "…"
        return repr(text)
    return _Repr().repr(value)


def shown(value):
    """A short, true rendering of any value, for a message (at most about 40 characters)."""
    try:
        text = _short(value)
    except Exception:                                      # noqa: BLE001
        text = tr("a {kind}").format(kind=type(value).__name__)
    if len(text) > SHOWN_LIMIT:
        text = text[:SHOWN_LIMIT - 1] + "…"
    return text.replace("`", BACKTICK_STANDIN)


# ---------------------------------------------------------------------------------------
# Reading numbers

class Number(float):
    """A learner's number: a float (±inf when it is too large for one) that shows itself as typed.

    `huge` is True for a finite value beyond the float range (10**400, "1e400"): it
    compares as ±inf, but the learner wrote a number, so it is not refused as infinite.
    """

    def __new__(cls, value, text=None, huge=False):
        number = super().__new__(cls, value)
        number.text = text if text is not None else _float_text(value)
        number.huge = huge
        return number

    def __repr__(self):
        return self.text

    __str__ = __repr__


class _Refused(Exception):
    """Why an answer is not of the form asked for (the message, in markup)."""


_PERCENT = re.compile(r"^([^%]+)%$")
_GROUPED = re.compile(r"^[-+]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?$")      # 1,000  12,345.6  1,000,000
_COMMA_DECIMAL = re.compile(r"^([-+]?\d*),(\d+)([eE][-+]?\d+)?$")    # 0,5  2,683  ,5
_DECIMAL = r"(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_FRACTION = re.compile(rf"^([-+]?{_DECIMAL})\s*/\s*([-+]?{_DECIMAL})$")   # 2/199.8, 3/4, 1e-3 / 2
_EXPRESSION = re.compile(r"^[-+*/×÷·^().\deE\s]+$")


def _without_commas(text, raw, what, suffix=""):
    """`text` with its thousands separators dropped, or _Refused when a comma may be a decimal comma.

    A comma is read as a thousands separator only where it cannot be a decimal comma
    (1,000,000 and 1,000.5); "2,683" could be either and "0,5" is a decimal comma, so both
    are refused with the reading(s) spelled out. `suffix` ("%") goes after the suggestions.
    """
    if "," not in text:
        return text
    if _GROUPED.match(text) and (text.count(",") > 1 or "." in text):
        return text.replace(",", "")
    decimal = _COMMA_DECIMAL.match(text)
    if decimal and len(text) > 30:
        raise _Refused(tr("{what}: {value} has a comma. Write one number, with a decimal point.")
                       .format(what=what, value=shown(raw)))
    if decimal:
        whole, fraction, exponent = decimal.group(1), decimal.group(2), decimal.group(3) or ""
        point = f"{whole if whole.strip('+-') else whole + '0'}.{fraction}{exponent}{suffix}"
        if _GROUPED.match(text):
            raise _Refused(tr("{what}: {value} is ambiguous. Use a decimal point ({point}), or no comma "
                              "for thousands ({thousands}).").format(
                what=what, value=shown(raw), point=point, thousands=f"{whole}{fraction}{suffix}"))
        raise _Refused(tr("{what}: {value} has a comma. Use a decimal point ({point}); a comma "
                          "separates two numbers.").format(what=what, value=shown(raw), point=point))
    return text


def _exact(token):
    """A plain decimal number's exact value as a Fraction (None for an exponent beyond ±400)."""
    number = Decimal(token)
    if not number.is_finite() or abs(number.adjusted()) > 400:
        return None
    return Fraction(number)


def _evaluated(text):
    """The exact value (a Fraction) of a short arithmetic expression of plain numbers, or None.

    Numbers, + − × · / ÷, ^ or ** with a whole exponent, and brackets: read from the syntax
    tree (each number exactly, as typed), never evaluated as code. None for anything else,
    and for a value beyond the float range.
    """
    source = (text.replace("×", "*").replace("·", "*").replace("÷", "/").replace("^", "**")
              .replace("−", "-"))
    numbers_typed = []

    def placeholder(match):
        numbers_typed.append(match.group(0))
        return f" n{len(numbers_typed) - 1} "
    source = re.sub(r"(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", placeholder, source)
    if len(text) > 80 or not numbers_typed:
        return None
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return None
    operations = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
                  ast.Div: operator.truediv}

    def value(node):
        if isinstance(node, ast.Name) and re.fullmatch(r"n\d+", node.id):
            exact = _exact(numbers_typed[int(node.id[1:])])
            if exact is None:
                raise ValueError
            return exact
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            inner = value(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp) and type(node.op) in operations:
            return operations[type(node.op)](value(node.left), value(node.right))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            base, power = value(node.left), value(node.right)
            size = max(base.numerator.bit_length(), base.denominator.bit_length())
            if power.denominator != 1 or size * abs(power) > 5000:
                raise ValueError
            return base ** int(power)
        raise ValueError

    try:
        result = value(tree.body)
        if result != 0 and float(result) == 0:         # below the float range
            return None
        return result
    except (ValueError, ZeroDivisionError, ArithmeticError, TypeError):   # OverflowError: above it
        return None


def _decimal_text(exact):
    """'= 0.1' or '≈ 0.01001001001' for an exact value: up to 10 significant digits."""
    text = f"{float(exact):.10g}"
    return ("= " if Fraction(Decimal(text)) == exact else "≈ ") + text


def _not_a_number(what, text):
    return tr("{what} should be a number; got {value}.").format(what=what, value=text)


def _not_finite(what, value):
    return tr("{what} should be a finite number; got {value}.").format(what=what, value=shown(value))


def _not_expression(what, raw):
    return (tr("{what} should be the number itself, not an expression; got {value}.")
            .format(what=what, value=shown(raw)))


# Words around a number that leave its value as it is: "约 0.01", "3.54 左右", "about 0.01", "≈ 3.54"
_ABOUT = re.compile(r"^(?:约为|约是|大约是|大约|大概|约|≈|~|about|approximately|approx\.?|roughly)\s*", re.IGNORECASE)
_ABOUT_AFTER = re.compile(r"\s*左右$")
# Units and measure words a number may carry where the exercise's quantity has them (the
# `units` of `as_number` and `as_int`): (what may stand before the number, what after it).
COUNT, TIMES, STEP = "count", "times", "step"
UNITS = {
    COUNT: ("", r"(?:次更新|步更新|个更新|次迭代|次|步|个|steps?|updates?|iterations?)"),    # 693 次, 33 updates
    TIMES: ("", r"(?:倍|times|x|×)"),                                                   # 5 倍, 5 times, 5x
    STEP: (r"(?:第|step\s)", r"(?:步|次|次更新|次迭代)?"),                                 # 第 6 步, step 6
}


def _without_words(text, units=(), eta=None):
    """(the number in `text` without an "about" word or a unit of `units`, the factor of its unit).

    `eta`: the value of η in the answer's units, when the exercise asks in units of η: then
    "10η", "10 η" and "η" are read as 10·eta, 10·eta and eta (factor eta).
    """
    text = _ABOUT_AFTER.sub("", _ABOUT.sub("", text.strip())).strip()
    readings = [found.group(1) for before, after in (UNITS[unit] for unit in units)
                for found in [re.fullmatch(rf"{before}\s*(.*?\S)\s*{after}", text, re.IGNORECASE)] if found]
    if readings:                                           # "第6步": a step (6), not a count ("第6")
        text = next((r for r in readings if not any(map(_ideograph, r))), readings[0])
    if eta is not None:
        found = re.fullmatch(r"(.*?)\s*[*×·]?\s*η", text)
        if found:
            return (found.group(1).strip() or "1"), eta
    return text, 1


_ROOT_TERM = rf"(?:{_DECIMAL}\s*[*×·]?\s*)?√\s*(?:[-+]?{_DECIMAL}|\(\s*[-+]?{_DECIMAL}\s*\))"
_ROOTS = re.compile(rf"^[-+]?\s*(?:{_ROOT_TERM}|{_DECIMAL})(?:\s*/\s*(?:{_ROOT_TERM}|{_DECIMAL}))?$")


def _root_value(text, raw, what):
    """The value of a number written with a square root ("√12.5", "1/√100", "2√2", "sqrt(7.2)"),
    None when `text` has no root, _Refused for any other expression with a root."""
    text = re.sub(r"(?:np\.|numpy\.|math\.)?sqrt\s*\(", "√(", text, flags=re.IGNORECASE)
    if "√" not in text:
        return None
    if not _ROOTS.match(text):
        raise _Refused(_not_expression(what, raw) if re.search(r"\d", text) else _not_a_number(what, shown(raw)))

    def term(part):
        part = part.strip()
        if "√" not in part:
            return float(part)
        coefficient, radicand = part.split("√")
        coefficient = coefficient.strip().rstrip("*×·").strip()
        radicand = float(radicand.strip().strip("()").strip())
        if radicand < 0:
            raise _Refused(tr("{what} should be a real number; got {value}, the square root of a negative number.")
                           .format(what=what, value=shown(raw)))
        return (float(coefficient) if coefficient else 1.0) * math.sqrt(radicand)
    sign = -1.0 if text.startswith("-") else 1.0
    parts = text.lstrip("+-").split("/")
    value = term(parts[0])
    if len(parts) == 2:
        denominator = term(parts[1])
        if denominator == 0:
            raise _Refused(tr("{what} should be a number; got {value}, which divides by zero.")
                           .format(what=what, value=shown(raw)))
        value = value / denominator
    if not math.isfinite(value):
        raise _Refused(_not_expression(what, raw))
    return sign * value


def _number_from_text(text, what, units=(), eta=None):
    """A Number from a string, or _Refused."""
    raw = text
    text = unicodedata.normalize("NFKC", text).strip().replace("−", "-").replace("×10^", "e")
    if "=" in text or "≈" in text:                         # "eta = 0.01", "σ ≈ 3.54"
        text = re.split(r"[=≈]", text)[-1].strip()
    text = text.strip("'\"` ")
    bare, factor = _without_words(text, units, eta)
    bare, text = (bare if factor == 1 and bare != text else None), bare
    if text.startswith("(") and text.endswith(")") and not re.search(r"[()]", text[1:-1]):
        text = text[1:-1].strip()                          # "(0.5)"
    scale = 1
    percent = _PERCENT.match(text)
    if percent:
        text, scale = percent.group(1).strip(), 100
    text = _without_commas(text, raw, what, "%" if percent else "")
    typed = shown(raw.strip() if bare is None else bare).strip("'\"")   # "693 次", "约 0.01": 693, 0.01
    fraction = _FRACTION.match(text)
    if fraction:                                           # "2/199.8": a number written as a fraction
        numerator, denominator = (float(part) for part in fraction.groups())
        if denominator == 0:
            raise _Refused(tr("{what} should be a number; got {value}, which divides by zero.")
                           .format(what=what, value=shown(raw)))
        if not (math.isfinite(numerator) and math.isfinite(denominator)):
            raise _Refused(_not_expression(what, raw))
        value = numerator / denominator * factor
        if math.isinf(value):
            return Number(value, typed, huge=True)
        return Number(value / scale, typed)
    try:
        value = float(text) * factor
    except (ValueError, OverflowError):
        root = _root_value(text, raw, what)
        if root is not None:
            return Number(root * factor / scale, typed)
        if re.search(r"[a-z]\s*\(", text, re.IGNORECASE):   # "sqrt(7.2)", "np.log(2)"
            raise _Refused(_not_expression(what, raw))
        several = re.search(rf"{_DECIMAL}\s+[-+]?{_DECIMAL}", text)     # "12 13", "0.2 -2"
        if not several and _EXPRESSION.match(text) and re.search(r"[\d.)]\s*[-+*/×÷·^]", text):
            exact = _evaluated(text)
            if exact is None:
                raise _Refused(_not_expression(what, raw))
            result = _decimal_text(exact / scale)
            raise _Refused(tr("{what} should be the number itself, not an expression: {typed} {result}, "
                              "so write {value}.").format(what=what, typed=shown(raw), result=result,
                                                          value=result[2:]))
        if len(re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", text)) >= 2:
            raise _Refused(tr("{what} should be one number; got {value}, which holds several.")
                           .format(what=what, value=shown(raw)))
        raise _Refused(_not_a_number(what, shown(raw)))
    if math.isnan(value):
        raise _Refused(tr("{what} should be a number; got {value}, NaN (Not a Number).")
                       .format(what=what, value=shown(raw)))
    if math.isinf(value):
        if "inf" in text.lower():
            raise _Refused(_not_finite(what, raw))
        return Number(value, typed, huge=True)             # "1e400": beyond float's range
    return Number(value / scale, typed)


def _huge(value, sign_source):
    """The Number for a finite value too large for a float."""
    try:
        negative = bool(sign_source < 0)
    except Exception:                                      # noqa: BLE001
        negative = False
    return Number(-math.inf if negative else math.inf, shown(value), huge=True)


def _number(value, what, units=(), eta=None):
    """A Number from any value, or _Refused saying why it is not one (`units`, `eta`: see `as_number`)."""
    if isinstance(value, Number):
        return value
    if value is None:
        raise _Refused(tr("{what} should be a number; got None.").format(what=what))
    if isinstance(value, (bool, np.bool_)):
        raise _Refused(tr("{what} should be a number; got {value}, a truth value, not a number.")
                       .format(what=what, value=bool(value)))
    if isinstance(value, (str, np.str_)):
        return _number_from_text(str(value), what, units, eta)
    if isinstance(value, (bytes, bytearray)):
        raise _Refused(tr("{what} should be a number; got bytes, {value}.").format(what=what, value=shown(value)))
    if isinstance(value, (numbers.Integral, np.integer)):
        try:
            return Number(float(int(value)), _int_text(value))
        except OverflowError:
            return _huge(value, int(value))
    if isinstance(value, (complex, np.complexfloating)):
        if value.imag != 0:
            raise _Refused(tr("{what} should be a real number; got the complex number {value}.")
                           .format(what=what, value=shown(value)))
        return _number(value.real, what, units, eta)
    if isinstance(value, np.ndarray):
        if value.dtype == bool:
            raise _Refused(tr("{what} should be a number; got {value}, truth values.")
                           .format(what=what, value=shown(value)))
        if value.size == 1:
            return _number(value.reshape(-1)[0], what, units, eta)
        if value.size == 0:
            raise _Refused(tr("{what} should be one number; got an empty array.").format(what=what))
        raise _Refused(tr("{what} should be one number; got an array of {n} numbers.")
                       .format(what=what, n=value.size))
    if isinstance(value, (list, tuple)):
        if len(value) == 1:
            return _number(value[0], what, units, eta)
        kind = type(value).__name__
        if not value:
            raise _Refused(tr("{what} should be one number; got an empty {kind}, {value}.")
                           .format(what=what, kind=kind, value=shown(value)))
        raise _Refused(tr("{what} should be one number; got a {kind} of {n} values, {value}.")
                       .format(what=what, kind=kind, n=len(value), value=shown(value)))
    if isinstance(value, (dict, set, frozenset)):
        raise _Refused(tr("{what} should be one number; got a {kind}, {value}.")
                       .format(what=what, kind=type(value).__name__, value=shown(value)))
    try:
        number = float(value)
    except OverflowError:
        return _huge(value, value)
    except Exception:                                      # noqa: BLE001 - float() may raise anything
        raise _Refused(_not_a_number(what, shown(value))) from None
    if math.isnan(number):
        raise _Refused(tr("{what} should be a number; got NaN (Not a Number).").format(what=what))
    if math.isinf(number):
        if isinstance(value, Decimal) and value.is_finite():
            return _huge(value, value)
        raise _Refused(_not_finite(what, value))
    return Number(number, _float_text(number) if isinstance(value, (float, np.floating)) else shown(value))


def _read(reader, answer, what, kind):
    """Run a reader; None → 'not answered', _Refused or any other failure → Feedback."""
    if answer is None:
        return unanswered(what)
    try:
        return reader(answer)
    except _Refused as refusal:
        return wrong(str(refusal))
    except Exception:                                      # noqa: BLE001 - never a traceback
        return wrong(tr("{what} should be {kind}; got {value}.").format(what=what, kind=kind, value=shown(answer)))


def as_number(answer, what, units=(), eta=None):
    """The answer as a `Number` (a float that remembers how it was typed), or Feedback.

    Accepted: ints of any size, floats, NumPy scalars, 0-d and one-element arrays or lists,
    numeric strings ("0.01", "1e-2", " 0.01 ", "eta = 0.01", "75%", "1,000,000", a
    fraction "2/199.8", a square root "√12.5", "1/√100", "sqrt(7.2)", and "about" words
    around a number: "约 0.01", "3.54 左右", "≈ 3.54"), complex numbers with no imaginary part.
    `units`: the units the quantity may be written with (`COUNT`: "693 次", "693 steps";
    `TIMES`: "5 倍", "5 times"; `STEP`: "第 6 步", "step 6"); `eta`: the value of η when the
    exercise asks in units of η ("10η", "η"). Refused with a message saying why: None (not
    answered), booleans, NaN, ±inf, a comma that may be a decimal comma ("2,683", "0,5"),
    other expressions ("1 - 0.9": its value is given), other strings, several values, dicts,
    anything float() fails on.
    """
    return _read(lambda value: _number(value, what, units, eta), answer, what, tr("a number"))


def as_int(answer, what, units=()):
    """The answer as a whole number (an `int` of any size), or Feedback.

    A float within 1e-6 (relative) of a whole number counts as that number (5.9999999999
    is 6); 5.5 is refused as "not a whole number". `units` as for `as_number` ("第 6 步").
    """
    def whole(value):
        if isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_)):
            return int(value)
        if isinstance(value, (str, np.str_)):
            text = unicodedata.normalize("NFKC", str(value)).strip().replace("−", "-")
            text = _without_words(text.rsplit("=", 1)[-1].strip().strip("'\"` "), units)[0]
            text = _without_commas(text, value, what)
            try:
                exact = Decimal(text)
                if exact.is_finite() and exact == exact.to_integral_value():
                    return int(exact)
            except (InvalidOperation, ValueError, OverflowError):
                pass
        number = _number(value, what, units)
        if number.huge:
            try:
                return int(value)
            except Exception:                              # noqa: BLE001
                return int(math.copysign(1, number)) * 10**400
        nearest = round(number)
        if abs(number - nearest) <= 1e-6 * max(1.0, abs(number)):
            return int(nearest)
        raise _Refused(tr("{what} should be a whole number; {value} is not one.")
                       .format(what=what, value=shown(number)))
    return _read(whole, answer, what, tr("a whole number"))


MISSING = object()   # a half of a pair that the answer does not give


def _entry_key(key):
    """A dict key reduced like a name ("m̂⁰" → "mhat0", "is_minimum" → "minimum"), or None."""
    try:
        text = unicodedata.normalize("NFKC", str(key)).replace("\u0302", "hat").replace("^", " ")
        return name_key(text) or None
    except Exception:                                      # noqa: BLE001
        return None


def _names_in(what):
    """The two names in a description such as "`answer = (m, m_hat)`", or None."""
    found = re.search(r"\(([^()]*)\)", str(what))
    names = [n.strip(" `") for n in found.group(1).split(",")] if found else []
    return tuple((n,) for n in names) if len(names) == 2 and all(names) else None


def pair_from_dict(mapping, names=None):
    """(first, second) from a dict answer; MISSING stands for a half it does not give.

    `names` gives the spellings of each half's key (e.g. (("m", "m0"), ("m_hat", "m̂"))); keys
    compare as names do, so "m̂⁰", "M_hat" and "m_hat0" are one spelling. An entry goes to the
    half its key names; a dict of exactly two entries fills what is left in insertion order,
    so {"a": 0.2, "b": 2} is the pair (0.2, 2).
    """
    entries = list(mapping.items())
    halves, used = [MISSING, MISSING], set()
    for half, spellings in enumerate(names or ()):
        keys = {_entry_key(s) for s in spellings} - {None}
        for i, (key, value) in enumerate(entries):
            if i not in used and _entry_key(key) in keys:
                halves[half] = value
                used.add(i)
                break
    if len(entries) == 2:
        rest = [value for i, (_, value) in enumerate(entries) if i not in used]
        halves = [rest.pop(0) if half is MISSING else half for half in halves]
    return tuple(halves)


def pair_parts(text):
    """The parts of a string that should hold two numbers: split at ';', else ',', else spaces."""
    text = unicodedata.normalize("NFKC", text).strip().strip("()[]{} ")
    for separator in (";", "、", ","):                    # 、 is the Chinese enumeration comma
        if separator in text:
            return [p.strip() for p in text.split(separator) if p.strip()]
    text = re.sub(r"\s*([/*×÷·^])\s*", r"\1", text)           # "2 / 199.8 5": one fraction, then 5
    return text.split()


def as_pair(answer, what, names=None):
    """The answer as two `Number`s, or Feedback saying why it is not a pair.

    Accepted: tuples, lists, 2-element arrays (any shape), other iterables of two, strings
    holding two numbers ("0.2, 2", "(0.2, 2)", "0.2; 2", "0.2 2") and dicts of two entries:
    keyed by the two names (any order; see `pair_from_dict`) or else in insertion order.
    `names` are the spellings of the two keys; by default the two names in `what`
    ("`answer = (m, m_hat)`" gives m and m_hat). "12" is one number, not (1, 2).
    """
    names = names if names is not None else _names_in(what)

    def pair(value):
        if isinstance(value, (str, np.str_)):
            parts = pair_parts(str(value))
            if len(parts) != 2:
                message = tr("Give two numbers, {what}; got the string {value}.")
                if len(parts) > 2 and re.search(r"\d,\d", str(value)):
                    message = tr("Give two numbers, {what}; got the string {value}. If a comma is a "
                                 "decimal comma, use a decimal point.")
                raise _Refused(message.format(what=what, value=shown(value)))
            return halves(parts)
        if isinstance(value, dict):
            if len(value) != 2:
                raise _Refused(ntr("Give two numbers, {what}; got a dict of {n} entry: {value}.",
                                   "Give two numbers, {what}; got a dict of {n} entries: {value}.",
                                   len(value)).format(what=what, n=len(value), value=shown(value)))
            return halves(pair_from_dict(value, names))
        if isinstance(value, (set, frozenset, bytes, bytearray)):
            raise _Refused(tr("Give two numbers in order, {what}; got a {kind}, {value}.")
                           .format(what=what, kind=type(value).__name__, value=shown(value)))
        more = False
        if isinstance(value, np.ndarray):
            items = value.reshape(-1).tolist() if value.dtype != object else list(value.reshape(-1))
        elif isinstance(value, (bool, np.bool_, numbers.Number, np.number)):
            raise _Refused(tr("Give two numbers, {what}; got one, {value}.").format(what=what, value=shown(value)))
        elif isinstance(value, (list, tuple)):
            items = list(value)
        else:
            try:
                items = list(itertools.islice(iter(value), 3))
            except Exception:                              # noqa: BLE001
                raise _Refused(tr("Give two numbers, {what}; got {value}.")
                               .format(what=what, value=shown(value))) from None
            more = len(items) > 2
        if len(items) != 2:
            if more:
                message = tr("Give two numbers, {what}; got {n} or more values: {value}.")
            else:
                message = ntr("Give two numbers, {what}; got {n} value: {value}.",
                              "Give two numbers, {what}; got {n} values: {value}.", len(items))
            raise _Refused(message.format(what=what, n=len(items), value=shown(value)))
        return halves(items)

    def halves(items):
        first, second = items
        return _number(first, tr("The first value")), _number(second, tr("The second value"))
    return _read(pair, answer, what, tr("two numbers"))


def as_choice(answer, choices, what):
    """The one of the numbers `choices` the answer is (within 1e-6, relative), or Feedback."""
    def choice(value):
        number = _number(value, what)
        for c in choices:
            if close(number, c, 1e-6):
                return c
        message = {2: tr("Pick one of the two: {options}; {value} is none of them."),
                   3: tr("Pick one of the three: {options}; {value} is none of them."),
                   4: tr("Pick one of the four: {options}; {value} is none of them.")}.get(
            len(choices), tr("Pick one of the {count}: {options}; {value} is none of them."))
        raise _Refused(message.format(count=len(choices), options=_or(choices), value=shown(number)))
    return _read(choice, answer, what, tr("one of {options}").format(options=_or(choices)))


def _or(choices):
    """'0.1 or 0.01 or 0.001': numbers as a list of alternatives, in the current language."""
    return tr(" or ").join(f"{c:g}" for c in choices)


_TRUE = {"true", "yes", "y", "minimum", "localminimum", "min", "localmin"}
_FALSE = {"false", "no", "n", "not", "saddle", "saddlepoint", "notminimum", "notlocalminimum", "nominimum",
          "notmin", "notlocalmin"}
_BOOL_FILLER = {"a", "an", "the", "it", "is", "its", "s", "this", "point", "critical"}
# the same answers in Chinese (是 / 否, 最小值 / 鞍点), read part by part between punctuation
_TRUE_ZH = {"是", "对", "正确", "真", "最小值", "局部最小值", "极小值", "局部极小值", "最小点"}
_FALSE_ZH = {"否", "不", "不是", "错", "错误", "假", "不对", "鞍点", "不是最小值", "不是局部最小值",
             "不是极小值", "不是局部极小值", "非最小值"}
_BOOL_FILLER_ZH = ("这个临界点", "临界点", "这个点", "这个", "这", "该点", "它", "一个", "的", "了")


def _chinese_truth(text):
    """True or False for an answer in Chinese ("是", "不是", "是局部最小值", "鞍点", "是的，它是最小值"),
    None when it is not one (or its parts disagree)."""
    found = set()
    for part in re.split(r"[\W_]+", unicodedata.normalize("NFKC", text)):
        for filler in _BOOL_FILLER_ZH:
            part = part.replace(filler, "")
        if not part:
            continue
        while part not in _TRUE_ZH | _FALSE_ZH and part[:1] in ("是", "对") and len(part) > 1:
            part = part[1:]                                # "是局部最小值", "对是鞍点"
        if part in _TRUE_ZH:
            found.add(True)
        elif part in _FALSE_ZH:
            found.add(False)
        else:
            return None
    return found.pop() if len(found) == 1 else None


def as_bool(answer, what):
    """The answer as True or False (also "yes", "no", "minimum", "saddle"), or Feedback."""
    def truth(value):
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if isinstance(value, np.ndarray) and value.size == 1 and value.dtype == bool:
            return bool(value.reshape(-1)[0])
        if isinstance(value, (str, np.str_)):
            words = re.findall(r"[a-z]+", unicodedata.normalize("NFKC", str(value)).casefold())
            key = "".join(w for w in words if w not in _BOOL_FILLER)
            for prefix, answers, truth in (("yes", _TRUE, True), ("no", _FALSE, False)):
                if key in answers or (key.startswith(prefix) and key[len(prefix):] in answers):
                    return truth
            found = _chinese_truth(str(value))
            if found is not None:
                return found
        raise _Refused(tr("{what} should be True or False; got {value}.").format(what=what, value=shown(value)))
    return _read(truth, answer, what, tr("True or False"))


# ---------------------------------------------------------------------------------------
# Reading names

_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "eps", "ϵ": "eps",
          "η": "eta", "θ": "theta", "λ": "lambda", "μ": "mu", "ρ": "rho", "σ": "sigma",
          "ς": "sigma", "τ": "tau"}
_FILLER = {"the", "torch", "pytorch", "s", "optim", "optimizer", "optimiser", "class",
           "algorithm", "option", "answer", "letter", "line", "choice", "of", "it", "is",
           "term", "ingredient", "default", "parameter", "hyperparameter"}
# the glossary's Chinese terms a learner may write for a name, read as their English, in this
# order (a compound before its parts: 学习率调度 before 学习率 and 调度)
_CHINESE_WORDS = (("自适应学习率", "adaptive learning rate"), ("学习率调度", "learning rate schedule"),
                  ("学习率衰减", "learning rate decay"), ("学习率预热", "learning rate warmup"),
                  ("梯度下降", "gradient descent"), ("学习率", "learning rate"), ("局部最小值", "local minimum"),
                  ("最小值", "minimum"), ("超参数", "hyperparameter"), ("参数", "parameter"),
                  ("优化器", "optimizer"), ("步长", "step size"), ("动量", "momentum"), ("鞍点", "saddle"),
                  ("偏置", "bias"), ("截距", "intercept"), ("权重", "weight"), ("斜率", "slope"),
                  ("调度", "schedule"), ("衰减", "decay"), ("预热", "warmup"), ("均方根", "root mean square"),
                  ("分母", "denominator"), ("自适应", "adaptive"), ("课上", "lecture"), ("讲座", "lecture"),
                  ("贝塔", "beta"), ("阿尔法", "alpha"), ("西格玛", "sigma"), ("伊普西龙", "epsilon"),
                  ("更大", "larger"), ("较大", "larger"), ("更小", "smaller"), ("较小", "smaller"), ("不是", "not"),
                  ("第一个", "first"), ("第二个", "second"), ("默认值", "default"), ("答案", "answer"))


def name_key(text, remarks=False):
    """A name reduced to what identifies it, so that every reasonable spelling compares equal.

    Case, spacing, punctuation, Unicode forms (β₂, full-width letters), Greek letters
    (β → beta), module paths (torch.optim.Adagrad), calls and remarks in brackets
    (Adagrad(), Adagrad (torch)), filler words (torch's Adagrad, option D) and a trailing
    "= value" are dropped: "β₂", "beta 2", "beta_2" and "Beta2 = 0.999" all give "beta2".
    The course's Chinese terms read as their English (动量 → momentum, 调度 → schedule); other
    Chinese words beside a name are dropped ("选 D" → "d"), and a Chinese word alone that the
    course does not know is kept as it is ("随便" → "随便"), so that it is a name, just not one
    of the answers. A number gives its shortest float text ("1e-3" and "0.001" both give "0.001").
    With remarks=True what stands in brackets is kept ("Adagrad (lecture)" → "adagradlecture").
    """
    return "".join(name_words(text, remarks))


def name_words(text, remarks=False):
    """The words of a name, as `name_key` joins them: "动量 m" → ["momentum", "m"]."""
    text = unicodedata.normalize("NFKC", str(text)).casefold().strip().strip("'\"`")
    try:
        number = float(text.replace("−", "-"))
        if math.isfinite(number):
            return [repr(number)]
    except (ValueError, OverflowError):
        pass
    typed = text
    text = re.sub(r"=\s*[-+−]?[\d.]+(e[-+−]?\d+)?\s*$", "", text).strip()
    for chinese, english in _CHINESE_WORDS:
        text = text.replace(chinese, f" {english} ")
    head = text.split("(", 1)[0]
    if head.strip() and not remarks:
        text = head                                        # "Adagrad (torch)", "Adagrad()"
    text = re.sub(r"\b(?:[a-z_][a-z0-9_]*\.)+([a-z_][a-z0-9_]*)", r"\1", text)   # torch.optim.X
    for letter, word in _GREEK.items():
        text = text.replace(letter, f" {word} ")
    words = re.sub(r"[^0-9a-z.]+|(?<![0-9])\.|\.(?![0-9])", " ", text).split()
    words = [w for w in words if w not in _FILLER]
    if not words:                                          # a word the course does not know: "随便"
        words = re.sub(r"[\W_]+", " ", typed).split()
    return words


class Name(str):
    """A learner's name, reduced by `name_key`; `.text` is how it was typed, `.full` keeps remarks,
    `.words` are its words (`name_words`)."""

    def __new__(cls, key, text, full=None, words=None):
        name = super().__new__(cls, key)
        name.text, name.full = text, full if full is not None else key
        name.words = list(words) if words is not None else [key]
        return name


def as_name(answer, what):
    """The answer as a `Name` (compare it with `pick`), or Feedback.

    Strings are read by `name_key`; a class or function stands for its own name
    (`optim.Adagrad` reads as "Adagrad"); a number for its value ("0.999").
    """
    def name(value):
        if isinstance(value, (bool, np.bool_)):
            raise _Refused(tr("{what} should be a name; got {value}, a truth value.")
                           .format(what=what, value=bool(value)))
        if isinstance(value, (str, np.str_)):
            text = str(value)
        elif isinstance(value, type) or callable(value) and hasattr(value, "__name__"):
            text = value.__name__
        elif isinstance(value, (numbers.Number, np.number)) and not isinstance(value, (complex, np.complexfloating)):
            try:                                           # a number is a name: "0.999" for β2
                text = shown(_number(value, what))
            except _Refused:                               # NaN, ±inf
                raise _Refused(tr("{what} should be a name (a word, in quotes); got {value}.")
                               .format(what=what, value=shown(value))) from None
        else:
            raise _Refused(tr("{what} should be a name, in quotes; got {value}.").format(what=what, value=shown(value)))
        key = name_key(text)
        if not key:
            raise _Refused(tr("{what} should be a name; got {value}.").format(what=what, value=shown(value)))
        return Name(key, shown(value), name_key(text, remarks=True), name_words(text))
    return _read(name, answer, what, tr("a name"))


def _spelled(words, spellings):
    """Whether `words`, in order, split into groups that are each one of `spellings` (keys)."""
    reached = [True] + [False] * len(words)
    for end in range(1, len(words) + 1):
        reached[end] = any(reached[start] and "".join(words[start:end]) in spellings for start in range(end))
    return bool(words) and reached[-1]


def pick(name, table, filler=()):
    """The key of `table` (key → spellings) that `name` is a spelling of, or None.

    A name of several words counts when each word (or group of words) spells the same key: a
    term beside its symbol, "动量 m" or "bias b". `filler`: words the question makes redundant
    (for "which parameter has the larger step?", "step" and "larger": "b 的步长更大").
    """
    spellings = {key: {name_key(s) for s in (key, *others)} for key, others in table.items()}
    for key, spelled in spellings.items():
        if name in spelled:
            return key
    words = [w for w in getattr(name, "words", [name]) if w not in filler]
    found = [key for key, spelled in spellings.items() if _spelled(words, spelled)]
    return found[0] if len(found) == 1 else None


def choose(answer, variable, options, table, unknown, filler=()):
    """The key of `table` (key → spellings) that the answer names, or Feedback.

    variable: the name to set, e.g. "`which`"; options: what to set it to, for the unanswered
    message, e.g. "to 'b' or 'w'"; unknown: the message when the answer names none of the
    keys, with "{}" where the answer is shown; filler: see `pick`.
    """
    if answer is None:
        return unanswered(f"{variable} {options}")
    name = as_name(answer, variable)
    if isinstance(name, Feedback):
        return name
    key = pick(name, table, filler)
    return wrong(unknown.format(shown(answer))) if key is None else key


# ---------------------------------------------------------------------------------------
# Comparing

def close(value, target, rel, abs_tol=0.0):
    """Whether value is within relative tolerance `rel` of target (False for NaN, ±inf)."""
    try:
        value, target = float(value), float(target)
    except (TypeError, ValueError, OverflowError):
        return False
    if not (math.isfinite(value) and math.isfinite(target)):
        return False
    return abs(value - target) <= max(rel * abs(target), abs_tol)


def significant_digits(value):
    """How many significant digits the shortest text of a float has (2.7 → 2, 0.010 → 1)."""
    digits = Decimal(repr(abs(float(value)))).normalize().as_tuple().digits
    return len(digits)


def rounded_digits(value, target, rel):
    """(how, k, need) when `value` is `target` rounded (or cut) to k significant digits and
    k are too few for tolerance `rel` (need is the fewest that suffice, rounded); else None.

    Only said of a value within 10% of the target that really is the target rounded (or,
    with two digits or more, cut) to the digits the learner gave.
    """
    try:
        value, target = float(value), float(target)
        if not (math.isfinite(value) and math.isfinite(target)) or value == 0 or target == 0:
            return None
        if close(value, target, rel) or not close(value, target, 0.1):
            return None
        k = significant_digits(value)
        if k > 15:
            return None
        unit = 10.0 ** (math.floor(math.log10(abs(target))) - k + 1)
        if close(value, float(f"{target:.{k}g}"), 1e-9):
            how = "rounded"
        elif k >= 2 and close(value, math.trunc(target / unit) * unit, 1e-9):
            how = "cut"
        else:
            return None
        need = next(m for m in range(k + 1, 17) if close(float(f"{target:.{m}g}"), target, rel))
    except Exception:                                      # noqa: BLE001
        return None
    return how, k, need


def _rounding_wording(clause, rounded, k):
    """The message (clause=False) or the clause for a list of problems (clause=True) saying that
    an answer is the target rounded (or cut, rounded=False) to k significant digits."""
    if clause:
        return (ntr("is close: it is {what} rounded to {k} significant digit; give at least {need}",
                    "is close: it is {what} rounded to {k} significant digits; give at least {need}", k) if rounded
                else ntr("is close: it is {what} cut to {k} significant digit; give at least {need}",
                         "is close: it is {what} cut to {k} significant digits; give at least {need}", k))
    return (ntr("Close: {value} is {what} rounded to {k} significant digit. Give at least {need}, rounded.",
                "Close: {value} is {what} rounded to {k} significant digits. Give at least {need}, rounded.", k)
            if rounded else
            ntr("Close: {value} is {what} cut to {k} significant digit. Give at least {need}, rounded.",
                "Close: {value} is {what} cut to {k} significant digits. Give at least {need}, rounded.", k))


def _rounding_text(value, target, rel, what, clause):
    """`_rounding_wording` filled in with `what` (default: "the answer"), k and the digits
    needed; None unless `value` is `target` rounded or cut to too few digits (`rounded_digits`)."""
    found = rounded_digits(value, target, rel)
    if found is None:
        return None
    how, k, need = found
    return _rounding_wording(clause, how == "rounded", k).format(
        value=shown(value), what=tr("the answer") if what is None else what, k=k, need=need)


def rounding_of(value, target, rel, what=None):
    """"Close: give more digits" when `value` is `target` rounded to too few digits, else None.
    `what` names the target (default: "the answer")."""
    return _rounding_text(value, target, rel, what, clause=False)


def rounding_note(value, target, rel):
    """For a message about a slip whose value is also the right answer rounded: say both."""
    found = rounded_digits(value, target, rel)
    if found is None:
        return ""
    _, k, need = found
    return ntr(" (It is also the right answer rounded to {k} digit: if that is what you did, give at least {need}.)",
               " (It is also the right answer rounded to {k} digits: if that is what you did, give at least {need}.)",
               k).format(k=k, need=need)


def read_as(answer, whole):
    """' (reading 5.9999999999 as 6)' when a whole-number answer was not typed exactly, else ''."""
    try:
        if isinstance(answer, (bool, np.bool_)):
            exact = None
        elif isinstance(answer, (numbers.Integral, np.integer)):
            exact = int(answer)
        elif isinstance(answer, (str, np.str_)):
            text = unicodedata.normalize("NFKC", str(answer)).strip().replace("−", "-")
            text = _without_words(text.rsplit("=", 1)[-1].strip().strip("'\"` "), tuple(UNITS))[0]
            exact = Decimal(text.replace(",", ""))
        else:
            value = np.asarray(answer, dtype=float)             # a number, or an array holding one
            exact = Decimal(value.item()) if value.size == 1 else None
        if exact is not None and exact == whole:
            return ""
    except Exception:                                      # noqa: BLE001
        pass
    return tr(" (reading {answer} as {whole})").format(answer=shown(answer), whole=_int_text(whole))




def reads(reader, *args, **kwargs):
    """Decorator for a check, written under `@check`: the check receives the answer as
    `reader(answer, *args, **kwargs)` reads it (`as_number`, `as_pair`, `choose`, …), and an
    answer the reader refuses gets the reader's Feedback ("Not answered yet", "should be a
    number"), so that the check itself starts with a value it can compare."""
    def decorate(function):
        @functools.wraps(function)
        def read(answer, *more, **options):
            value = reader(answer, *args, **kwargs)
            return value if isinstance(value, Feedback) else function(value, *more, **options)
        return read
    return decorate


def rounding_clause(value, target, rel, what=None):
    """`rounding_of` as a clause for a message that lists several problems ("lr = 0.0007 is
    close: it is the peak value rounded to 1 significant digit; give at least 4"): the clause
    when `value` is `target` rounded (or cut) to too few digits, else None."""
    return _rounding_text(value, target, rel, what, clause=True)


__all__ = [
    "Feedback", "right", "wrong", "unanswered", "plain_text", "html_text", "CHECKS", "check",
    "shown", "Number", "as_number", "as_int", "as_pair", "MISSING", "pair_from_dict", "pair_parts", "as_choice", "as_bool", "name_key",
    "name_words", "COUNT", "TIMES", "STEP",
    "Name", "as_name", "pick", "close", "significant_digits", "rounded_digits", "rounding_of", "rounding_note",
    "read_as", "reads", "rounding_clause",
]
