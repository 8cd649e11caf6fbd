"""Turn an optimizer's statements into Python functions.

An optimizer is written as a few Python statements on one parameter's numbers (see
`rugged.optim`). This module compiles them twice:

* `array_steps`: one step on NumPy arrays of any shape (every parameter, several starts),
  as two functions, the first step and every later one;
* `float_walk`: a whole path on plain Python floats for a point of a few coordinates. Each
  statement is repeated per coordinate (`v` becomes `v_0`, `v_1`), so no NumPy call is made
  inside the loop: NumPy's cost is per call, not per number, and on two numbers a Python
  float operation is about ten times cheaper.

Python floats and NumPy's elementwise operations are both IEEE double arithmetic without
fused multiply-add, so the two compilations compute the same numbers, bit for bit.
Python raises where NumPy gives inf or NaN (a division by zero, the square root of a
negative number, an overflowing power): the caller then runs the array version instead.
"""

import ast
import math
import re
from array import array
from itertools import islice

import numpy as np

__all__ = ["array_steps", "float_walk", "FLOAT_ERRORS"]

# What a float walk raises where NumPy would quietly give inf or NaN.
FLOAT_ERRORS = (ArithmeticError, ValueError)


def _divide_or_zero_arrays(a, b):
    """a / b where b > 0, else 0 (a step where σ = 0: no gradient yet)."""
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape), where=b > 0)


def _divide_or_zero_floats(a, b):
    return a / b if b > 0 else 0.0


def _maximum_floats(a, b):
    """np.maximum on floats: NaN if either is NaN."""
    return a if a > b else b if b >= a else math.nan


ARRAYS = {"sqrt": np.sqrt, "maximum": np.maximum, "guarded": _divide_or_zero_arrays}
FLOATS = {"sqrt": math.sqrt, "maximum": _maximum_floats, "guarded": _divide_or_zero_floats}


def _compile(source, filename, namespace):
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def array_steps(state, first, update, per_step, constants):
    """(first_step, step): functions f(S, p, g, *per_step) → (p, m, σ) on arrays (the rule's
    `p`, `m_` and `s_`).

    state: names kept between steps, read from and written back to the dict S;
    first, update: the statements of the first step and of every later one;
    per_step: the names of the numbers that change with the step (passed as arguments);
    constants: numbers fixed for the run.
    """
    args = ", ".join(["S", "p", "g", *per_step])
    lines = []
    for name, body in (("_first", first), ("_step", update)):
        lines.append(f"def {name}({args}):")
        lines += [f"    {s} = S[{s!r}]" for s in state]
        lines += [f"    {statement}" for statement in body]
        lines += [f"    S[{s!r}] = {s}" for s in state]
        lines.append("    return p, m_, s_")
    namespace = _compile("\n".join(lines), "<rugged optimizer on arrays>", {**ARRAYS, **constants})
    return namespace["_first"], namespace["_step"]


_GUARDED = re.compile(r"\bguarded\((\w+), (\w+)\)")


def _per_coordinate(statements, names, i):
    """The statements for coordinate i: every local name n becomes n_i, and `guarded(a, b)`
    is written out (a call per step costs more than the division)."""
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    statements = [_GUARDED.sub(r"(\1 / \2 if \2 > 0 else 0.0)", s) for s in statements]
    return [pattern.sub(lambda match: f"{match.group(1)}_{i}", s) for s in statements]


def _without_aliases(statements, record, state):
    """Drop the statements that only rename (`m_ = m`), using the name itself instead, and
    say what each record then is: a name computed per step, "g" (the gradient itself, when
    nothing changes it) or a number (σ = 1). Fewer statements, fewer stores per step. A name
    kept between steps (`state`) is never dropped."""
    statements, record = list(statements), list(record)
    renamed = {}
    kept = []
    for index, statement in enumerate(statements):
        match = re.match(r"^(\w+) = (\w+|\d+\.\d*)$", statement)
        later = statements[index + 1:]
        if match and match.group(1) not in state and not any(_assigned([s]) == [match.group(2)] for s in later):
            renamed[match.group(1)] = renamed.get(match.group(2), match.group(2))
            continue
        for old, new in renamed.items():
            statement = re.sub(rf"\b{old}\b", new, statement)
        kept.append(statement)
    record = [renamed.get(name, name) for name in record]
    changes_g = "g" in _assigned(kept)
    marks = [name if _is_number(name) or (name == "g" and not changes_g) else None for name in record]
    return kept, record, marks


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


BLOCK = 2048    # a float walk checks its points every BLOCK steps


