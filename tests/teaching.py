"""The teaching code: the few lines of each lesson's key formula, written in the notebook itself.

A notebook's code cells tagged `teaching` (cell metadata "tags") define small functions a
student reads, changes and re-runs (e.g. 02's `lecture_sigma`). They are the only copy:
the library never defines them, and these tests load them from the notebook with
`definitions("02_adagrad")`, which runs just those cells, in order, in a fresh namespace.
A teaching cell is therefore self-contained: it imports what it uses and only defines
names (functions, constants), so running it alone is cheap and has no output.
"""

import ast
import functools
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
TAG = "teaching"


def notebook_path(name):
    path = NOTEBOOKS / (name if name.endswith(".ipynb") else f"{name}.ipynb")
    if not path.exists():
        raise FileNotFoundError(f"no notebook {path.name} in {NOTEBOOKS}")
    return path


def teaching_cells(name):
    """The source of every code cell of notebook `name` tagged `teaching`, in order."""
    notebook = nbformat.read(notebook_path(name), as_version=4)
    return [cell.source for cell in notebook.cells
            if cell.cell_type == "code" and TAG in cell.get("metadata", {}).get("tags", [])]


@functools.lru_cache(maxsize=None)
def _namespace(name):
    namespace = {"__name__": f"teaching_{name}"}
    for index, source in enumerate(teaching_cells(name)):
        exec(compile(source, f"<{name} teaching cell {index}>", "exec"), namespace)
    return namespace


def definitions(name):
    """The names the teaching cells of notebook `name` define (a fresh copy of the namespace)."""
    return dict(_namespace(name))


def defined_names(source):
    """The top-level function and class names a cell's source defines."""
    return [node.name for node in ast.parse(source).body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
