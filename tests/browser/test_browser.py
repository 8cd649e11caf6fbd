"""Every notebook in a real JupyterLab: run all, no errors, live panels that answer a slider.

For each notebook: open it in JupyterLab (headless Chromium), clear the stored outputs, run
all cells, wait for the kernel to be idle and every execution count to be filled, then
check that no cell shows an error and that every panel is a live widget (not the text
`VBox(children=...)`). Then, for every panel, move its first slider with the keyboard a few
times, check that the figure changed each time, and record the time from the key press to
the new image. One notebook is also opened as a RISE slideshow and advanced two slides.
Screenshots and latency.json go to artifacts/browser/ (or $RUGGED_ARTIFACTS/browser/).
"""

import json
import os
import re
import uuid
import warnings

import numpy as np
import pytest

import labdriver

SKIP_REASON = labdriver.skip_reason()
pytestmark = [pytest.mark.browser, pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")]

ROOT, NOTEBOOKS = labdriver.notebooks_root_and_paths()
NOTEBOOK_PARAMS = [pytest.param(p, id=labdriver.notebook_id(p)) for p in NOTEBOOKS] or [
    pytest.param(None, id="no-notebooks", marks=pytest.mark.skip(reason="no notebooks in notebooks/"))]

OPEN_TIMEOUT = 120_000      # page load + kernel start, on a loaded machine
RUN_ALL_TIMEOUT = 120_000
RENDER_TIMEOUT = 60_000     # widget views after the run
MOVE_TIMEOUT = 30_000       # one slider move to the new image
MOVES = int(os.environ.get("RUGGED_BROWSER_MOVES", "6"))
BUDGET_MS = float(os.environ["RUGGED_LATENCY_BUDGET_MS"]) if os.environ.get("RUGGED_LATENCY_BUDGET_MS") else None
PANEL_TAG = "nbval-ignore-output"   # CONTRIBUTING: the cell showing a panel, and only it, has this tag
# No CSS transition running (reveal's slide change is one); CSS animations such as the
# editor's blinking cursor or reveal's bouncing "next" arrow go on for long, so they don't count.
SETTLED = """() => document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')"""
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\w+(Error|Exception)\b", re.M)


def rel(notebook):
    return notebook.relative_to(ROOT).as_posix()


def wait_for(page, js, arg=None, timeout=60_000, what="condition"):
    """Poll a page-side predicate until it returns something truthy; return it as Python."""
    try:
        return page.wait_for_function(js, arg=arg, timeout=timeout, polling=100).json_value()
    except Exception as exc:
        if type(exc).__name__ == "TimeoutError":
            raise AssertionError(f"timed out after {timeout / 1000:.0f} s waiting for {what}") from None
        raise


def open_notebook(page, lab, notebook):
    """Open the notebook in a fresh workspace with a fresh kernel; wait for the kernel idle."""
    path = rel(notebook)
    lab.shutdown_sessions(path)          # a kernel left from an earlier run would hide missing imports
    page.goto(lab.lab_url(path, f"rugged-{uuid.uuid4().hex[:12]}"))
    state = wait_for(page, labdriver.JS_NOTEBOOK_READY, path, OPEN_TIMEOUT, f"{path} to open with an idle kernel")
    assert "dialog" not in state, f"{path}: JupyterLab shows a dialog instead of the notebook: {state['dialog']}"
    assert "dead" not in state, f"{path}: the kernel died on start"
    page.evaluate("() => { window.jupyterapp.shell.collapseLeft(); window.jupyterapp.shell.collapseRight(); }")
    return path


def run_all(page, path):
    """Clear outputs, run all cells, wait for idle + every count filled; the cells' report."""
    started = page.evaluate(labdriver.JS_CLEAR_AND_RUN_ALL)
    assert started["stale"] == 0, f"{path}: {started['stale']} cells kept outputs or counts after clearing"
    try:
        done = wait_for(page, labdriver.JS_RUN_ALL_DONE, None, RUN_ALL_TIMEOUT,
                        f"{path}: kernel idle with every cell's execution count filled")
    except AssertionError as exc:
        pending = [c["index"] for c in page.evaluate(labdriver.JS_CELL_REPORT, list(labdriver.NOT_LIVE))
                   if c["count"] is None]
        raise AssertionError(f"{exc}; cells without an execution count: {pending}") from None
    assert "dialog" not in done, f"{path}: a dialog appeared while running: {done['dialog']}"
    assert "dead" not in done, f"{path}: the kernel died while running all cells ({done.get('dead')})"
    assert "commandError" not in done, f"{path}: notebook:run-all-cells failed: {done['commandError']}"
    return done


class NotebookStderr(UserWarning):
    """A cell wrote to stderr (a warning, not a traceback): reported, not failed."""


def cell_problems(path, cells):
    """Errors shown by the cells: error outputs, tracebacks on stderr, unexecuted cells.

    A cell tagged `raises-exception` may show an error (nbval's and JupyterLab's convention)."""
    problems = []
    failed = any(c["errors"] and "raises-exception" not in c["tags"] for c in cells)
    for c in cells:
        first_line = c["source"].strip().splitlines()[0][:60] if c["source"].strip() else ""
        where = f"{path} cell {c['index']} ({first_line!r})"
        if "raises-exception" not in c["tags"]:
            for error in c["errors"]:
                problems.append(f"{where}: error output {error}")
        for text in c["stderr"]:
            if TRACEBACK.search(text):
                problems.append(f"{where}: traceback on stderr: {text.strip()[:300]}")
            else:
                warnings.warn(NotebookStderr(f"{where} wrote to stderr: {text.strip()[:300]}"))
        # What the page shows: JupyterLab 4 renders an error output, like stderr, as
        # .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"].
        shown = [t for t in c["shownStderr"] if TRACEBACK.search(t)]
        if shown and not c["errors"] and not any(TRACEBACK.search(t) for t in c["stderr"]):
            problems.append(f"{where}: the page shows a traceback: {shown[0].strip()[:300]}")
        if c["count"] is None and not failed and c["source"].strip():
            problems.append(f"{where}: not executed")
    return problems


def panel_cells(cells):
    """Code cells that show a panel: tagged as a panel cell, or with a widget output."""
    return [c for c in cells if PANEL_TAG in c["tags"] or c["widgetOutputs"]]


def screenshot_notebook(page, folder, stem, cap=12_000):
    """The whole notebook in one PNG: the viewport is made as tall as the notebook's cells
    (up to `cap` px; a longer notebook gets -part2, -part3 … files), then restored."""
    scroller = "document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer')"
    viewport = page.viewport_size
    info = page.evaluate(labdriver.JS_NOTEBOOK_SCROLL)
    extra = info["contentHeight"] - info["clientHeight"] if info else 0
    if extra > 0:
        page.set_viewport_size({"width": viewport["width"], "height": min(viewport["height"] + extra, cap)})
        wait_for(page, f"""(before) => {{ const o = {scroller};
                   return o.clientHeight > before && Array.from(document.images).every(i => i.complete); }}""",
                 info["clientHeight"], 30_000, "the notebook to re-layout for the full screenshot")
    # Run-all leaves the last cell active and scrolled into view: back to the top first.
    page.evaluate(f"() => {{ window.jupyterapp.shell.currentWidget.content.activeCellIndex = 0; {scroller}.scrollTop = 0; }}")
    wait_for(page, f"() => {scroller}.scrollTop === 0", None, 30_000, "the notebook to scroll to the top")
    files = []
    while True:
        state = page.evaluate(labdriver.JS_NOTEBOOK_SCROLL)
        name = folder / (f"{stem}.png" if not files else f"{stem}-part{len(files) + 1}.png")
        page.screenshot(path=str(name))
        files.append(name)
        if not state or state["scrollTop"] + state["clientHeight"] >= state["contentHeight"] or len(files) >= 10:
            break
        target = state["scrollTop"] + state["clientHeight"]
        page.evaluate(f"(top) => {{ {scroller}.scrollTop = top; }}", target)
        wait_for(page, f"""(top) => {{ const o = {scroller};
                   return Math.abs(o.scrollTop - Math.min(top, o.scrollHeight - o.clientHeight)) < 2
                          && Array.from(document.images).every(i => i.complete); }}""", target, 30_000, "scrolling")
    page.evaluate(f"() => {{ {scroller}.scrollTop = 0; }}")
    if extra > 0:
        page.set_viewport_size(viewport)
        wait_for(page, f"(h) => {scroller}.clientHeight <= h", info["clientHeight"], 30_000,
                 "the notebook to re-layout after the full screenshot")
    return files


def move_control(page, panel, control, kind, act, what):
    """One move of the control (`act()`); (ms to the new img src, ms to decoded, details)."""
    armed = page.evaluate(labdriver.JS_ARM_MOVE, [panel.element_handle(), control.element_handle()])
    act()
    try:
        wait_for(page, "() => window.__ruggedMove.done", None, MOVE_TIMEOUT, "the panel's image to change")
    except AssertionError:
        now = page.evaluate("(c) => c.getAttribute('aria-valuetext') ?? `${c.selectedIndex}: ${c.value}`",
                            control.element_handle())
        raise AssertionError(f"{what} on the {kind}: value {armed['valueBefore']} → {now}, but the figure "
                             f"did not change within {MOVE_TIMEOUT / 1000:.0f} s") from None
    m = page.evaluate("() => window.__ruggedMove")
    assert m["t0"] is not None, f"{what}: the key press never reached the page"
    assert m["error"] is None, f"{what}: could not read the new image: {m['error']}"
    assert m["valueAfter"] != m["valueBefore"], f"{what}: the {kind} did not move ({m['valueBefore']})"
    assert m["hashAfter"] != m["hashBefore"], (
        f"{what} on the {kind} ({m['valueBefore']} → {m['valueAfter']}): a new image arrived but its "
        f"PNG is identical to the previous one")
    return m["t1"] - m["t0"], m["t2"] - m["t0"], m


def exercise_panel(page, path, cell, k, panel, artifacts, stem, results):
    """Move the panel's first slider MOVES times; check each move redraws; record latencies."""
    info = page.evaluate(labdriver.JS_PANEL_CONTROL, panel.element_handle())
    title = info.get("title") or f"panel {k}"
    name = f"{path.split('/')[-1]} · cell {cell['index']} · {title}"
    assert info["kind"], f"{name}: no slider or drop-down to move"
    forward = info["now"] < info["max"]       # start towards the side with room, then alternate
    if info["kind"] == "slider":              # the keyboard, as the issue asks: focus the handle, press an arrow
        control = panel.locator(".widget-slider .noUi-handle").first
        steps = [("ArrowRight", lambda: control.press("ArrowRight")), ("ArrowLeft", lambda: control.press("ArrowLeft"))]
    else:   # a panel without a slider: JupyterLab's command mode takes the arrow keys from a <select>, so pick
        control = panel.locator(".widget-dropdown select").first
        now = int(info["now"])
        other = now + 1 if forward else now - 1
        steps = [(f"choose option {other}", lambda: control.select_option(index=other)),
                 (f"choose option {now}", lambda: control.select_option(index=now))]
        forward = True
    moves, decoded, last = [], [], None
    for i in range(MOVES):
        what, act = steps[(i + (0 if forward else 1)) % 2]
        ms, ms_decoded, last = move_control(page, panel, control, info["kind"], act, what)
        moves.append(ms)
        decoded.append(ms_decoded)
    panel.screenshot(path=str(artifacts / f"{stem}-cell{cell['index']:02d}-panel{k}.png"))
    p50, p95 = (float(v) for v in np.percentile(moves, [50, 95]))
    record = {"name": f"{name} ({info['label']})", "notebook": path, "cell": cell["index"], "panel": title,
              "control": info["label"], "kind": info["kind"], "moves_ms": [round(v, 1) for v in moves],
              "decoded_ms": [round(v, 1) for v in decoded], "p50_ms": round(p50, 1), "p95_ms": round(p95, 1),
              "last_status": last.get("status", "")}
    results["panels"].append(record)
    if BUDGET_MS is not None:
        assert p95 <= BUDGET_MS, f"{name}: slider p95 {p95:.0f} ms over the {BUDGET_MS:.0f} ms budget"
    return record


@pytest.mark.parametrize("notebook", NOTEBOOK_PARAMS)
def test_notebook_runs_with_live_panels(notebook, lab, page, artifacts, results):
    stem = labdriver.notebook_id(notebook)
    path = open_notebook(page, lab, notebook)
    try:
        run_all(page, path)
        cells = page.evaluate(labdriver.JS_CELL_REPORT, list(labdriver.NOT_LIVE))
        problems = cell_problems(path, cells)
        panels = panel_cells(cells)
        if not problems and panels:
            try:
                wait_for(page, labdriver.JS_PANELS_RENDERED, [[c["index"] for c in panels],
                         list(labdriver.NOT_LIVE_FINAL)], RENDER_TIMEOUT, "every panel to render as a live widget")
            except AssertionError as exc:
                problems.append(f"{path}: {exc}")
            cells = page.evaluate(labdriver.JS_CELL_REPORT, list(labdriver.NOT_LIVE))
            panels = panel_cells(cells)
        for c in cells:
            for text in c["notLive"]:
                problems.append(f"{path} cell {c['index']}: a panel is shown as text, not a live widget: {text!r}")
        for c in panels:
            if not c["widgetOutputs"]:
                problems.append(f"{path} cell {c['index']}: tagged {PANEL_TAG} but shows no widget")
            elif c["livePanels"] < c["widgetOutputs"]:
                problems.append(f"{path} cell {c['index']}: {c['widgetOutputs']} widget output(s) but "
                                f"{c['livePanels']} rendered as live widgets")
        screenshot_notebook(page, artifacts, stem)
        if notebook in labdriver.chinese_notebooks():       # the library speaks the notebook's language
            if not labdriver.CJK.search(page.evaluate(labdriver.JS_OUTPUT_TEXT)):
                problems.append(f"{path}: no Chinese in the outputs of a Chinese notebook")
        assert not problems, "\n".join(problems)

        failures = []
        for c in panels:
            outputs = page.locator(f'[data-rugged-cell="{c["index"]}"] .jp-OutputArea-output:has(.jupyter-widgets)')
            for k in range(outputs.count()):
                try:
                    exercise_panel(page, path, c, k, outputs.nth(k), artifacts, stem, results)
                except AssertionError as exc:
                    outputs.nth(k).screenshot(path=str(artifacts / f"{stem}-cell{c['index']:02d}-panel{k}-FAILED.png"))
                    failures.append(f"{path} cell {c['index']} panel {k}: {exc}")
        assert not failures, "\n".join(failures)
    finally:
        lab.shutdown_sessions(path)


def notebook_cells(notebook):
    """The notebook's cells as stored ([] if it cannot be read, e.g. while someone writes it)."""
    try:
        return json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return []


def slide_count(notebook):
    return sum(1 for c in notebook_cells(notebook)
               if c.get("metadata", {}).get("slideshow", {}).get("slide_type") == "slide")


def test_rise_slideshow_advances(lab, page, artifacts, results):
    """Open a notebook as a RISE slideshow (/rise/<path>) and go two slides forward."""
    candidates = [p for p in NOTEBOOKS if slide_count(p) >= 3]
    if not candidates:
        pytest.skip("no notebook with three slides or more")
    notebook = candidates[0]
    path = rel(notebook)
    lab.shutdown_sessions(path)
    try:
        page.goto(lab.rise_url(path))
        state = wait_for(page, labdriver.JS_RISE_STATE, None, OPEN_TIMEOUT, f"RISE to show {path}")
        seen = [state]
        for _ in range(2):   # two slides forward; ArrowRight first shows a slide's fragments, if any
            start = state
            for _press in range(30):
                page.keyboard.press("ArrowRight")
                state = wait_for(page, f"""(before) => {{ const s = ({labdriver.JS_RISE_STATE})();
                                     return s && (s.h !== before.h || s.v !== before.v || s.fragments !== before.fragments) ? s : null; }}""",
                                 state, 30_000, f"RISE to go on from slide {state['h']}")
                if state["h"] != start["h"]:
                    break
            assert state["h"] == start["h"] + 1, f"RISE went from slide {start['h']} to {state['h']}"
            assert state["text"] != start["text"], "the slide index moved but the visible slide did not change"
            seen.append(state)
        wait_for(page, SETTLED, None, 30_000,
                 "the slide transition to end")
        page.screenshot(path=str(artifacts / f"rise-{notebook.stem}.png"))
        results["rise"] = {"notebook": path, "slides": [{"h": s["h"], "v": s["v"], "hash": s["hash"],
                                                         "text": s["text"][:80]} for s in seen]}
    finally:
        lab.shutdown_sessions(path)


def first_panel_notebook():
    """(notebook, index of its first panel cell) for the first notebook that has a panel."""
    for notebook in NOTEBOOKS:
        for index, c in enumerate(notebook_cells(notebook)):
            if c["cell_type"] == "code" and PANEL_TAG in c.get("metadata", {}).get("tags", []):
                return notebook, index
    return None, None


def test_rise_panel_is_live(lab, page, artifacts):
    """A panel run on its slide in RISE renders as a live widget (what 00_index promises).

    This needs the ipywidgets / jupyterlab_widgets pair pinned in requirements.txt: later
    widget managers need @jupyterlab/console, which RISE's slideshow app does not share.
    """
    notebook, index = first_panel_notebook()
    if notebook is None:
        pytest.skip(f"no notebook has a cell tagged {PANEL_TAG}")
    path = open_notebook(page, lab, notebook)   # run everything in JupyterLab: RISE shares the kernel
    try:
        run_all(page, path)
        page.goto("about:blank")                # leave the session (and its kernel) running
        page.goto(lab.rise_url(path))
        wait_for(page, labdriver.JS_RISE_STATE, None, OPEN_TIMEOUT, f"RISE to show {path}")
        slide = page.evaluate("""(i) => { const c = document.querySelectorAll('.jp-Notebook .jp-Cell')[i];
                                   const s = c && c.closest('section[id^="slide-"]'); return s ? s.id : null; }""", index)
        assert slide, f"cell {index} is on no slide"
        h, v = (int(x) for x in slide.split("-")[1:3])
        page.evaluate("(id) => { location.hash = '#/' + id; }", slide)
        wait_for(page, f"() => {{ const s = ({labdriver.JS_RISE_STATE})(); return s && s.h === {h} && s.v === {v}; }}",
                 None, 30_000, f"RISE to show {slide}")
        cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Control+Enter")
        wait_for(page, """(i) => { const c = document.querySelectorAll('.jp-Notebook .jp-Cell')[i];
                            return c.querySelector('.jp-OutputArea-output') !== null; }""", index, RUN_ALL_TIMEOUT,
                 "the panel cell's output on the slide")
        wait_for(page, SETTLED, None, 30_000,
                 "the slide to settle")
        page.screenshot(path=str(artifacts / f"rise-{notebook.stem}-panel.png"))
        text = cell.locator(".jp-Cell-outputArea").inner_text()      # the cell's own (a panel holds one more)
        live = cell.locator(".jp-OutputArea-output .jupyter-widgets").count()
        shown = "a static image" if cell.locator(".jp-OutputArea-output img").count() else repr(text[:200])
        assert live and not any(s in text for s in labdriver.NOT_LIVE), (
            f"{path} cell {index} on slide {slide}: the panel is not a live widget in RISE; it shows {shown}")
    finally:
        lab.shutdown_sessions(path)
