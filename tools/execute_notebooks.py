"""Execute the course's notebooks in place, in a fresh kernel each, and store their outputs.

    python tools/execute_notebooks.py                 # every notebook
    python tools/execute_notebooks.py notebooks/02_adagrad.ipynb
    python tools/execute_notebooks.py notebooks/zh/*.ipynb        # the Chinese edition

Run it after changing a notebook or the library, then commit the notebooks: nbval (in
`python -m pytest`) compares a fresh run with these stored outputs. Prints each
notebook's execution time. The kernels compute in the stored outputs' arithmetic
(tools/reference_arithmetic.py), as the tests' kernels do.
"""

import pathlib
import sys
import time

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

import reference_arithmetic

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def kernelspec(name="python3"):
    """The kernelspec metadata exactly as JupyterLab writes it for the installed kernel.

    Storing anything else (say "Python 3" where ipykernel says "Python 3 (ipykernel)") marks
    every notebook as modified the moment it opens, and autosave then rewrites it.
    """
    spec = KernelSpecManager().get_kernel_spec(name)
    return {"display_name": spec.display_name, "language": spec.language, "name": name}


def execute(path):
    """Run one notebook top to bottom in its own folder (as Jupyter does); return seconds."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = kernelspec()
    start = time.perf_counter()
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(pathlib.Path(path).resolve().parent)}}).execute()
    seconds = time.perf_counter() - start
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)   # saved widget state would show stale panels
    nbformat.write(nb, path)
    return seconds


def main(paths):
    skipped = reference_arithmetic.apply()         # the kernels started below inherit it
    if skipped:
        print(f"this machine's own arithmetic ({skipped}): long runs may differ from the stored outputs",
              file=sys.stderr)
    paths = [pathlib.Path(p) for p in paths] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        print(f"{path.name}: {execute(path):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
