"""The exercise checks of the whole course: any value a learner can type gets feedback (never a
traceback), every reasonable spelling of a right answer is accepted, and every message on a wrong
answer is true of the value typed."""

import ast
import decimal
import fractions
import inspect
import math
import pathlib
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rugged.lessons
from rugged import exercises, optim, surfaces
from rugged.exercises import Feedback, shown
from rugged.lessons import adagrad, adam, decay, rmsprop, stalls, summary, warmup

rugged.lessons.load_all()             # every check registers itself when its module is imported
LESSONS = pathlib.Path(rugged.lessons.__file__).parent
CHECKS = {f"{c.__module__.rsplit('.', 1)[-1]}.{c.__name__}": c for c in exercises.CHECKS}
VERDICTS = {"right", "wrong", "unanswered", "Feedback"}     # what builds the Feedback a check returns


# ---------------------------------------------------------------------------------------
# The registry holds every check of the course

def _functions_giving_feedback():
    """module.function for every top-level function in lessons/*.py that builds Feedback, and
    whether it carries the @check decorator."""
    found = {}
    for path in sorted(LESSONS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            calls = {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
            if calls & VERDICTS:
                decorated = any(isinstance(d, ast.Name) and d.id == "check" for d in node.decorator_list)
                found[f"{path.stem}.{node.name}"] = decorated
    return found


def test_every_check_in_the_lessons_is_registered():
    found = _functions_giving_feedback()
    undecorated = [name for name, decorated in found.items() if not decorated]
    assert not undecorated, f"checks without @exercises.check: {undecorated}"
    assert set(found) == set(CHECKS)
    assert len(CHECKS) == len(exercises.CHECKS) >= 21         # seven notebooks, three exercises each


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_each_check_runs_with_the_answer_alone_and_says_when_unanswered(name):
    check = CHECKS[name]
    inspect.signature(check).bind(None)                       # every other argument has a default
    feedback = check(None)
    assert isinstance(feedback, Feedback) and not feedback.ok
    assert feedback.message.startswith("Not answered yet")


def test_a_failing_check_gives_feedback_not_a_traceback():
    @exercises.check
    def broken(answer):
        raise ZeroDivisionError("a bug")
    try:
        feedback = broken(10**400)
        assert not feedback.ok and "could not be checked (ZeroDivisionError)" in feedback.message
        assert "1e+400" in feedback.message and "Traceback" not in feedback.message
    finally:
        exercises.CHECKS.remove(broken)


# ---------------------------------------------------------------------------------------
# Any value a learner can type: a property test over every check

class Hostile:
    """An object whose every conversion raises (but its repr, which hypothesis needs to report)."""

    def __init__(self, error):
        self.error = error

    def _raise(self, *args):
        raise self.error

    def __repr__(self):
        return f"Hostile({self.error!r})"

    __float__ = __int__ = __index__ = __complex__ = __len__ = __iter__ = __bool__ = _raise
    __str__ = __eq__ = __lt__ = __gt__ = __hash__ = __format__ = _raise


class HostileRepr(Hostile):
    """Even its repr, and looking up any missing attribute, raise."""

    __repr__ = __getattr__ = Hostile._raise


ERRORS = (ValueError("x"), TypeError("x"), OverflowError("x"), ZeroDivisionError("x"), RuntimeError("x"),
          KeyError("x"), AttributeError("x"))
HOSTILE = [Hostile(e) for e in ERRORS]
ODD = [object(), int, float, optim.Adagrad, optim.Adagrad(lr=0.1), print, lambda: 0, range(3), iter([1, 2]),
       Ellipsis, NotImplemented, slice(1, 2), np.float64, np.array([]), np.array(np.nan),
       np.array([[0.2], [2.0]]), np.array(["0.5"]), np.array([None, 1], dtype=object), np.datetime64("2020"),
       np.timedelta64(3, "s"), np.longdouble(1e-300), np.float16(65504), np.int8(-128), np.uint64(2**64 - 1),
       np.str_("0.5"), np.bytes_(b"1"), b"0.5", bytearray(b"12"), memoryview(b"1"),
       decimal.Decimal("1e400"), decimal.Decimal("NaN"), decimal.Decimal("-Infinity"), decimal.Decimal("sNaN"),
       fractions.Fraction(10**400, 3), fractions.Fraction(-1, 10**400), complex(float("nan"), 0), 1e308 * 10,
       10**400, -10**400, 2**1023 * 3, "1e400", "-1e400", "1" * 5000, "1_000", "1,000", "12",
       "0.5", " 0.5 ", "α = 0.5", "−0.1", "75%", "%", "=", "(", "()", "(1, 2)", "1 2 3", "`x`", "^{x}",
       "_{x}", "\x00", "\u200b", "ＡＤＡＧＲＡＤ", "β₂", "nan", "inf", "-inf", "infinity", "True", "None"]

EXTREME = [10**5000, -(10**4400) + 1, fractions.Fraction(10**5000, 7)]   # too long even for repr()

numbers_ = st.one_of(
    st.integers(), st.builds(lambda m, e: m * 10**e, st.integers(-999, 999), st.integers(15, 600)),
    st.floats(), st.floats(min_value=-1e3, max_value=1e3), st.complex_numbers(),
    st.decimals(), st.fractions(), st.booleans(),
    st.sampled_from([0.1, 0.5, 0.99, 0.01, 1, 2, 3, 5, 6, 0.75, 4000, 0.2, 0.05, 0.0102, 693, 2.683]),
)
texts = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789.,;-+eE ()[]%=_−βσηα'\"`", max_size=20),
    st.from_regex(r"\A\s*[-+]?\d{0,5}(\.\d{0,6})?([eE][-+]?\d{1,3})?\s*\Z"),
    st.from_regex(r"\A\(?[-+]?\d{1,4}([.,]\d{1,4})?\s?[-+*/^,;×]{1,2}\s?\d{1,4}([.,]\d{1,3})?\)?%?\Z"),
    st.sampled_from(["beta2", "momentum", "sigma", "schedule", "Adagrad", "b", "w", "D", "yes", "saddle"]),
)
arrays = hnp.arrays(dtype=hnp.scalar_dtypes(), shape=hnp.array_shapes(min_dims=0, max_dims=2, max_side=3))
scalars = hnp.from_dtype(np.dtype("float64")) | hnp.from_dtype(np.dtype("int64")) | \
    hnp.from_dtype(np.dtype("bool")) | hnp.from_dtype(np.dtype("complex128")) | hnp.from_dtype(np.dtype("float32"))
POOL = HOSTILE + ODD
pooled = st.integers(0, len(POOL) - 1).map(POOL.__getitem__)      # (sampled_from would repr them all)
leaves = st.one_of(st.none(), numbers_, texts, st.binary(max_size=8), arrays, scalars, pooled)
anything = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.tuples(children, children), st.tuples(children),
        st.dictionaries(st.text(max_size=8) | st.sampled_from(["ratio", "is_minimum"]), children, max_size=3),
        st.frozensets(st.integers() | st.text(max_size=3), max_size=3),
    ),
    max_leaves=5,
)


