"""The notebooks as a lecturer shows them: RISE slideshows in lecture mode (RUGGED_LECTURE=1).

- every slide of a notebook fits a 1280×720 and a 1920×1080 screen (its content is no
  taller and no wider than the slide), with each slide's screenshot saved to
  artifacts/browser/slides/ for a human to look at (named after labdriver.notebook_id:
  03_rmsprop-1280x720-slide-2-0.png, zh-03_rmsprop-1280x720-slide-2-0.png);
  the Chinese edition's notebooks (notebooks/zh/, test ids zh-00_index … zh-09_summary) are
  checked at 1280×720 only: the lecture style shows 1920×1080 as the same layout zoomed 1.5×,
  which the English notebooks check (their title scales), and a second pass over a notebook's
  slides costs about as much as the first (each about as long as running the notebook), so it
  would make the Chinese notebooks' share of CI half as long again. $RUGGED_SLIDE_NOTEBOOKS
  (comma-separated ids, e.g. `03_rmsprop,zh-03_rmsprop`; `zh/03_rmsprop` is read as
  `zh-03_rmsprop`) checks only those;
- a panel's slider, focused, is moved by the arrow keys on its slide: the figure changes
  and the slideshow stays on that slide;
- the README's slideshow instructions work as written: its command starts a server on which
  its slideshow URL opens the notebook as slides.

The notebooks are run in a copy (a temporary folder served by JupyterLab): run all in
JupyterLab in lecture mode, saved there, then opened in RISE, which shares the running
kernel, so that the panels on the slides are live.
"""

import os
import pathlib
import re
import shlex
import shutil
import subprocess
import urllib.request

import pytest

import labdriver
from test_browser import OPEN_TIMEOUT, PANEL_TAG, RUN_ALL_TIMEOUT, SETTLED, move_control, notebook_cells, wait_for