def _first_bad(points, low, high, limit):
    """The first k in [low, high) where a coordinate points[i][k] is not finite or beyond
    ±limit (as the walk's `-limit <= p <= limit`), else None."""
    good = None
    for buffer in points:
        inside = np.abs(np.frombuffer(buffer)[low:high]) <= limit    # False for NaN
        good = inside if good is None else good & inside
    return None if good.all() else low + int(np.argmin(good))


WALK_HELPERS = {"array": array, "nan": math.nan, "islice": islice, "BLOCK": BLOCK,
                "first_bad": _first_bad, "FLOAT_ERRORS": FLOAT_ERRORS}


def float_walk(dim, state, first, update, per_step, constants, record, gradient=(), data=()):
    """A function that walks a whole path on floats, and its source.

    walk(start, grad, steps, limit, *per_step lists) → (k, P, G, R): k the number of steps
    taken, P and G the points and gradients (steps + 1 per coordinate) and R the names in
    `record` (steps per coordinate), as `array('d')` buffers valid up to what was reached
    (G is None when `gradient` is given: `gradients_of` recomputes it from P, bit for bit);
    a record that is the gradient itself is "g" and a constant one its number (nothing
    stored). grad(*coordinates) returns the gradient's coordinates, unless `gradient` gives
    statements that compute g_0, g_1, … from p_0, p_1, … (written into the loop: no call per
    step; their numbers are among the constants). `data` names numbers of each step that the
    gradient statements read (a minibatch's examples): the walk takes their lists after the
    optimizer's. The walk stops at the first point that is not finite or has a coordinate
    beyond ±limit (that point is recorded).
    """
    first, _, _ = _without_aliases(first, record, state)
    update, record, marks = _without_aliases(update, record, state)
    first, update, record, marks = _records_afterwards(first, update, record, marks, state,
                                                       set(per_step) | set(constants), gradient)
    code = " ".join(first + update + list(record))
    used = [name for name in per_step if re.search(rf"\b{name}\b", code)] or list(per_step[:1])
    used += list(data)
    per_step = list(per_step) + list(data)
    local = ["p", "g", *state, *(name for name in record if name.isidentifier())]
    local = list(dict.fromkeys(local + _assigned(first) + _assigned(update)))
    coords = range(dim)
    stored = [r for r, mark in enumerate(marks) if mark is None or isinstance(mark, tuple)]
    ps = ", ".join(f"p_{i}" for i in coords)
    gs = ", ".join(f"g_{i}" for i in coords)
    bound = ", ".join(f"{name}={name}" for name in [*constants, *FLOATS, *WALK_HELPERS])
    lines = [f"def _walk(start, grad, steps, limit, {', '.join(per_step)}, *, {bound}):",
             f"    {ps}, = start"]
    for i in coords:
        lines += [f"    {name}_{i} = {float(value)!r}" for name, value in state.items()]
        lines.append(f"    P_{i} = array('d', [nan]) * (steps + 1)"
                     + ("" if gradient else f"; G_{i} = array('d', [nan]) * (steps + 1)"))
        lines += [f"    R{r}_{i} = array('d', [nan]) * steps" for r in stored]
    as_tuple = lambda prefix: "(" + ", ".join(f"{prefix}_{i}" for i in coords) + ",)"  # noqa: E731
    def kept(r, mark):
        if mark is None:
            return as_tuple(f"R{r}")
        if isinstance(mark, tuple):           # (expression, its input): the input's buffers
            return f"({mark[0]!r}, {mark[1]!r}, {as_tuple(f'R{r}')})"
        return repr(mark) if mark == "g" else f"float({mark})"
    records = ", ".join([as_tuple("P"), "None" if gradient else as_tuple("G"), "(" + ", ".join(
        kept(r, mark) for r, mark in enumerate(marks)) + ",)"])
    inside = " and ".join(f"-limit <= p_{i} <= limit" for i in coords)
    evaluate = list(gradient) if gradient else [f"{gs}, = grad({ps})"]

    def body(statements, k, check=True):
        out = list(evaluate)
        out += [f"P_{i}[{k}] = p_{i}" + ("" if gradient else f"; G_{i}[{k}] = g_{i}") for i in coords]
        if check:
            out.append(f"if not ({inside}): return {k}, {records}")
        for i in coords:
            out += _per_coordinate(statements, local, i)
            out += _per_coordinate([f"R{r}_{i}[{k}] = {record[r]}" for r in stored], local, i)
        return out

    names = ", ".join(used)
    points = "(" + ", ".join(f"P_{i}" for i in coords) + ",)"
    lines += ["    if steps:",
              f"        each = zip({names})",
              f"        {names}, = next(each)"]
    lines += [f"        {s}" for s in body(first, 0)]
    # Later steps in blocks: the points of a block are checked together once it is done
    # (a check per step costs more than the rest of the step's bookkeeping). A walk that
    # goes on past a bad point only computes what is then cut away; if that arithmetic
    # raises, the bad point before it is the answer.
    lines += ["        k = 0",
              "        while k + 1 < steps:",
              "            low = k + 1",
              "            try:",
              f"                for k, ({names},) in enumerate(islice(each, BLOCK), low):"]
    lines += [f"                    {s}" for s in body(update, "k", check=False)]
    lines += ["            except FLOAT_ERRORS:",     # the points before step k's (maybe unstored)
              f"                bad = first_bad({points}, low, k, limit)",
              "                if bad is None: raise",
              f"                return bad, {records}",
              f"            bad = first_bad({points}, low, k + 1, limit)",
              f"            if bad is not None: return bad, {records}"]
    lines += [f"    {s}" for s in ([] if gradient else evaluate)]
    lines += [f"    P_{i}[steps] = p_{i}" + ("" if gradient else f"; G_{i}[steps] = g_{i}") for i in coords]
    lines.append(f"    return steps, {records}")
    source = "\n".join(lines)
    namespace = _compile(source, "<rugged optimizer on floats>", {**FLOATS, **constants, **WALK_HELPERS})
    walk = namespace["_walk"]
    walk.uses = frozenset(used)     # the per-step numbers it reads (the others may be None)
    return walk, source


