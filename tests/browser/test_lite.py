"""The browser edition: the JupyterLite site of tools/build_lite.py runs every notebook offline.

The site is built from the registries (a minute, and about 100 MB of downloads the first time),
so this runs in CI (CI=true) or with RUGGED_LITE_TEST=1, and is skipped otherwise with that
reason. It is served on 127.0.0.1 and every request to another host is refused and reported.
For each notebook: open it, wait for the Pyodide kernel, run all cells, check that no cell
failed and every panel is a live widget, then move each panel's first slider by keyboard and
once by mouse and check that the figure changed. The kernel-ready time, the Run All time and
the slider latencies go to artifacts/browser/lite.json (quoted in the README), with the time until
the notebook is interactive: the kernel ready and its setup cell run.
"""

import functools
import http.server
import json
import os
import pathlib
import shutil
import subprocess
import sys
import threading
import time
from urllib.parse import urlparse

import numpy as np
import pytest

import labdriver
import test_browser as lab_tests

REPO = pathlib.Path(__file__).resolve().parents[2]
WANTED = os.environ.get("CI", "").lower() == "true" or os.environ.get("RUGGED_LITE_TEST") == "1"
SKIP_REASON = labdriver.skip_reason() or (
    None if WANTED else "builds the browser edition (1-2 min, ~100 MB of downloads): runs in CI or with "
                        "RUGGED_LITE_TEST=1") or (None if shutil.which("npm") else "npm is needed to fetch Pyodide")