SKIP_REASON = labdriver.skip_reason()
pytestmark = [pytest.mark.browser, pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")]

REPO = labdriver.REPO
VIEWPORTS = [(1280, 720), (1920, 1080)]
CHINESE_VIEWPORTS = VIEWPORTS[:1]    # the same layout as 1920×1080 (see the module's docstring)
# Every notebook's slides must fit in lecture mode, the English ones and the Chinese ones, by
# id (labdriver.notebook_id: 03_rmsprop, zh-03_rmsprop). $RUGGED_SLIDE_NOTEBOOKS (ids,
# comma-separated; zh/03_rmsprop is read as zh-03_rmsprop) checks only those, on demand.
SLIDE_PATHS = {labdriver.notebook_id(path): path
               for folder in (REPO / "notebooks", REPO / "notebooks" / "zh")
               for path in sorted(folder.glob("[0-9][0-9]_*.ipynb"))}
FITTING = list(SLIDE_PATHS)
CHECKED = [n.strip().replace("/", "-") for n in os.environ.get("RUGGED_SLIDE_NOTEBOOKS", "").split(",")
           if n.strip()] or FITTING

# The slideshow's leaf slides (a vertical stack's own sections, else the horizontal one).
JS_SLIDE_IDS = """() => Array.from(document.querySelectorAll('.reveal .slides section[id^="slide-"]'))
  .filter(s => !s.querySelector('section')).map(s => s.id)"""

# How the present slide's content compares with the screen (all fragments shown): the
# bottom and right edge of its cells and their pictures against the slideshow's, and its own scroll size.
JS_SLIDE_FIT = """() => {
  const slide = document.querySelector('.reveal .slides section.present:not(.stack)')
             || document.querySelector('.reveal .slides section.present');
  if (!slide) return null;
  if (!Array.from(slide.querySelectorAll('img')).every(i => i.complete)) return null;
  const screen = document.querySelector('.reveal').getBoundingClientRect();
  // a cell, and any picture in it (a panel's image keeps its pixel width and can stick out of its cell)
  const boxes = Array.from(slide.querySelectorAll('.jp-Cell, .jp-Cell img')).map(c => c.getBoundingClientRect());
  const bottom = Math.max(0, ...boxes.map(b => b.bottom)), right = Math.max(0, ...boxes.map(b => b.right));
  return {id: slide.id, height: Math.max(slide.scrollHeight, Math.ceil(bottom - screen.top)), screenHeight: Math.floor(screen.height),
          width: Math.max(slide.scrollWidth, Math.ceil(right - screen.left)), screenWidth: Math.floor(screen.width),
          text: slide.innerText.trim().split('\\n')[0].slice(0, 80)};
}"""

# the height of the present slide's title as shown on the screen (zoom included)
JS_TITLE_HEIGHT = """() => document.querySelector('.reveal .slides section.present:not(.stack) h1, '
  + '.reveal .slides section.present:not(.stack) h2').getBoundingClientRect().height"""

SHOW_FRAGMENTS = ".reveal .slides .fragment { opacity: 1 !important; visibility: visible !important; }"


@pytest.fixture(scope="module")
def slides_root(tmp_path_factory):
    """A copy of notebooks/ that the lecture server serves (saving there touches no repo file)."""
    root = tmp_path_factory.mktemp("slides")
    shutil.copytree(REPO / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return root / "notebooks"


@pytest.fixture(scope="module")
def lecture_lab(slides_root, tmp_path_factory, artifacts):
    server = labdriver.JupyterLab(slides_root, tmp_path_factory.mktemp("jupyter-lecture-profile"),
                                  artifacts / "jupyter-lecture-server.log", env={"RUGGED_LECTURE": "1"})
    server.start()
    try:
        yield server
    finally:
        server.stop()


def served_path(name):
    """Where the lecture server has notebook `name` (an English name or a test id), relative to notebooks/."""
    path = SLIDE_PATHS.get(name, REPO / "notebooks" / f"{name}.ipynb")
    return path.relative_to(REPO / "notebooks").as_posix()


def run_in_lecture_mode(page, lab, name):
    """Run all cells of notebook `name` in JupyterLab (lecture mode) and save it; the kernel
    keeps running, for RISE to share."""
    path = served_path(name)
    lab.shutdown_sessions(path)
    page.goto(lab.lab_url(path, f"lecture-{name}"))
    state = wait_for(page, labdriver.JS_NOTEBOOK_READY, path, OPEN_TIMEOUT, f"{path} to open with an idle kernel")
    assert "dialog" not in state and "dead" not in state, f"{path}: {state}"
    page.evaluate(labdriver.JS_CLEAR_AND_RUN_ALL)
    done = wait_for(page, labdriver.JS_RUN_ALL_DONE, None, RUN_ALL_TIMEOUT, f"{path}: run all in lecture mode")
    assert done.get("ok") and not done.get("failed"), f"{path}: run all failed: {done}"
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    wait_for(page, "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", None, 60_000, f"{path} to be saved")
    page.goto("about:blank")
    return path


def open_slideshow(page, lab, path):
    page.goto(lab.rise_url(path))
    wait_for(page, labdriver.JS_RISE_STATE, None, OPEN_TIMEOUT, f"RISE to show {path}")
    page.add_style_tag(content=SHOW_FRAGMENTS)


def go_to(page, slide_id):
    page.evaluate("(id) => { location.hash = '#/' + id; }", slide_id)
    wait_for(page, """(id) => { const s = document.querySelector('.reveal .slides section.present:not(.stack)')
                          || document.querySelector('.reveal .slides section.present'); return s && s.id === id; }""",
             slide_id, 30_000, f"RISE to show {slide_id}")
    wait_for(page, SETTLED, None, 30_000, "the slide transition to end")
    return wait_for(page, JS_SLIDE_FIT, None, 30_000, f"{slide_id}'s images to load")


SLIDE_NOTEBOOKS = [n for n in CHECKED if n in SLIDE_PATHS]


@pytest.mark.parametrize("name", SLIDE_NOTEBOOKS)
def test_every_slide_fits_the_screen_in_lecture_mode(name, lecture_lab, browser, artifacts):
    folder = artifacts / "slides"
    folder.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": VIEWPORTS[0][0], "height": VIEWPORTS[0][1]})
    context.set_default_timeout(60_000)
    page = context.new_page()
    path = run_in_lecture_mode(page, lecture_lab, name)
    chinese = SLIDE_PATHS[name].parent.name == "zh"
    problems, title = [], {}
    try:
        for width, height in CHINESE_VIEWPORTS if chinese else VIEWPORTS:
            page.set_viewport_size({"width": width, "height": height})
            open_slideshow(page, lecture_lab, path)
            body = page.evaluate("() => getComputedStyle(document.querySelector('.jp-RenderedMarkdown p')).fontSize")
            assert float(body.rstrip("px")) >= 24, f"{path}: the slides' text is {body}, not lecture size"
            ids = page.evaluate(JS_SLIDE_IDS)
            assert ids, f"{path}: RISE shows no slide"
            for slide_id in ids:
                fit = go_to(page, slide_id)
                if slide_id == ids[0]:
                    title[width] = page.evaluate(JS_TITLE_HEIGHT)
                page.screenshot(path=str(folder / f"{name}-{width}x{height}-{slide_id}.png"))
                for what, scroll, client in (("taller", "height", "screenHeight"), ("wider", "width", "screenWidth")):
                    if fit[scroll] > fit[client] + 1:
                        problems.append(f"{path} at {width}×{height}, {slide_id} ({fit['text']!r}): "
                                        f"content {fit[scroll]} px {what} than the slide's {fit[client]} px")
    finally:
        lecture_lab.shutdown_sessions(path)
        context.close()
    assert not problems, "\n".join(problems)
    if chinese:
        return
    # a larger screen shows the same slide larger (the lecture style zooms it 1.5× at 1920×1080)
    (small, _), (large, _) = VIEWPORTS
    assert title[large] >= 1.45 * title[small], f"{path}: the title is {title} px high at widths {small} and {large}"



if not SLIDE_NOTEBOOKS:    # no notebook's slides are checked yet: no test (rather than a skip)
    del test_every_slide_fits_the_screen_in_lecture_mode

def first_panel(name):
    for index, cell in enumerate(notebook_cells(SLIDE_PATHS.get(name, REPO / "notebooks" / f"{name}.ipynb"))):
        if cell["cell_type"] == "code" and PANEL_TAG in cell.get("metadata", {}).get("tags", []):
            return index
    return None


def test_arrow_keys_move_a_focused_slider_and_not_the_slide(lecture_lab, browser, artifacts):
    """On a panel's slide, an arrow key on the focused slider redraws the figure and the
    slideshow stays; with the slider blurred, the same key changes the slide."""
    name = next((n for n in FITTING + ["02_adagrad"] if first_panel(n) is not None), None)
    if name is None:
        pytest.skip(f"no notebook has a cell tagged {PANEL_TAG}")
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.set_default_timeout(60_000)
    page = context.new_page()
    path = run_in_lecture_mode(page, lecture_lab, name)
    try:
        open_slideshow(page, lecture_lab, path)
        index = first_panel(name)
        slide = page.evaluate("""(i) => { const c = document.querySelectorAll('.jp-Notebook .jp-Cell')[i];
                                   const s = c && c.closest('section[id^="slide-"]'); return s ? s.id : null; }""", index)
        assert slide, f"{path} cell {index} is on no slide"
        go_to(page, slide)
        cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
        panel = cell.locator(".jp-OutputArea-output:has(.jupyter-widgets)").first
        wait_for(page, """(i) => { const c = document.querySelectorAll('.jp-Notebook .jp-Cell')[i];
                            const img = c && c.querySelector('.jupyter-widgets img');
                            return img && img.complete && img.naturalWidth > 0; }""",
                 index, 60_000, "the panel to render live on its slide")
        handle = panel.locator(".widget-slider .noUi-handle").first
        handle.click()
        before = page.evaluate(labdriver.JS_RISE_STATE)
        for key in ("ArrowRight", "ArrowLeft"):
            move_control(page, panel, handle, "slider", lambda: handle.press(key), f"{key} on the focused slider")
            after = page.evaluate(labdriver.JS_RISE_STATE)
            assert (after["h"], after["v"]) == (before["h"], before["v"]), (
                f"{key} on a focused slider changed the slide from {before['h']}.{before['v']} to {after['h']}.{after['v']}")
        page.screenshot(path=str(artifacts / f"rise-keyboard-{name}.png"))
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.keyboard.press("ArrowRight")
        wait_for(page, f"""(before) => {{ const s = ({labdriver.JS_RISE_STATE})();
                             return s && (s.h !== before.h || s.v !== before.v); }}""", before, 30_000,
                 "ArrowRight with no control focused to change the slide")
    finally:
        lecture_lab.shutdown_sessions(path)
        context.close()


# ---------------------------------------------------------------------------------------
# The README's instructions, as written

def readme_slideshow():
    """(command, url) from README.md's "Presenting it": the command that starts the server and
    the slideshow URL it prints."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Presenting it", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^\s*(RUGGED_LECTURE=1 \S*jupyter lab .*)$", section, re.M)
    urls = re.findall(r"http://localhost:\d+/rise/[\w./-]+\.ipynb", section)
    assert commands and urls, "README's 'Presenting it' shows no lecture command or no slideshow URL"
    return commands[0].strip(), urls[0]


def test_the_readme_slideshow_instructions_work(tmp_path, browser, artifacts):
    command, url = readme_slideshow()
    port = labdriver.free_port()
    token = "readme-test-token"
    profile = tmp_path / "profile"
    # What the README cannot say for a test machine: root may run it, no browser, no autosave.
    (profile / "config").mkdir(parents=True)
    (profile / "config" / "jupyter_server_config.py").write_text(
        "c.ServerApp.allow_root = True\nc.ServerApp.open_browser = False\nc.ServerApp.ip = '127.0.0.1'\n")
    lab = labdriver.JupyterLab(REPO, profile, artifacts / "jupyter-readme-server.log")
    lab._write_settings()
    env = lab._env()
    env.update({"JUPYTER_TOKEN": token, "JUPYTER_PORT": str(port), "BROWSER": "true",
                "JUPYTERLAB_SETTINGS_DIR": str(profile / "settings"),
                "JUPYTERLAB_WORKSPACES_DIR": str(profile / "workspaces")})
    argv = shlex.split(command)
    assignments = [a for a in argv if re.match(r"^[A-Z_]+=", a)]
    env.update(dict(a.split("=", 1) for a in assignments))
    argv = argv[len(assignments):]
    assert pathlib.Path(REPO / argv[0]).exists() or shutil.which(argv[0]), f"README's command {argv[0]} is not there"
    with open(artifacts / "jupyter-readme-server.log", "ab") as log:
        proc = subprocess.Popen(argv, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    lab.proc, lab.port, lab.token = proc, port, token
    try:
        lab._wait_ready()
        shown = url.replace(re.search(r"localhost:(\d+)", url).group(0), f"localhost:{port}")
        with urllib.request.urlopen(f"{shown}?token={token}", timeout=60) as response:
            assert response.status == 200
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page = context.new_page()
        try:
            page.goto(f"{shown}?token={token}")
            state = wait_for(page, labdriver.JS_RISE_STATE, None, OPEN_TIMEOUT, f"RISE to show {shown}")
            notebook = url.rsplit("/", 1)[1]
            title = next(c["source"] for c in notebook_cells(REPO / "notebooks" / notebook) if c["cell_type"] == "markdown")
            heading = title if isinstance(title, str) else "".join(title)
            heading = heading.splitlines()[0].lstrip("# ").strip()
            assert heading.split(" ", 1)[0] in state["text"], f"{shown} shows {state['text'][:80]!r}, not {heading!r}"
            page.screenshot(path=str(artifacts / "rise-readme.png"))
        finally:
            context.close()
    finally:
        lab.stop()
