"""Drive a real JupyterLab in Debian's Chromium: the server, the page-side snippets, the waits.

Used by conftest.py and test_browser.py; nothing here sleeps for a fixed time: every wait
polls a condition (the server's /api/status, the kernel's status and the cells' execution
counts in JupyterLab's own model, an image's src attribute) up to a generous timeout.
"""

import json
import os
import pathlib
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

REPO = pathlib.Path(__file__).resolve().parents[2]

# Debian's Chromium on a machine without internet: no sandbox (root, containers), no GPU,
# and none of the background requests (component updates, sync, QUIC probes) that would
# only fill the log with refused connections.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# JupyterLab settings for the test profile (a fresh user-settings folder per session):
# - autosave off: running a notebook must never write it back into the repo;
# - every cell rendered (no windowing), so that all outputs are in the DOM and a full
#   screenshot shows them;
# - no news/update toast over the notebook.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}

# Texts that mean a panel was not rendered as a live widget.
NOT_LIVE = ("VBox(children=", "Loading widget", "Error displaying widget", "Error rendering widget")
NOT_LIVE_FINAL = ("VBox(children=", "Error displaying widget", "Error rendering widget")


def find_chromium():
    """Path of Chromium: $RUGGED_CHROMIUM, /usr/bin/chromium, or `chromium` on PATH; else None."""
    for candidate in (os.environ.get("RUGGED_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def skip_reason():
    """Why the browser tests cannot run here (one line), or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser tests skipped: the playwright package is not importable"
    if find_chromium() is None:
        return "browser tests skipped: no Chromium (/usr/bin/chromium or `chromium` on PATH)"
    return None


# The Chinese edition's notebooks the browser tests run too (one with a panel: the edition is
# the English one with other text, and running all of them would double the tests' time).
CHINESE = ("03_rmsprop",)
CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese_notebooks():
    return [p for name in CHINESE for p in [REPO / "notebooks" / "zh" / f"{name}.ipynb"] if p.exists()]


def notebook_id(path):
    """A notebook's name in test ids, reports and screenshots: 03_rmsprop, zh-03_rmsprop."""
    return f"{path.parent.name}-{path.stem}" if path.parent.name != "notebooks" else path.stem


JS_OUTPUT_TEXT = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output'), e => e.innerText).join('\\n')"""


def notebooks_root_and_paths():
    """The folder JupyterLab serves and the notebooks to test, sorted.

    By default the repo and notebooks/*.ipynb. $RUGGED_BROWSER_NOTEBOOKS adds notebooks
    from elsewhere (paths or globs separated by os.pathsep, e.g. a scratch notebook while
    developing); the served folder is then the common parent of all of them.
    """
    paths = sorted((REPO / "notebooks").glob("*.ipynb")) + chinese_notebooks()
    for pattern in filter(None, os.environ.get("RUGGED_BROWSER_NOTEBOOKS", "").split(os.pathsep)):
        pattern = pathlib.Path(pattern).expanduser().resolve()
        extra = sorted(pattern.parent.glob(pattern.name))
        paths += [p for p in extra if p.suffix == ".ipynb" and p not in paths]
    root = pathlib.Path(os.path.commonpath([REPO] + [p.parent for p in paths]))
    return root, paths


def artifacts_dir():
    """`artifacts/browser/` at the repo root, or `$RUGGED_ARTIFACTS/browser/`."""
    base = pathlib.Path(os.environ.get("RUGGED_ARTIFACTS") or REPO / "artifacts")
    return base.expanduser().resolve() / "browser"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLab:
    """`python -m jupyter lab` on a free loopback port with a token, in a throw-away profile."""

    def __init__(self, root, profile, log_path, start_timeout=120, env=None):
        self.root, self.profile, self.log_path = pathlib.Path(root), pathlib.Path(profile), log_path
        self.start_timeout = start_timeout
        self.extra_env = dict(env or {})     # e.g. RUGGED_LECTURE=1 for the kernels
        self.token = secrets.token_hex(24)
        self.port = None
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def _env(self):
        env = dict(os.environ)
        # A profile of its own: no user config, kernelspecs, IPython startup files or
        # workspaces leak in, and nothing is written into the user's folders.
        for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                         ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")):
            env[var] = str(self.profile / sub)
            (self.profile / sub).mkdir(parents=True, exist_ok=True)
        # The kernel should see what a student's JupyterLab sees (CI exports MPLBACKEND=Agg).
        env.pop("MPLBACKEND", None)
        env.pop("JUPYTER_TOKEN", None)
        env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
        env.pop("RUGGED_LECTURE", None)
        env.update(self.extra_env)
        return env

    def _write_settings(self):
        for plugin, values in LAB_SETTINGS.items():
            path = self.profile / "settings" / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        (self.profile / "workspaces").mkdir(parents=True, exist_ok=True)

    def start(self):
        self._write_settings()
        last_error = None
        for _ in range(3):   # a port taken between free_port() and the bind: try another one
            self.port = free_port()
            cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser",
                   f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                   f"--ServerApp.token={self.token}", "--ServerApp.ip=127.0.0.1",
                   f"--notebook-dir={self.root}", "--allow-root",
                   "--LabApp.expose_app_in_browser=True",
                   f"--LabApp.user_settings_dir={self.profile / 'settings'}",
                   f"--LabApp.workspaces_dir={self.profile / 'workspaces'}",
                   "--LabApp.extension_manager=readonly"]
            log = open(self.log_path, "ab")
            log.write(("\n$ " + " ".join(cmd).replace(self.token, "<token>") + "\n").encode())
            log.flush()
            self.proc = subprocess.Popen(cmd, cwd=self.root, env=self._env(), stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            log.close()
            try:
                self._wait_ready()
                return self
            except RuntimeError as exc:   # exited early: log it and retry on another port
                last_error = exc
                self.stop()
        raise last_error

    def _wait_ready(self):
        """Poll /api/status until it answers 200 (or the process exits, or the timeout)."""
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode} before it was ready; "
                                   f"see {self.log_path}")
            try:
                self.api("GET", "/api/status", timeout=5)   # raises until the server answers 200
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"jupyter lab did not answer /api/status within {self.start_timeout} s; "
                                   f"see {self.log_path}")
            time.sleep(0.25)   # polling interval of the readiness condition, not a wait for readiness

    def api(self, method, path, timeout=30):
        """A REST call with the token; the decoded JSON body ({} when empty)."""
        request = urllib.request.Request(self.url + path, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else {}

    def shutdown_sessions(self, path=None):
        """Shut down the kernel sessions of one notebook path (all when None)."""
        for session in self.api("GET", "/api/sessions"):
            if path is None or session.get("path") == path:
                try:
                    self.api("DELETE", f"/api/sessions/{session['id']}")
                except urllib.error.HTTPError as exc:
                    if exc.code != 404:
                        raise

    def stop(self):
        """SIGTERM (jupyter shuts its kernels down), then SIGKILL the process group if needed."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.shutdown_sessions()
            except Exception:
                pass
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        try:   # the server's own group (start_new_session): kernels it left behind, if any
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.proc = None

    def lab_url(self, rel_path, workspace):
        """The notebook in a workspace of its own (the default one would reopen earlier notebooks)."""
        return f"{self.url}/lab/workspaces/{workspace}/tree/{rel_path}?token={self.token}"

    def rise_url(self, rel_path):
        return f"{self.url}/rise/{rel_path}?token={self.token}"


# ---------------------------------------------------------------------------------------
# Page-side snippets. `window.jupyterapp` is JupyterLab's application object, exposed by
# --LabApp.expose_app_in_browser=True.

JS_NOTEBOOK_READY = """(path) => {
  const app = window.jupyterapp;
  if (document.querySelector('.jp-Dialog')) return {dialog: document.querySelector('.jp-Dialog').innerText};
  const w = app && app.shell && app.shell.currentWidget;
  if (!w || !w.context || w.context.path !== path || !w.context.isReady) return false;
  const kernel = w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  if (!w.sessionContext.isReady || !kernel) return false;
  if (kernel.status === 'dead') return {dead: true};
  return kernel.status === 'idle' ? {ok: true, kernel: kernel.name} : false;
}"""

# Clear every output first: the notebooks are stored with outputs and execution counts,
# so "every count filled" only means something for counts the run itself filled in.
JS_CLEAR_AND_RUN_ALL = """async () => {
  const app = window.jupyterapp;
  await app.commands.execute('notebook:clear-all-cell-outputs');
  const cells = Array.from(app.shell.currentWidget.content.model.cells);
  const stale = cells.filter(c => c.type === 'code' && (c.executionCount != null || c.outputs.length)).length;
  window.__ruggedRunAll = {started: performance.now(), done: false, error: null};
  app.commands.execute('notebook:run-all-cells').then(
    () => { window.__ruggedRunAll.done = true; },
    (e) => { window.__ruggedRunAll.error = String(e); });
  return {stale, code: cells.filter(c => c.type === 'code').length};
}"""

# Done when the kernel is idle and every (non-empty) code cell has its execution count, or
# when a cell failed: JupyterLab then stops the run and the later cells stay unexecuted.
JS_RUN_ALL_DONE = """() => {
  const app = window.jupyterapp;
  if (document.querySelector('.jp-Dialog')) return {dialog: document.querySelector('.jp-Dialog').innerText};
  if (window.__ruggedRunAll.error) return {commandError: window.__ruggedRunAll.error};
  const w = app.shell.currentWidget;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  if (!kernel || ['dead', 'autorestarting', 'restarting'].includes(kernel.status)) return {dead: kernel ? kernel.status : 'gone'};
  // JupyterLab does not execute an empty code cell: it keeps no count.
  const cells = Array.from(w.content.model.cells).filter(c => c.type === 'code' && c.sharedModel.getSource().trim());
  // A cell tagged raises-exception may fail on purpose (the run goes on after it).
  const failed = cells.some(c => !(c.getMetadata('tags') || []).includes('raises-exception')
                                 && c.outputs.toJSON().some(o => o.output_type === 'error'));
  const running = cells.some(c => c.executionState === 'running');
  const filled = cells.every(c => c.executionCount != null);
  if (kernel.status !== 'idle' || running) return false;
  if (filled || failed) return {ok: true, failed, ms: performance.now() - window.__ruggedRunAll.started};
  return false;
}"""

# One entry per code cell, from JupyterLab's model (what the kernel sent) and the DOM
# (what the page shows). Marks each cell's node so that locators can find it.
JS_CELL_REPORT = """(notLive) => {
  const w = window.jupyterapp.shell.currentWidget;
  const report = [];
  w.content.widgets.forEach((cell, index) => {
    if (cell.model.type !== 'code') return;
    cell.node.setAttribute('data-rugged-cell', String(index));
    const outputs = cell.model.outputs.toJSON();
    const nodes = Array.from(cell.node.querySelectorAll('.jp-OutputArea-output'));
    const widgetOutputs = outputs.filter(o => o.data && o.data['application/vnd.jupyter.widget-view+json']);
    const panels = nodes.filter(n => n.querySelector('.jupyter-widgets.widget-vbox, .jupyter-widgets.widget-box'));
    report.push({
      index,
      count: cell.model.executionCount,
      source: cell.model.sharedModel.getSource(),
      tags: cell.model.getMetadata('tags') || [],
      errors: outputs.filter(o => o.output_type === 'error').map(o => `${o.ename}: ${o.evalue}`),
      stderr: outputs.filter(o => o.output_type === 'stream' && o.name === 'stderr')
                     .map(o => Array.isArray(o.text) ? o.text.join('') : o.text),
      shownStderr: nodes.filter(n => n.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr')
                        .map(n => n.innerText.slice(0, 2000)),
      widgetOutputs: widgetOutputs.length,
      livePanels: panels.length,
      notLive: nodes.map(n => n.innerText).filter(t => notLive.some(s => t.includes(s))).map(t => t.slice(0, 300)),
    });
  });
  return report;
}"""

# Every widget output of the cells given has rendered: a live VBox with a loaded <img>.
# A text repr or a widget error is final (reported at once); anything else may still be loading.
JS_PANELS_RENDERED = """([indices, final]) => {
  const pending = [];
  for (const index of indices) {
    const cell = document.querySelector(`[data-rugged-cell="${index}"]`);
    const nodes = cell ? Array.from(cell.querySelectorAll('.jp-OutputArea-output')) : [];
    const text = nodes.map(n => n.innerText).join('\\n');
    const bad = final.find(s => text.includes(s));
    if (bad) return {notLive: index, text: text.slice(0, 300)};
    const panels = nodes.filter(n => n.querySelector('.jupyter-widgets'));
    const ready = panels.length > 0 && panels.every(p => {
      const img = p.querySelector('img');
      return img && img.getAttribute('src') && img.complete && img.naturalWidth > 0;
    });
    if (!ready) pending.push(index);
  }
  return pending.length ? false : {ok: true};
}"""

# Arm the measurement of one control move in a panel: the current image's bytes (hashed),
# a keydown (slider) / input (drop-down) / pointerdown (a drag) listener, capture phase on window so that it runs
# before the control's own handler, that stamps t0, and a MutationObserver on the panel's <img> src that stamps t1 when the
# kernel's new PNG arrives, then t2 once the new image has decoded.
JS_ARM_MOVE = """async ([panel, control]) => {
  const hash = async (src) => {
    const bytes = new Uint8Array(await (await fetch(src)).arrayBuffer());
    let h1 = 0x811c9dc5, h2 = 0x01000193;
    for (let i = 0; i < bytes.length; i++) {
      h1 = Math.imul(h1 ^ bytes[i], 16777619) >>> 0;
      h2 = (Math.imul(h2, 31) + bytes[i]) >>> 0;
    }
    return `${bytes.length}:${h1.toString(16)}:${h2.toString(16)}`;
  };
  const img = panel.querySelector('img');
  // noUiSlider rounds aria-valuenow to one decimal; aria-valuetext and the readout are exact.
  const readout = control.closest('.widget-slider, .widget-dropdown')?.querySelector('.widget-readout');
  const valueOf = () => control.tagName === 'SELECT' ? `${control.selectedIndex}: ${control.value}`
    : `${control.getAttribute('aria-valuetext') ?? control.getAttribute('aria-valuenow')}` + (readout ? ` (${readout.innerText})` : '');
  const m = {t0: null, t1: null, t2: null, done: false, error: null,
             srcBefore: img.getAttribute('src'), valueBefore: valueOf()};
  m.hashBefore = await hash(m.srcBefore);
  window.__ruggedMove = m;
  const stamp = () => { if (m.t0 === null) m.t0 = performance.now(); };
  window.addEventListener('keydown', stamp, {capture: true, once: true});   // slider: the key press
  window.addEventListener('input', stamp, {capture: true, once: true});     // drop-down: the choice
  window.addEventListener('pointerdown', stamp, {capture: true, once: true});   // mouse: the drag's start
  const observer = new MutationObserver(() => {
    const src = img.getAttribute('src');
    if (m.t1 !== null || src === m.srcBefore) return;
    m.t1 = performance.now();
    observer.disconnect();
    img.decode().catch(() => null).then(async () => {
      m.t2 = performance.now();
      m.valueAfter = valueOf();
      m.status = panel.querySelector('.widget-html-content') ? Array.from(panel.querySelectorAll('.widget-html-content')).map(e => e.innerText).join(' | ') : '';
      try { m.hashAfter = await hash(src); } catch (e) { m.error = String(e); }
      m.done = true;
    });
  });
  observer.observe(img, {attributes: true, attributeFilter: ['src']});
  return {valueBefore: m.valueBefore, hashBefore: m.hashBefore};
}"""

# Describe a panel's first slider (noUiSlider handle), else its first drop-down.
JS_PANEL_CONTROL = """(panel) => {
  const handle = panel.querySelector('.widget-slider .noUi-handle');
  const title = panel.querySelector('.widget-html-content b');
  if (handle) {
    const label = handle.closest('.widget-slider').querySelector('.widget-label');
    return {kind: 'slider', label: label ? label.innerText : '', title: title ? title.innerText : '',
            now: parseFloat(handle.getAttribute('aria-valuetext') ?? handle.getAttribute('aria-valuenow')),
            min: parseFloat(handle.getAttribute('aria-valuemin')),
            max: parseFloat(handle.getAttribute('aria-valuemax'))};
  }
  const select = panel.querySelector('.widget-dropdown select');
  if (select) {
    const label = select.closest('.widget-dropdown').querySelector('.widget-label');
    return {kind: 'dropdown', label: label ? label.innerText : '', title: title ? title.innerText : '',
            now: select.selectedIndex, min: 0, max: select.options.length - 1};
  }
  return {kind: null, title: title ? title.innerText : ''};
}"""

# Wait until every <img> on the page has loaded and the layout has settled for a frame.
JS_IMAGES_LOADED = """() => Array.from(document.images).every(i => i.complete)"""

# The notebook's scroller; contentHeight ends at the last cell (the scroller's own height
# includes JupyterLab's scroll-past-end padding, which grows with the viewport).
JS_NOTEBOOK_SCROLL = """() => {
  const outer = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
  if (!outer) return null;
  const cells = outer.querySelectorAll('.jp-Cell');
  const last = cells[cells.length - 1];
  const top = outer.getBoundingClientRect().top;
  const contentHeight = last ? Math.ceil(last.getBoundingClientRect().bottom - top + outer.scrollTop + 16) : outer.scrollHeight;
  return {scrollHeight: outer.scrollHeight, clientHeight: outer.clientHeight, scrollTop: outer.scrollTop,
          contentHeight: Math.min(contentHeight, outer.scrollHeight)};
}"""

JS_RISE_STATE = """() => {
  const reveal = document.querySelector('.reveal');
  if (!reveal || !reveal.classList.contains('ready')) return null;
  const slides = Array.from(document.querySelectorAll('.reveal .slides > section'));
  const h = slides.findIndex(s => s.classList.contains('present'));
  if (h < 0) return null;
  const vertical = Array.from(slides[h].querySelectorAll(':scope > section'));
  const v = Math.max(0, vertical.findIndex(s => s.classList.contains('present')));
  const present = vertical.length ? vertical[v] : slides[h];
  return {h, v, slides: slides.length, hash: location.hash, text: present.innerText.slice(0, 200),
          fragments: present.querySelectorAll('.fragment.visible').length};
}"""