def assert_good_feedback(feedback, answer):
    assert isinstance(feedback, Feedback), (shown(answer), feedback)
    assert isinstance(feedback.ok, bool)
    message = feedback.message
    assert isinstance(message, str) and message.strip()
    assert "Traceback" not in message and "`" not in message, message
    assert len(message) < 300, (len(message), message)
    assert "<code>" not in message and isinstance(feedback._repr_html_(), str)
    assert "`" not in repr(feedback) and len(repr(feedback)) < 302


@pytest.mark.parametrize("name", sorted(CHECKS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=anything)
def test_any_answer_gets_feedback_never_a_traceback(name, answer):
    check = CHECKS[name].__wrapped__                          # the check itself, not the safety net
    assert_good_feedback(check(answer), answer)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_hostile_and_odd_answers_get_feedback(name):
    for answer in HOSTILE + [HostileRepr(e) for e in ERRORS] + ODD + EXTREME:
        assert_good_feedback(CHECKS[name].__wrapped__(answer), answer)


# ---------------------------------------------------------------------------------------
# The readers

@pytest.mark.parametrize("answer, value", [
    (0.01, 0.01), (1, 1.0), ("0.01", 0.01), (" 1e-2 ", 0.01), ("eta = 0.01", 0.01), ("−0.5", -0.5),
    ("75%", 0.75), ("1_000", 1000.0), ("1,000,000", 1e6), ("1,000.5", 1000.5), (np.float32(0.5), 0.5),
    (np.int64(3), 3.0), (np.array(0.5), 0.5), (np.array([0.5]), 0.5), ([0.5], 0.5), ((0.5,), 0.5), (3 + 0j, 3.0),
    (decimal.Decimal("0.25"), 0.25), (fractions.Fraction(3, 4), 0.75), ("2/199.8", 2 / 199.8), ("3/4", 0.75),
    ("-1/2", -0.5), (" 1e-3 / 2 ", 5e-4), ("(0.5)", 0.5), ("(2/199.8)", 2 / 199.8), ("3/4%", 0.0075),
])
def test_as_number_accepts_every_form_of_a_number(answer, value):
    number = exercises.as_number(answer, "`x`")
    assert not isinstance(number, Feedback) and number == pytest.approx(value, rel=1e-7)


def test_huge_numbers_are_numbers_shown_briefly():
    for answer, text in ((10**400, "1e+400"), (-10**400, "-1e+400"), ("1e400", "1e400"),
                         (fractions.Fraction(10**400), None), (10**5000, "1e+5000")):
        number = exercises.as_number(answer, "`x`")
        assert not isinstance(number, Feedback) and number.huge and math.isinf(number)
        assert (number > 0) == (answer > 0 if not isinstance(answer, str) else not answer.startswith("-"))
        assert len(shown(answer)) <= 40
        if text:
            assert shown(number) == text
    assert shown(10**400 + 1) == "≈1e+400"                     # not exact: says so
    assert shown(123456789012345678) == "≈1.234e+17"
    assert shown(10**14) == "100000000000000"                 # small ints exactly
    assert exercises.as_int(10**400, "`n`") == 10**400


@pytest.mark.parametrize("answer, words", [
    (True, "truth value"), (np.True_, "truth value"), (False, "truth value"), (float("nan"), "NaN"),
    ("nan", "NaN"), (float("inf"), "finite"), ("-inf", "finite"), ("abc", "should be a number"),
    ("12 13", "several"), ((1, 2), "tuple of 2 values"), ({"x": 1}, "dict"), (np.array([1, 2]), "array of 2"),
    (1 + 2j, "complex"), (b"1", "bytes"), (set(), "set"), (Hostile(ZeroDivisionError()), "should be a number"),
])
def test_as_number_refuses_with_a_reason(answer, words):
    feedback = exercises.as_number(answer, "`x`")
    assert isinstance(feedback, Feedback) and not feedback.ok and words in feedback.message, feedback.message


def test_as_pair_reads_pairs_and_not_digits():
    for answer in ((0.2, 2), [0.2, 2], np.array([0.2, 2]), np.array([[0.2], [2]]), "0.2, 2", "(0.2, 2)",
                   ("0.2", "2"), iter([0.2, 2]), "0.2; 2", "0.2 2", "1/5, 2", "2 / 10 2", {"a": 0.2, "b": 2},
                   {"p": 0.2, "q": 2}, {"q": 2, "p": 0.2}, {"q": 2, "x": 0.2}):
        pair = exercises.as_pair(answer, "`(p, q)`")                # a dict's keys are read as p and q
        assert not isinstance(pair, Feedback) and tuple(pair) == pytest.approx((0.2, 2)), shown(answer)
    for answer, words in (("12", "string '12'"), (12, "got one, 12"), (True, "got one, True"), ((1, 2, 3), "3 values"),
                          ({"a": 1}, "dict of 1 entry"), ({"p": 1, "q": 2, "r": 3}, "dict of 3 entries"),
                          ((True, 1), "truth value"), ((1, None), "None"), ("0,2, 2", "decimal comma"),
                          ("0,2; 2", "decimal point (0.2)")):
        feedback = exercises.as_pair(answer, "`(p, q)`")
        assert isinstance(feedback, Feedback) and words in feedback.message, (answer, feedback.message)


def test_as_int_reads_near_whole_numbers_and_refuses_the_rest():
    for answer, n in ((6, 6), (6.0, 6), (5.9999999999, 6), ("6", 6), (" 6 ", 6), (np.int32(6), 6), ("1e3", 1000),
                      (np.array([6.0]), 6), (3999.999999999998, 4000)):
        assert exercises.as_int(answer, "`n`") == n
    for answer in (5.5, 0.1, "5.5", True, None, float("nan")):
        assert isinstance(exercises.as_int(answer, "`n`"), Feedback)
    assert "0.1 is not one" in exercises.as_int(0.1, "`n`").message


def test_names_are_reduced_to_one_key():
    key = exercises.name_key
    for spelling in ("Adagrad", "optim.Adagrad", "torch.optim.Adagrad", "Adagrad()", "Adagrad (torch)",
                     "torch's Adagrad", "torch’s Adagrad", " ADAGRAD ", "ada grad", "`Adagrad`", "ＡＤＡＧＲＡＤ",
                     "Adagrad(params, lr=0.1)", "the Adagrad optimizer"):
        assert key(spelling) == "adagrad", spelling
    for spelling in ("beta2", "beta 2", "β₂", "β2", "Beta_2", "beta2 = 0.999", "β_2"):
        assert key(spelling) == "beta2", spelling
    assert key("1e-3") == key("0.001") == "0.001"
    assert key("Adagrad (lecture)", remarks=True) == "adagradlecture"
    assert exercises.as_name(optim.Adagrad, "`a`") == "adagrad"
    assert isinstance(exercises.as_name(True, "`a`"), Feedback)


def test_as_bool_and_as_choice():
    for answer, truth in ((True, True), (np.False_, False), ("yes", True), ("No", False), ("saddle point", False),
                          ("a local minimum", True), ("not a minimum", False)):
        assert exercises.as_bool(answer, "`b`") is truth, answer
    for answer in (1, 0, "maybe", None, [True, False]):
        assert isinstance(exercises.as_bool(answer, "`b`"), Feedback)
    assert exercises.as_choice(0.5000001, (0.5, 0.99), "`a`") == 0.5
    assert exercises.as_choice("α = 0.99", (0.5, 0.99), "`a`") == 0.99
    feedback = exercises.as_choice(0.7, (0.5, 0.99), "`a`")
    assert "Pick one of the two: 0.5 or 0.99; 0.7 is none of them" in feedback.message


# ---------------------------------------------------------------------------------------
# Commas, fractions and expressions: never read silently as something else

@pytest.mark.parametrize("answer, words", [
    ("2,683", "'2,683' is ambiguous. Use a decimal point (2.683), or no comma for thousands (2683)."),
    ("1,000", "ambiguous"), ("-1,000", "(-1.000), or no comma for thousands (-1000)"),
    ("0,5", "'0,5' has a comma. Use a decimal point (0.5)"), ("-0,5", "(-0.5)"), (",5", "(0.5)"),
    ("0,683", "(0.683);"), ("0,5%", "(0.5%)"), ("α = 0,99", "(0.99)"), ("2,5e-3", "(2.5e-3)"),
    ("0," + "1" * 5000, "has a comma. Write one number, with a decimal point"),
])
def test_a_comma_that_may_be_a_decimal_comma_is_refused_with_the_readings(answer, words):
    for reader in (exercises.as_number, exercises.as_int):
        feedback = reader(answer, "`x`")
        assert isinstance(feedback, Feedback) and words in feedback.message, feedback.message


@settings(max_examples=100, deadline=None)
@given(whole=st.integers(-999, 999), group=st.integers(0, 999))
def test_one_group_of_three_digits_is_never_read_as_thousands(whole, group):
    text = f"{whole},{group:03d}"
    for reader in (exercises.as_number, exercises.as_int):
        feedback = reader(text, "`x`")
        assert isinstance(feedback, Feedback), (text, feedback)
        assert f"{whole}.{group:03d}" in feedback.message or f"{whole}.{group:03d}".replace("-", "-0") in \
            feedback.message, feedback.message
        if abs(whole) >= 1:
            assert f"ambiguous. Use a decimal point ({whole}.{group:03d}), or no comma for thousands " \
                   f"({whole}{group:03d})" in feedback.message


DECIMALS = st.from_regex(r"\A[-+]?(\d{1,4}(\.\d{0,4})?|\.\d{1,4})([eE][-+]?\d{1,2})?\Z")


@settings(max_examples=150, deadline=None)
@given(a=DECIMALS, b=DECIMALS, spaced=st.booleans())
def test_a_fraction_is_read_as_its_value(a, b, spaced):
    text = f"{a} / {b}" if spaced else f"{a}/{b}"
    got = exercises.as_number(text, "`x`")
    if float(b) == 0:
        assert isinstance(got, Feedback) and "which divides by zero" in got.message
    else:
        assert not isinstance(got, Feedback) and got == pytest.approx(float(a) / float(b), rel=1e-12)
        assert shown(got) == text


@settings(max_examples=150, deadline=None)
@given(a=DECIMALS, form=st.sampled_from(["{a}+{b}", "{a}-{b}", "{a}*{b}", "{a} - {b}", "{a}×{b}", "({a})^2 + {b}",
                                          "{a} · ({b})", "({a})/({b})+1"]), b=DECIMALS)
def test_an_expression_is_refused_with_its_true_value(a, form, b):
    text = form.format(a=a, b=b)
    x, y = fractions.Fraction(decimal.Decimal(a)), fractions.Fraction(decimal.Decimal(b))
    if y == 0 and "/" in form:
        return
    exact = {"{a}+{b}": x + y, "{a}-{b}": x - y, "{a}*{b}": x * y, "{a} - {b}": x - y, "{a}×{b}": x * y,
             "({a})^2 + {b}": x * x + y, "{a} · ({b})": x * y, "({a})/({b})+1": (x / y + 1 if y else 0)}[form]
    message = exercises.as_number(text, "`x`").message
    assert "not an expression" in message and "several" not in message, message
    found = re.search(r" ([=≈]) (\S+), so write (\S+)\.$", message)
    assert found and found.group(2) == found.group(3), message
    value = fractions.Fraction(decimal.Decimal(found.group(2)))
    if found.group(1) == "=":
        assert value == exact
    else:
        assert value != exact and float(value) == pytest.approx(float(exact), rel=1e-9)
    assert exercises.as_number(found.group(2), "`x`") == pytest.approx(float(exact), rel=1e-9)


@pytest.mark.parametrize("answer, words", [
    ("1 - 0.9", "not an expression: '1 - 0.9' = 0.1, so write 0.1."), ("2*0.5", "= 1, so write 1."),
    ("2^3", "= 8"), ("1/2/3", "≈ 0.1666666667"), ("(1+2)*3", "= 9"), ("sqrt(7.2) + 1", "not an expression"),
    ("np.log(2)", "not an expression"), ("10**400", "not an expression"), ("2**10**10", "not an expression"),
    ("2/0", "divides by zero"), ("12 13", "holds several"), ("0.2 -2", "holds several"),
    ("1 - √0.5", "not an expression"), ("√2 + √3", "not an expression"), ("1/√0", "divides by zero"),
    ("√-4", "the square root of a negative number"), ("√(-4)", "the square root of a negative number"),
])
def test_expressions_and_several_numbers_are_told_apart(answer, words):
    feedback = exercises.as_number(answer, "`x`")
    assert isinstance(feedback, Feedback) and words in feedback.message, feedback.message


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), np.float32("nan"), np.float64("-inf"),
                                   decimal.Decimal("NaN"), decimal.Decimal("Infinity"), complex(1, 2)])