_CALLS = {"sqrt", "maximum", "guarded"}


def _names(expression):
    return {node.id for node in ast.walk(ast.parse(expression, mode="eval")) if isinstance(node, ast.Name)}


def _records_afterwards(first, update, record, marks, state, numbers, gradient):
    """Take out of the loop a statement that only makes a record (`s_ = …` that no later
    statement reads, the same in the first and the later steps) and reads one name of the
    step besides the step's numbers and g: the walk stores that name instead, and the record
    is computed from it afterwards on arrays (`record_afterwards`), with the same operations
    on the same numbers. NAdam's m_ and RAdam's σ cost their steps a few operations each."""
    first, update, marks, record = list(first), list(update), list(marks), list(record)
    changes_g = "g" in _assigned(first) + _assigned(update)
    for r, (name, mark) in enumerate(zip(record, marks)):
        if mark is not None or name in state:
            continue
        statements = [s for s in update if s.startswith(f"{name} = ")]
        if len(statements) != 1 or statements[0] not in first:
            continue
        statement = statements[0]
        expression = statement.split("=", 1)[1].strip()
        others = [s for s in first + update if s != statement]
        if any(re.search(rf"\b{name}\b", s) for s in others):
            continue
        inputs = _names(expression) - _CALLS - numbers - ({"g"} if not changes_g else set())
        if len(inputs) != 1:
            continue
        (source,) = inputs
        later = update[update.index(statement) + 1:] + first[first.index(statement) + 1:]
        if source == "p" or source in _assigned(later):
            continue
        first.remove(statement)
        update.remove(statement)
        record[r], marks[r] = source, (expression, source)
    return first, update, record, marks


class _Where(ast.NodeTransformer):
    """`a if c else b` → `where(c, a, b)`: the same choice for every element of arrays."""

    def visit_IfExp(self, node):
        self.generic_visit(node)
        return ast.Call(func=ast.Name(id="where", ctx=ast.Load()), args=[node.test, node.body, node.orelse],
                        keywords=[])


def record_afterwards(expression, namespace):
    """A record `float_walk` left to be computed after the walk: `expression` on the arrays of
    `namespace` (the step's numbers, g, the stored input), as NumPy's elementwise operations."""
    tree = ast.fix_missing_locations(_Where().visit(ast.parse(expression, mode="eval")))
    with np.errstate(all="ignore"):
        return eval(compile(tree, "<rugged record>", "eval"), {**ARRAYS, "where": np.where}, dict(namespace))


def gradients_of(statements, numbers, columns, data=None):
    """The gradient statements (as `float_walk` takes them) run on NumPy columns p_0, p_1, …:
    every point's gradient at once, each operation the one the loop does on floats, so the
    numbers are the loop's bit for bit (a float walk stores no gradients when it has these).
    data: the per-step numbers the statements read, one array entry per point."""
    namespace = {**numbers, **(data or {}), **{f"p_{i}": column for i, column in enumerate(columns)}}
    with np.errstate(all="ignore"):
        for statement in statements:
            exec(statement, {}, namespace)   # a line such as "g_0 = p_0 * h00 + p_1 * h10 - c0"
    return [namespace[f"g_{i}"] for i in range(len(columns))]


def _assigned(statements):
    """The names the statements assign to."""
    return [s.split("=", 1)[0].strip() for s in statements if re.match(r"^\w+\s*=[^=]", s)]
