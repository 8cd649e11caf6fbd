"""Time each notebook run top to bottom in a fresh kernel, as nbval runs it, and its slowest cells.

    python benchmarks/notebook_time.py [notebooks/NN_x.ipynb ...] [--cells 5] [--jobs 1]

Prints, per notebook, the wall time from starting its kernel to the last cell's reply
(kernel start included) and the slowest cells; then the total. The notebooks are not
written back. With --jobs 2 two notebooks run at once (one per core), as
`pytest -n 2 --dist loadscope` would run them.
"""

import argparse
import pathlib
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _seconds(cell):
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def run(path):
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(notebook, timeout=600, record_timing=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    total = time.perf_counter() - start
    slow = sorted(((_seconds(c), i, (c.source.splitlines() or [""])[0][:60])
                   for i, c in enumerate(notebook.cells) if c.cell_type == "code"), reverse=True)
    return path, total, slow


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    parser.add_argument("--cells", type=int, default=5, help="how many of the slowest cells to list")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    start = time.perf_counter()
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(run, paths))
    wall = time.perf_counter() - start
    for path, total, slow in results:
        print(f"{path.name:28s} {total:5.1f} s", flush=True)
        for seconds, index, first_line in slow[:args.cells]:
            print(f"    {seconds:5.2f} s  cell {index:2d}: {first_line}")
    print(f"total {sum(r[1] for r in results):.1f} s of notebook time; wall {wall:.1f} s with {args.jobs} job(s)")


if __name__ == "__main__":
    main()