def test_as_name_asks_for_a_name_not_a_number(value):
    feedback = exercises.as_name(value, "`answer`")
    assert isinstance(feedback, Feedback) and "should be a name" in feedback.message, feedback.message
    assert "number" not in feedback.message


def test_pair_from_dict_reads_names_in_any_spelling_and_else_the_order():
    names = (("m", "m0"), ("m_hat", "m̂"))
    read = exercises.pair_from_dict
    for mapping in ({"m": 1, "m_hat": 2}, {"m_hat": 2, "m": 1}, {"M_Hat": 2, "m⁰": 1}, {"m̂⁰": 2, "m0": 1},
                    {"a": 1, "b": 2}, {"m_hat": 2, "other": 1}, {0: 1, 1: 2}):
        assert read(mapping, names) == (1, 2), mapping
    assert read({"m_hat": 2}, names) == (exercises.MISSING, 2)
    assert read({"x": 1}, names) == (exercises.MISSING, exercises.MISSING)
    assert read({"m": 1, "m_hat": 2, "v": 3}, names) == (1, 2)


@settings(max_examples=100, deadline=None)
@given(text=st.from_regex(r"\A[1-9]\d{0,2}(,\d{3}){1,3}(\.\d{1,3})?\Z"))
def test_commas_that_can_only_be_thousands_are_read_as_thousands(text):
    number = exercises.as_number(text, "`x`")
    if text.count(",") > 1 or "." in text:
        assert number == pytest.approx(float(text.replace(",", ""))) and shown(number) == text
    else:
        assert isinstance(number, Feedback) and "ambiguous" in number.message


