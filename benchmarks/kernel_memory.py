"""Measure how much memory each notebook's kernel holds after running every cell.

    python benchmarks/kernel_memory.py [notebooks/02_adagrad.ipynb ...]

Each notebook runs top to bottom in a fresh kernel (as a student's Run All does); then the
kernel's resident set size (VmRSS, from /proc) is read, and its peak (VmHWM). Binder gives a
user about 2 GB for all the kernels they keep open, so the sum over the course matters.
Linux only (reads /proc).
"""

import pathlib
import sys

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def _proc_status(pid):
    fields = {}
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024   # kB -> MiB
    return fields


def measure(path):
    """(resident MiB after Run All, peak MiB) of a fresh kernel running the notebook."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        pid = client.km.provisioner.process.pid
        status = _proc_status(pid)
    return status["VmRSS"], status["VmHWM"]


def main(paths):
    paths = [pathlib.Path(p) for p in paths] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    total = 0.0
    print(f"{'notebook':28s} {'after Run All':>14s} {'peak':>8s}")
    for path in paths:
        rss, peak = measure(path)
        total += rss
        print(f"{path.name:28s} {rss:11.0f} MiB {peak:5.0f} MiB", flush=True)
    print(f"{'all kernels together':28s} {total:11.0f} MiB")


if __name__ == "__main__":
    main(sys.argv[1:])