pytestmark = [pytest.mark.browser, pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")]

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")) + labdriver.chinese_notebooks()
RUN_ALL_TIMEOUT = 900_000        # WebAssembly runs the notebooks several times slower than CPython
JS_SCROLL_TO_CELL = """async (index) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  notebook.activeCellIndex = index;
  await notebook.scrollToItem(index, 'center');
}"""
# When the first code cell (the setup cell) gets its execution count after Run All has cleared it:
# with the kernel-ready time, when a student who runs the notebook as soon as it opens can go on.
JS_WATCH_FIRST_CELL = """() => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  const first = Array.from(cells).find(c => c.type === 'code');
  window.__ruggedFirstCell = null;
  first.stateChanged.connect((model, change) => {
    if (change.name === 'executionCount' && change.newValue != null && window.__ruggedFirstCell === null)
      window.__ruggedFirstCell = performance.now();
  });
}"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class LiteSite:
    """The built site on a loopback port; the interface of labdriver.JupyterLab that the tests use."""

    def __init__(self, folder):
        self.folder = folder
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=folder))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def lab_url(self, rel_path, workspace):
        return f"{self.url}/lab/index.html?path={rel_path}"

    def shutdown_sessions(self, path=None):
        """Nothing to do: a Pyodide kernel lives in its page, and every test has a fresh page."""

    def stop(self):
        self.server.shutdown()


@pytest.fixture(scope="session")
def lite(tmp_path_factory, artifacts):
    site = tmp_path_factory.mktemp("lite") / "site"
    build = subprocess.run([sys.executable, str(REPO / "tools" / "build_lite.py"), "--out", str(site),
                            "--cache", str(REPO / ".lite-cache")], capture_output=True, text=True)
    (artifacts / "lite-build.log").write_text(build.stdout + build.stderr)
    assert build.returncode == 0, (build.stdout + build.stderr)[-3000:]
    server = LiteSite(site)
    report = {"notebooks": {}, "panels": []}
    yield server, report
    server.stop()
    (artifacts / "lite.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[labdriver.notebook_id(p) for p in NOTEBOOKS])
def test_notebook_runs_offline_in_the_browser(notebook, lite, page, artifacts, monkeypatch):
    site, report = lite
    outside = []

    def only_loopback(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()
    page.route("**/*", only_loopback)
    monkeypatch.setattr(lab_tests, "ROOT", REPO)
    monkeypatch.setattr(lab_tests, "RUN_ALL_TIMEOUT", RUN_ALL_TIMEOUT)
    started = time.perf_counter()
    path = lab_tests.open_notebook(page, site, notebook)
    ready = time.perf_counter() - started
    page.evaluate(JS_WATCH_FIRST_CELL)
    done = lab_tests.run_all(page, path)
    first_cell_ms = page.evaluate("() => window.__ruggedFirstCell - window.__ruggedRunAll.started")
    cells = page.evaluate(labdriver.JS_CELL_REPORT, list(labdriver.NOT_LIVE))
    problems = lab_tests.cell_problems(path, cells)
    panels = lab_tests.panel_cells(cells)
    if not problems and panels:
        try:
            lab_tests.wait_for(page, labdriver.JS_PANELS_RENDERED, [[c["index"] for c in panels],
                               list(labdriver.NOT_LIVE_FINAL)], 120_000, "every panel to render as a live widget")
        except AssertionError as exc:
            problems.append(f"{path}: {exc}")
    stem = f"lite-{labdriver.notebook_id(notebook)}"
    lab_tests.screenshot_notebook(page, artifacts, stem)
    # the site ships matplotlib's font list (tools/build_lite.py), so no notebook waits for it to be made
    problems += [f"{path} cell {c['index']}: matplotlib listed its fonts at page load: {t.strip()[:80]}"
                 for c in cells for t in c["stderr"] if "building the font cache" in t]
    if notebook in labdriver.chinese_notebooks() and not labdriver.CJK.search(page.evaluate(labdriver.JS_OUTPUT_TEXT)):
        problems.append(f"{path}: no Chinese in the outputs of a Chinese notebook")
    assert not problems, "\n".join(problems)
    assert not outside, f"{path}: requests left 127.0.0.1: {outside[:5]}"
    moves = {"panels": []}
    for c in panels:
        outputs = page.locator(f'[data-rugged-cell="{c["index"]}"] .jp-OutputArea-output:has(.jupyter-widgets)')
        # JupyterLite's notebook only lays out the cells near the view: bring the panel's cell there
        page.evaluate(JS_SCROLL_TO_CELL, c["index"])
        for k in range(outputs.count()):
            outputs.nth(k).scroll_into_view_if_needed()
            record = lab_tests.exercise_panel(page, path, c, k, outputs.nth(k), artifacts, stem, moves)
            handle = outputs.nth(k).locator(".widget-slider .noUi-handle").first
            if handle.count():                  # and once with the mouse: drag the handle along its track
                box = handle.bounding_box()
                track = outputs.nth(k).locator(".widget-slider .noUi-base").first.bounding_box()
                target = track["x"] + track["width"] * (0.3 if box["x"] > track["x"] + track["width"] / 2 else 0.7)

                def drag():
                    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                    page.mouse.down()
                    page.mouse.move(target, box["y"] + box["height"] / 2, steps=5)
                    page.mouse.up()
                ms, _, _ = lab_tests.move_control(page, outputs.nth(k), handle, "slider", drag, "a mouse drag")
                record["mouse_ms"] = round(ms, 1)
    assert not outside, f"{path}: requests left 127.0.0.1: {outside[:5]}"
    # kernel_ready_s: page opened → kernel idle; interactive_s: → the setup cell has also run (its time
    # in Run All added to kernel_ready_s), which is when the first notebook is usable
    key = notebook.relative_to(REPO / "notebooks").as_posix()
    report["notebooks"][key] = {"kernel_ready_s": round(ready, 1),
                                          "interactive_s": round(ready + first_cell_ms / 1000, 1),
                                          "setup_cell_s": round(first_cell_ms / 1000, 1),
                                          "run_all_s": round(done["ms"] / 1000, 1)}
    report["panels"] += moves["panels"]
    if moves["panels"]:
        p95 = float(np.percentile([m for p in moves["panels"] for m in p["moves_ms"]], 95))
        report["notebooks"][key]["slider_p95_ms"] = round(p95, 1)