@settings(max_examples=150, deadline=None)
@given(value=st.floats(allow_nan=False, allow_infinity=False, width=64), target=st.floats(1e-6, 1e6))
def test_close_means_rounded_from_the_target(value, target):
    text = exercises.rounding_of(value, target, 1e-3)
    if text is None:
        return
    how, k, need = exercises.rounded_digits(value, target, 1e-3)
    assert f"Close: {shown(value)} is the answer {how} to {k} significant" in text
    assert not exercises.close(value, target, 1e-3) and exercises.close(value, target, 0.1)
    if how == "rounded":
        assert value == pytest.approx(float(f"{target:.{k}g}"), rel=1e-9)
    assert need > k and exercises.close(float(f"{target:.{need}g}"), target, 1e-3)


@settings(max_examples=120, deadline=None)
@given(value=st.one_of(st.floats(allow_nan=False), st.integers(), st.text(max_size=60)))
def test_shown_is_short_and_true(value):
    text = shown(value)
    assert len(text) <= 40 and "`" not in text
    if isinstance(value, float) and math.isfinite(value):
        assert float(text) == value                           # exactly what was typed, not :g


def test_feedback_renders_code_and_scripts_without_backticks():
    feedback = exercises.wrong("set `eta_max` so that 1 − ηλ_{max} > −1 and σ^{t+1} ≥ 0")
    assert feedback.message == "set eta_max so that 1 − ηλ_max > −1 and σᵗ⁺¹ ≥ 0"
    html = feedback._repr_html_()
    assert "<code>eta_max</code>" in html and "λ<sub>max</sub>" in html and "σ<sup>t+1</sup>" in html
    assert "`" not in html and repr(feedback).startswith("✘ set eta_max")
    typed = exercises.wrong(f"got {shown('`<b>x</b>`')}")     # a learner's backticks and HTML stay inert
    assert "`" not in typed.message and "<b>" not in typed._repr_html_()


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_no_message_has_backticks_or_raw_carets(name):
    for answer in (None, 0.5, (0.5, 0.5), "x", 10**400, True):
        message = CHECKS[name](answer).message
        assert "`" not in message and not re.search(r"\^[{0-9t]", message), message


# ---------------------------------------------------------------------------------------
# Right answers in every reasonable form are accepted

RIGHT = {
    "stalls.largest_stable_lr": [2 / 199.8, 0.01, "0.01", 0.01001, np.float32(0.01), np.array([0.01]), 0.0096,
                                 "eta_max = 0.01", "2/199.8", "eta_max = 2 / 199.8", "(2/199.8)"],
    "stalls.steps_to_halve": [693, 692.8, "693", np.log(2) / -np.log(0.999), 690, np.int64(693), "693 steps",
                              "about 693", "≈ 693 updates"],
    "stalls.minimum_ratio_answer": [(0.75, False), [0.75, False], (3 / 4, "no"), (0.75, "saddle"),
                                    ("0.75", np.False_), {"ratio": 0.75, "is_minimum": False}, ("75%", "No"),
                                    ("3/4", False), {"is_minimum": False, "ratio": 0.75}, {"a": 0.75, "b": False},
                                    {"min_ratio": 0.75, "is_min": "no"}],
    "adagrad.sigma_zero": [3, 3.0, "3", np.float64(3), np.array(3.0)],
    "adagrad.sigma_one": [np.sqrt(12.5), 3.536, 3.54, "3.5355", [3.5355], "√12.5", "sqrt(12.5)", "5/√2", "≈ 3.54"],
    "adagrad.larger_step": ["b", " B ", "'b'", "bias", "`b`", "bias b", "b has the larger step"],
    "rmsprop.check_sigma_update": [np.sqrt(7.2), 2.683, 2.68, "2.683", "√7.2", "sqrt(7.2)", "√(7.2)"],
    "rmsprop.check_brakes_hardest": [0.5, "0.5", 1 / 2, 0.5000001, "α = 0.5", np.float32(0.5), "1/2"],
    "rmsprop.check_torch_first_step": [0.1, -0.1, "0.1", 0.1000001, 1e-1, "10η", "10 η", "10·η"],
    "adam.check_first_moment": [(0.2, 2), [0.2, 2.0], "0.2, 2", np.array([0.2, 2]), ("0.2", "2"),
                                (0.1 * 2, 0.1 * 2 / (1 - 0.9)), {"m": 0.2, "m_hat": 2}, {"m_hat": 2, "m": 0.2},
                                {"m̂⁰": 2, "m⁰": 0.2}, {"m0": 0.2, "m_hat0": 2}, {"first": 0.2, "second": 2},
                                "1/5, 2", "0.2; 2"],
    "adam.check_first_step": [1, 1.0, "1", 0.9999999, np.float32(1), "1η", "η", "1 η"],
    "adam.check_memory": ["beta2", "beta 2", "β₂", "β2", "b2", "Beta2", "second beta", "beta_2", "betas[1]",
                          "BETA2", "beta2 = 0.999", "0.999", 0.999],
    "decay.inverse_sqrt_lr": [0.1, 1 / np.sqrt(100), "0.1", 0.09999999, "1/10", "1/√100", "1/sqrt(100)"],
    "decay.adagrad_sigmas": [(5, np.sqrt(12.5)), [5.0, 3.5355], (5, 3.536), "5, 3.536", np.array([5, 3.5355]),
                             {"lecture_sigma": 3.5355, "torch_sigma": 5}, "(5, √12.5)", "√25, √12.5"],
    "decay.cosine_lr": [0.05, 0.1 * (1 + np.cos(np.pi / 2)) / 2, "0.05", 0.0500001, "1/20"],
    "warmup.check_transformer_peak": [(4000, 6.988e-4), (4000, (512 * 4000) ** -0.5), (3999.999999999998, 6.988e-4),
                                      (4000.0, 7e-4), ("4000", "6.988e-4"), "4000, 0.0006988",
                                      {"lr": 6.988e-4, "step": 4000}, "4000; 6.988e-4", "8000/2, 6.988e-4"],
    "warmup.check_rectify_step": [6, 6.0, "6", 5.9999999999, np.int64(6), np.array([6]), "12/2", "step 6"],
    "warmup.check_resnet_lr": [(0.01, 0.1), [0.01, 0.1], "0.01, 0.1", np.array([0.01, 0.1]),
                               {"lr_1000": 0.1, "lr_100": 0.01}, "1/100 1/10"],
    "momentum.check_rate": [0.98887, 0.9889, "0.9889", np.float64(0.98887), "rate = 0.9889", np.array([0.9889])],
    "momentum.check_beta": [0.938, 0.95, "0.94", np.float64(0.938), "beta = 0.95", (1 - 0.001 ** 0.5) ** 2],
    "momentum.check_ema_lr": [0.1, "0.1", 0.01 / (1 - 0.9), "lr = 0.1", "1/10", np.float32(0.1)],
    "real.check_scale": [5, 5.0, "5", "10/2", "scale = 5", np.float64(5), "5 times", "5x"],
    "real.check_updates_per_epoch": [33, 33.0, "33", "updates = 33", 32.9999999999, np.int64(33), "33 updates"],
    "real.check_spread_ratio": [3, 3.0, "3", "ratio = 3", "9/3", 3.001, np.float64(3), "√9", "3 times"],
    "summary.check_adam_ingredients": ["D", "d", " D ", "(D)", "option D", "D:"],
    "summary.check_zigzag_ingredient": ["momentum", "Momentum", "m", "the momentum", "heavy ball", "mᵗ", "m^t",
                                        "momentum m", "the momentum mᵗ"],
    "summary.check_name_the_optimizer": ["Adagrad", "optim.Adagrad", "Adagrad (torch)", "torch's Adagrad",
                                         "Adagrad()", "torch.optim.Adagrad", "adagrad", "ADAGRAD", "AdaGrad",
                                         optim.Adagrad],
}


def test_every_check_has_right_answers_in_the_table():
    assert set(RIGHT) == set(CHECKS)


@pytest.mark.parametrize("name, answer", [(n, a) for n, answers in RIGHT.items() for a in answers],
                         ids=lambda v: v if isinstance(v, str) else shown(v))
def test_right_answers_in_any_reasonable_form_are_accepted(name, answer):
    feedback = CHECKS[name].__wrapped__(answer)
    assert feedback.ok, feedback.message
    assert len(feedback.message) < 300 and "`" not in feedback.message


# ---------------------------------------------------------------------------------------
# Wrong answers are refused with a message that is true of the value typed

WRONG = {   # answer → words the message must hold
    "stalls.largest_stable_lr": {0.0102: "That diverges: 2/λ_max = 0.01001", 0.010011: "That diverges",
                                 10**400: "That diverges", 0.003: "not the largest", 0.005: "stops overshooting",
                                 0: "positive", "2/0": "divides by zero", "2,5": "Use a decimal point (2.5)",
                                 "1 - 0.99": "not an expression: '1 - 0.99' = 0.01, so write 0.01.",
                                 "2/(2*99.9)": "not an expression: '2/(2*99.9)' ≈ 0.01001001001"},
    "stalls.steps_to_halve": {0.1: "0.1 is too few", 0.693: "ln 2", 346: "steep direction", 10**400: "too many"},
    "stalls.minimum_ratio_answer": {0.75: "ratio 0.75 is right", (0.75, True): "not a local minimum",
                                    (1, 2): "(1, 2) is not of the form (ratio, is_minimum), a share and True or "
                                            "False: is_minimum should be True or False; got 2.",
                                    (0.75, 2): "The ratio 0.75 is right. is_minimum should be True or False",
                                    (0.25, False): "negative eigenvalues", (1.5, False): "between 0 and 1",
                                    (0.8, False): "Close: 0.8 is the answer rounded to 1 significant digit"},
    "rmsprop.check_sigma_update": {2.7: "Close: 2.7 is the answer rounded to 2 significant digits. Give at least 3",
                                   "2,683": "ambiguous. Use a decimal point (2.683), or no comma for thousands (2683)",
                                   "sqrt(7.2) - 1": "not an expression"},
    "rmsprop.check_brakes_hardest": {0.99: "lags", 0.7: "0.7 is none of them", 0.50001: "0.50001 is none of them",
                                     True: "truth value", "0,5": "Use a decimal point (0.5)"},
    "warmup.check_rectify_step": {5.5: "5.5 is not one", 0.1: "0.1 is not one", 5: "paper's threshold",
                                  4.9999999999: "reading 4.9999999999 as 5", 0: "0 comes before torch's first step"},
    "warmup.check_transformer_peak": {(3999, 6.988e-4): "counted from 0", (4000.5, 6.988e-4): "not a whole step",
                                      "12": "string '12'", (4000, 6.9e-4): "cut to 2 significant digits",
                                      (6.988e-4, 4000): "The two are swapped", "0.0006988, 4000": "The two are swapped",
                                      (0.0007, 3999): "look swapped", "4000, 0,0006988": "decimal comma"},
    "adam.check_memory": {"beta1": "momentum", "alpha": "no α", True: "truth value",
                          float("inf"): "should be a name"},
    "summary.check_zigzag_ingredient": {"schedule m": "Answer 'momentum', 'sigma' or 'schedule'; got 'schedule m'",
                                        "momentum sigma": "Answer 'momentum', 'sigma' or 'schedule'"},
    "adagrad.larger_step": {"b w": "Answer with the name of a parameter, 'b' or 'w'; got 'b w'",
                            "weight w": "the other way round"},
    "real.check_scale": {0.2: "0.2 is r/N, upside down", "abc": "scale should be a number; got 'abc'.",
                         "5 steps": "scale should be a number; got '5 steps'."},
    "real.check_updates_per_epoch": {"33.5": "updates should be a whole number; 33.5 is not one.",
                                     "34 updates": "34 counts the last, incomplete batch"},
    "adam.check_first_step": {"5 times": "5 = |g| would be gradient descent's step"},
    "decay.cosine_lr": {"η/2": "lr_50 should be a number; got 'η/2'."},       # the exercise asks for the value
    "summary.check_name_the_optimizer": {"Adagrad (lecture)": "constant η", "RMSprop": "forgets",
                                         "Adagrad with decay": "decay built in"},
}


@pytest.mark.parametrize("name, answer", [(n, a) for n, cases in WRONG.items() for a in cases],
                         ids=lambda v: v if isinstance(v, str) else shown(v))
def test_wrong_answers_get_the_specific_true_message(name, answer):
    feedback = CHECKS[name].__wrapped__(answer)
    assert not feedback.ok and WRONG[name][answer] in feedback.message, feedback.message


# What each check reads: a name, a number, or a pair (whose right answer and key names are given)
NAME_CHECKS = {"adam.check_memory", "adagrad.larger_step", "summary.check_adam_ingredients",
               "summary.check_zigzag_ingredient", "summary.check_name_the_optimizer"}
PAIR_CHECKS = {   # right pair, the names of its two halves
    "stalls.minimum_ratio_answer": ((0.75, False), ("ratio", "is_minimum")),
    "adam.check_first_moment": ((0.2, 2.0), ("m", "m_hat")),
    "decay.adagrad_sigmas": ((5.0, 3.5355), ("torch_sigma", "lecture_sigma")),
    "warmup.check_transformer_peak": ((4000, 6.988e-4), ("step", "lr")),
    "warmup.check_resnet_lr": ((0.01, 0.1), ("lr_100", "lr_1000")),
}
NUMBER_CHECKS = set(CHECKS) - NAME_CHECKS - set(PAIR_CHECKS)


def test_every_check_reads_a_name_a_number_or_a_pair():
    assert NAME_CHECKS <= set(CHECKS) and set(PAIR_CHECKS) <= set(CHECKS) and len(NUMBER_CHECKS) == 17
    for name in NUMBER_CHECKS:
        assert "should be a number" in CHECKS[name]("abc").message, name
    for name in NAME_CHECKS:
        assert "should be a name" in CHECKS[name](float("nan")).message, name


@pytest.mark.parametrize("name", sorted(NAME_CHECKS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=st.one_of(st.floats(), st.complex_numbers(), st.decimals(), anything))
def test_a_name_check_never_asks_for_a_number(name, answer):
    message = CHECKS[name].__wrapped__(answer).message
    assert not re.search(r"should be (a|one|a real|a finite) number", message), message
    if isinstance(answer, float) and not math.isfinite(answer):
        assert "should be a name" in message, message


@pytest.mark.parametrize("name", sorted(NUMBER_CHECKS))
@pytest.mark.parametrize("answer, words", [("2,683", "ambiguous"), ("0,5", "Use a decimal point (0.5)"),
                                           ("1,000", "ambiguous"), ("1 - 0.5", "not an expression"),
                                           ("2/0", "divides by zero")])
def test_a_number_check_never_reads_a_comma_or_an_expression_silently(name, answer, words):
    feedback = CHECKS[name].__wrapped__(answer)
    assert not feedback.ok and words in feedback.message, feedback.message


@pytest.mark.parametrize("name", sorted(PAIR_CHECKS))
def test_a_pair_check_says_when_the_two_are_swapped(name):
    (first, second), _ = PAIR_CHECKS[name]
    for answer in ((second, first), [second, first], f"{second}, {first}"):
        feedback = CHECKS[name].__wrapped__(answer)
        assert not feedback.ok and "swapped" in feedback.message, (answer, feedback.message)


@pytest.mark.parametrize("name", sorted(PAIR_CHECKS))
def test_a_pair_check_reads_a_dict_by_its_names_or_in_order(name):
    (first, second), (key1, key2) = PAIR_CHECKS[name]
    check = CHECKS[name].__wrapped__
    for answer in ({key1: first, key2: second}, {key2: second, key1: first}, {"a": first, "b": second},
                   {key1.upper(): first, f" {key2} ": second}):
        feedback = check(answer)
        assert feedback.ok, (answer, feedback.message)
    feedback = check({key2: first, key1: second})                    # named, but each under the other's name
    assert not feedback.ok and "swapped" in feedback.message, feedback.message


LIMIT = 2 / float(surfaces.ravine().eigenvalues.max())


@settings(max_examples=150, deadline=None)
@given(eta=st.one_of(st.floats(0, 1e3), st.floats(0.9 * LIMIT, 1.1 * LIMIT), st.integers(0, 10**500)))
def test_the_stability_limit_is_one_sided(eta):
    feedback = stalls.largest_stable_lr(eta)
    if feedback.ok:
        assert 0.95 * LIMIT <= eta <= LIMIT * (1 + 1e-9)     # never accepts an η that diverges
    elif eta > LIMIT * (1 + 1e-9):
        assert "That diverges" in feedback.message or "2/λ_min" in feedback.message
    if "That diverges" in feedback.message:
        assert eta > LIMIT
    if "not the largest" in feedback.message or "stops overshooting" in feedback.message:
        assert 0 < eta < LIMIT


@settings(max_examples=150, deadline=None)
@given(steps=st.one_of(st.floats(-10, 1e5), st.integers(-10, 10**500)))
def test_too_few_and_too_many_are_true(steps):
    target = float(np.log(2) / -np.log1p(-1e-2 * 0.1))
    message = stalls.steps_to_halve(steps).message
    if "too few" in message:
        assert 0 < steps < target and f"{shown(steps)} is too few" in message
    if "too many" in message:
        assert steps > target and f"{shown(steps)} is too many" in message


@settings(max_examples=150, deadline=None)
@given(step=st.one_of(st.floats(-5, 50), st.integers(-5, 10**500), st.sampled_from([5.9999999999, 6.0000000001])))
def test_rectify_messages_are_true(step):
    feedback = warmup.check_rectify_step(step)
    message = feedback.message
    if isinstance(step, int):
        near = step
    else:
        near = round(step) if abs(step - round(step)) <= 1e-6 * max(1, abs(step)) else None
    if feedback.ok:
        assert near == 6
    if "Too early" in message:
        assert near is not None and 1 <= near < 5
    if "Too late" in message:
        assert near is None or near > 6
        assert step > 6
    if "before torch's first step" in message:
        assert near is not None and near < 1
    if "not one" in message:                                  # "… should be a whole number; 5.5 is not one"
        assert near is None and f"{shown(step)} is not one" in message


@settings(max_examples=120, deadline=None)
@given(alpha=st.one_of(st.floats(0, 1), st.sampled_from([0.5, 0.99, 0.5 + 1e-9, 0.99 - 1e-9, 0.50001])))
def test_pick_one_is_said_only_of_a_value_that_is_neither(alpha):
    message = rmsprop.check_brakes_hardest(alpha).message
    if "Pick one" in message:
        assert not any(abs(alpha - c) <= 1e-6 * c for c in (0.5, 0.99))
        assert f"{shown(alpha)} is none of them" in message and shown(alpha) not in ("0.5", "0.99")


@settings(max_examples=120, deadline=None)
@given(value=st.floats(0, 10))
def test_close_is_said_only_of_a_rounding_of_the_answer(value):
    target = rmsprop.rmsprop_sigma(2.0, 6.0, 0.9)
    message = rmsprop.check_sigma_update(value).message
    found = re.search(r"rounded to (\d+) significant", message)
    if found:
        assert value == pytest.approx(float(f"{target:.{found.group(1)}g}"), rel=1e-9)


def test_checks_read_the_default_arguments_of_their_notebook():
    ravine = surfaces.ravine()
    assert stalls.largest_stable_lr(0.01, ravine).ok and stalls.largest_stable_lr(0.01).ok
    assert stalls.steps_to_halve(693, ravine, eta=1e-2).ok and stalls.steps_to_halve(693).ok
    assert adagrad.larger_step("b").ok
    assert adam.check_first_step(1).ok and decay.cosine_lr(0.05).ok
    assert summary.check_zigzag_ingredient("momentum").ok


def test_reads_hands_the_check_a_read_value_or_returns_the_readers_feedback():
    seen = []

    @exercises.reads(exercises.as_number, "η")
    def check(value, scale=1):
        seen.append(value)
        return exercises.right(f"{value * scale}")

    assert check(None).message.startswith("Not answered yet: set η")
    assert not check("abc").ok and "number" in check("abc").message
    assert not seen
    assert check("1/4", scale=2).message == "0.5" and seen == [0.25]


def test_rounding_clause_names_too_few_digits_and_nothing_else():
    assert exercises.rounding_clause(0.0007, 0.000698771, 1e-3, "the peak") == \
        "is close: it is the peak rounded to 1 significant digit; give at least 3"
    assert exercises.rounding_clause(0.00069, 0.000698771, 1e-3).startswith("is close: it is the answer cut to 2")
    assert exercises.rounding_clause(0.000698771, 0.000698771, 1e-3) is None    # right: nothing to say
    assert exercises.rounding_clause(0.5, 0.000698771, 1e-3) is None           # not a rounding of it


# ---------------------------------------------------------------------------------------
# Roots, "about" words, units and η around a number; a name beside its symbol

@pytest.mark.parametrize("answer, value", [
    ("√12.5", 12.5 ** 0.5), ("1/√100", 0.1), ("√(2)", 2 ** 0.5), ("2√2", 8 ** 0.5), ("-√4", -2.0), ("√2/2", 0.5 ** 0.5),
    ("sqrt(7.2)", 7.2 ** 0.5), ("np.sqrt(9)", 3.0), ("x = √9", 3.0), ("about 0.01", 0.01), ("≈ 3.54", 3.54),
    ("~0.5", 0.5), ("σ ≈ 3.54", 3.54), ("约 0.01", 0.01), ("约3.54", 3.54), ("3.54 左右", 3.54), ("大约 2", 2.0),
])
def test_a_root_or_an_about_word_reads_as_the_number(answer, value):
    number = exercises.as_number(answer, "`x`")
    assert not isinstance(number, Feedback) and number == pytest.approx(value, rel=1e-12), number


@pytest.mark.parametrize("answer, units, eta, value", [
    ("693 steps", ("count",), None, 693), ("693 次", ("count",), None, 693), ("约693次更新", ("count",), None, 693),
    ("33 updates", ("count",), None, 33), ("5 倍", ("times",), None, 5), ("5倍", ("times",), None, 5),
    ("5 times", ("times",), None, 5), ("5x", ("times",), None, 5), ("第 6 步", ("step",), None, 6),
    ("第6步", ("step",), None, 6), ("step 6", ("step",), None, 6), ("10η", (), 0.01, 0.1), ("10 η", (), 0.01, 0.1),
    ("η", (), 0.01, 0.01), ("1η", (), 1.0, 1.0), ("0.5·η", (), 1.0, 0.5), ("1 倍", ("times",), 1.0, 1.0),
])
def test_a_unit_the_quantity_has_is_read_and_dropped_from_the_number(answer, units, eta, value):
    number = exercises.as_number(answer, "`x`", units=units, eta=eta)
    assert not isinstance(number, Feedback) and number == pytest.approx(value, rel=1e-12), number
    if eta is None:
        assert shown(number) == f"{value:g}"                   # shown as the number, without its unit
        assert exercises.as_int(answer, "`n`", units=units) == value
        assert exercises.read_as(answer, value) == ""            # "693 次" is 693 exactly: nothing to say


@pytest.mark.parametrize("answer, units, eta", [
    ("693 次", (), None), ("5 倍", ("count",), None), ("第 6 步", ("count",), None), ("6 步", ("step",), None),
    ("10η", (), None), ("10 倍", (), 0.01), ("η/2", (), 0.1), ("5 kg", ("count", "times"), None),
])
def test_a_unit_the_quantity_does_not_have_is_refused_as_not_a_number(answer, units, eta):
    feedback = exercises.as_number(answer, "`x`", units=units, eta=eta)
    assert isinstance(feedback, Feedback) and not feedback.ok
    assert feedback.message == f"x should be a number; got {shown(answer)}.", feedback.message


def test_pairs_read_roots_and_the_enumeration_comma():
    for answer, pair in (("(5, √12.5)", (5, 12.5 ** 0.5)), ("(0.01、0.1)", (0.01, 0.1)), ("（0.01、0.1）", (0.01, 0.1)),
                         ("√25、√12.5", (5, 12.5 ** 0.5)), ("约 0.2，2", (0.2, 2))):
        read = exercises.as_pair(answer, "`(p, q)`")
        assert not isinstance(read, Feedback) and tuple(read) == pytest.approx(pair), (answer, read)


def test_a_word_the_course_does_not_know_is_a_name_just_not_an_answer():
    key, words = exercises.name_key, exercises.name_words
    assert key("随便") == "随便" and key("调度表") == "schedule"       # kept, so it is a name
    assert key("   ") == key("？？") == ""                         # nothing that could be a name
    assert key("选 D") == "d" and key("torch 的 Adagrad") == "adagrad"   # words beside a name are dropped
    assert words("动量 m") == ["momentum", "m"] and words("bias b") == ["bias", "b"]
    name = exercises.as_name("随便", "`answer`")
    assert not isinstance(name, Feedback) and name == "随便"
    table = {"momentum": ("m", "heavy ball"), "sigma": ("σ",)}
    pick = exercises.pick
    for spelling in ("momentum m", "heavy ball m", "m heavy ball", "the momentum, m", "m momentum m"):
        assert pick(exercises.as_name(spelling, "`a`"), table) == "momentum", spelling
    for spelling in ("momentum σ", "momentum x", "heavy m", "not momentum"):
        assert pick(exercises.as_name(spelling, "`a`"), table) is None, spelling
    assert pick(exercises.as_name("m has it", "`a`"), table, filler=("has", "it")) == "momentum"
