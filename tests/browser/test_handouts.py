"""The handouts: tools/build_handouts.py's static slide decks work offline, from file://.

The build fetches reveal.js, MathJax, require.js and jQuery from npm the first time (about 25 MB,
kept in .lite-cache/npm/), so this runs in CI (CI=true) or with RUGGED_HANDOUTS_TEST=1, and is
skipped otherwise with that reason. Every notebook's deck is opened straight from the disk in
Chromium with every request that is not file: or data: refused and reported, and checked:
reveal.js started; it has as many slides as the notebook; MathJax typeset every formula (no
raw `$…$` is left in the rendered markdown, no TeX error); every image loaded; no speaker
note is visible on any slide; each panel shows its stored figure and the line saying it is
live in the notebook. Screenshots of the title, the first maths, the first figure and every
panel slide go to artifacts/browser/handouts/; build time and counts to handouts.json.
"""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time
from urllib.parse import urlparse

import nbformat
import pytest

import labdriver

REPO = labdriver.REPO
sys.path.insert(0, str(REPO / "tools"))
import build_handouts  # noqa: E402

WANTED = os.environ.get("CI", "").lower() == "true" or os.environ.get("RUGGED_HANDOUTS_TEST") == "1"
CACHED = all((REPO / ".lite-cache" / "npm" / "{}-{}.tgz".format(*p["npm"].rsplit("@", 1))).exists()
             for p in build_handouts.PACKAGES.values())
SKIP_REASON = labdriver.skip_reason() or (
    None if WANTED else "builds the handouts (about 30 s, and ~25 MB from npm the first time): runs in CI or "
                        "with RUGGED_HANDOUTS_TEST=1") or (
    None if CACHED or shutil.which("npm") else "npm is needed to fetch reveal.js and MathJax")
pytestmark = [pytest.mark.browser, pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")]

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WIDTH, HEIGHT = 1280, 720

JS_STARTED = """() => !!document.querySelector('.reveal.ready') && !!window.MathJax && !!MathJax.Hub
  && MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running
  && Array.from(document.images).every(i => i.complete)"""

# reveal.js is an AMD module here (require.js loads it), so it is not a global: ask require.js
# for the same module the page loaded, and switch its transitions off to step through slides.
JS_REVEAL = """() => new Promise((ok, fail) => require(['%s/reveal.js/dist/reveal.js'], (R) => {
  window.__reveal = R; R.configure({transition: 'none', backgroundTransition: 'none'}); ok(R.getTotalSlides());
}, fail))""" % build_handouts.STATIC

JS_DECK = """() => {
  const slides = Array.from(document.querySelectorAll('.reveal .slides section')).filter(s => !s.querySelector('section'));
  const images = Array.from(document.querySelectorAll('.reveal .slides img'));
  // The markdown's text outside code and outside what MathJax made of the formulas.
  const raw = [];
  document.querySelectorAll('.reveal .slides .jp-RenderedMarkdown').forEach(m => {
    const copy = m.cloneNode(true);
    copy.querySelectorAll('script, code, pre, .MathJax_Preview, .MathJax_CHTML, .mjx-chtml, .MJX_Assistive_MathML')
        .forEach(e => e.remove());
    const found = copy.textContent.match(/\\$[^$]+\\$|\\\\\\(|\\\\\\[|\\\\begin\\{/);
    if (found) raw.push(found[0].slice(0, 60));
  });
  const live = Array.from(document.querySelectorAll('.reveal .slides .rugged-live-note')).map(n => {
    const cell = n.closest('.jp-Cell'); const img = cell && cell.querySelector('img');
    return {text: n.innerText, image: !!(img && img.complete && img.naturalWidth > 0)};
  });
  return {
    leaves: slides.length,
    images: images.length,
    broken: images.filter(i => !(i.complete && i.naturalWidth > 0)).length,
    jax: MathJax.Hub.getAllJax().length,
    mathScripts: document.querySelectorAll('script[type^="math/tex"]').length,
    chtml: document.querySelectorAll('.mjx-chtml').length,
    errors: document.querySelectorAll('.mjx-merror, .MathJax_Error').length,
    raw: raw,
    notes: Array.from(document.querySelectorAll('aside.notes')).map(a => ({
      display: getComputedStyle(a).display, text: a.textContent.replace(/\\s+/g, ' ')})),
    widgetViews: document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length,
    live: live,
  };
}"""

# Go to a slide; answer once MathJax has re-rendered its formulas (the deck re-renders a
# slide's maths when it is shown): each formula outside the notes is drawn again, with a width,
# in two checks in a row.
JS_GO = """([h, v]) => new Promise((done, fail) => {
  window.__reveal.slide(h, v);
  const s = window.__reveal.getCurrentSlide(), until = Date.now() + 30000;
  let drawn = 0;
  const check = () => {
    const scripts = Array.from(s.querySelectorAll('script[type^="math/tex"]')).filter(m => !m.closest('aside.notes'));
    const idle = MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running;
    drawn = idle && scripts.every(m => { const f = document.getElementById(m.id + '-Frame');
                                         return f && f.getBoundingClientRect().width > 0; }) ? drawn + 1 : 0;
    if (drawn >= 2) {
      const at = window.__reveal.getIndices();
      done({h: at.h, v: at.v || 0, text: s.innerText.replace(/\\s+/g, ' '),
            maths: Array.from(s.querySelectorAll('.mjx-chtml')).filter(e => !e.closest('aside.notes')).length,
            images: s.querySelectorAll('img').length,
            panel: s.querySelectorAll('.rugged-live-note').length});
    } else if (Date.now() > until) {
      fail(new Error('MathJax did not re-render slide ' + h + '.' + v));
    } else {
      setTimeout(check, 50);
    }
  };
  check();
})"""

JS_INDICES = """() => Array.from(document.querySelectorAll('.reveal .slides > section')).flatMap((h, i) => {
  const vs = h.querySelectorAll(':scope > section'); return vs.length ? Array.from(vs, (_, j) => [i, j]) : [[i, 0]]; })"""


def slide_type(cell):
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def slide_count(nb):
    """Slides the notebook's metadata asks for: the first shown cell opens one, and each later
    shown cell of type slide or subslide opens another (skip and notes cells are not shown)."""
    shown = [c for c in nb.cells if slide_type(c) not in ("skip", "notes")]
    return 1 + sum(slide_type(c) in ("slide", "subslide") for c in shown[1:])


def widget_views(nb):
    return sum(build_handouts.WIDGET_VIEW in o.get("data", {}) for c in nb.cells if slide_type(c) not in ("skip",)
               for o in c.get("outputs", []))


def note_phrases(nb):
    """From each notes cell, its longest run of plain words (no maths, markup or digits), as a
    reader sees it: a phrase that must be in the hidden notes and on no slide. A phrase that a
    shown cell also says is left out (it may rightly be on a slide)."""
    shown = " ".join(" ".join(c.source.split()) for c in nb.cells if slide_type(c) not in ("skip", "notes"))
    phrases = []
    for cell in nb.cells:
        if slide_type(cell) != "notes" or cell.cell_type != "markdown":
            continue
        text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " | ", cell.source, flags=re.S)
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
        runs = [r.strip() for line in text.splitlines() for r in re.findall(r"[A-Za-z][A-Za-z ]{20,}[A-Za-z]", line)]
        runs = [" ".join(r.split()) for r in runs if " ".join(r.split()) not in shown]
        if runs:
            phrases.append(max(runs, key=len))
    return phrases


@pytest.fixture(scope="module")
def handouts(tmp_path_factory, artifacts):
    folder = tmp_path_factory.mktemp("handouts")
    out = folder / "site"
    # The decks and the checks read the same copy of the notebooks.
    (folder / "notebooks").mkdir()
    copies = [pathlib.Path(shutil.copy(p, folder / "notebooks" / p.name)) for p in NOTEBOOKS]
    started = time.perf_counter()
    build = subprocess.run([sys.executable, str(REPO / "tools" / "build_handouts.py"), *map(str, copies),
                            "--out", str(out), "--cache", str(REPO / ".lite-cache")], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    (artifacts / "handouts-build.log").write_text(build.stdout + build.stderr)
    assert build.returncode == 0, (build.stdout + build.stderr)[-3000:]
    shots = artifacts / "handouts"
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir()
    report = {"build_s": round(seconds, 1), "decks": {}}
    yield out, folder / "notebooks", shots, report
    (artifacts / "handouts.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))


@pytest.fixture
def offline_page(browser):
    """A 1280×720 page that may load file: and data: URLs only; the others are refused and listed."""
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1)
    context.set_default_timeout(60_000)
    page = context.new_page()
    seen = {"outside": [], "failed": [], "errors": []}

    def local_only(route):
        if urlparse(route.request.url).scheme in ("file", "data"):
            route.continue_()
        else:
            seen["outside"].append(route.request.url)
            route.abort()
    page.route("**/*", local_only)
    page.on("request", lambda r: None if urlparse(r.url).scheme in ("file", "data") else seen["outside"].append(r.url))
    page.on("requestfailed", lambda r: seen["failed"].append(f"{r.url} ({r.failure})"))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    try:
        yield page, seen
    finally:
        context.close()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_deck_works_offline(notebook, handouts, offline_page):
    out, copies, shots, report = handouts
    page, seen = offline_page
    nb = nbformat.read(copies / notebook.name, as_version=4)
    deck = out / f"{notebook.stem}.slides.html"
    assert deck.exists(), f"the build made no {deck.name}"
    page.goto(deck.as_uri())
    page.wait_for_function(JS_STARTED, timeout=120_000)
    total = page.evaluate(JS_REVEAL)
    state = page.evaluate(JS_DECK)
    name = notebook.name

    assert total == slide_count(nb) == state["leaves"], (
        f"{name}: reveal counts {total} slides ({state['leaves']} sections), the notebook's metadata {slide_count(nb)}")
    assert state["jax"] > 0 and state["chtml"] > 0, f"{name}: MathJax typeset nothing"
    assert state["jax"] == state["mathScripts"], f"{name}: {state['mathScripts']} formulas, {state['jax']} typeset"
    assert not state["errors"], f"{name}: {state['errors']} TeX errors"
    assert not state["raw"], f"{name}: maths left as TeX: {state['raw'][:5]}"
    if any(o.get("data", {}).keys() & {"image/png", "image/svg+xml"} for c in nb.cells for o in c.get("outputs", [])):
        assert state["images"] > 0, f"{name}: the notebook has figures, the deck none"
    assert not state["broken"], f"{name}: {state['broken']} of {state['images']} images did not load"
    assert not state["widgetViews"], f"{name}: a panel left as an empty widget view"
    assert len(state["live"]) == widget_views(nb), f"{name}: {widget_views(nb)} panels, {len(state['live'])} notes"
    assert all(p["image"] for p in state["live"]), f"{name}: a panel's slide shows no figure"

    phrases = note_phrases(nb)
    hidden = " ".join(n["text"] for n in state["notes"])
    assert all(n["display"] == "none" for n in state["notes"]), f"{name}: a speaker note is displayed"
    for phrase in phrases:
        assert phrase in hidden, f"{name}: the note {phrase!r} is not among the deck's speaker notes"

    wanted = {}
    for h, v in page.evaluate(JS_INDICES):
        slide = page.evaluate(JS_GO, [h, v])
        assert (slide["h"], slide["v"]) == (h, v), f"{name}: could not go to slide {h}.{v}"
        shown = [p for p in phrases if p in slide["text"]]
        assert not shown, f"{name}: slide {h}.{v} shows its speaker notes: {shown[0]!r}"
        for kind, hit in (("title", (h, v) == (0, 0)), ("maths", slide["maths"] > 0),
                          ("figure", slide["images"] > 0 and not slide["panel"])):
            if hit and kind not in wanted:
                wanted[kind] = (h, v)
        if slide["panel"]:
            wanted[f"panel-{h}.{v}"] = (h, v)
    for kind, (h, v) in wanted.items():
        page.evaluate(JS_GO, [h, v])
        page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
        page.screenshot(path=str(shots / f"{notebook.stem}-{kind.split('-')[0]}-{h}.{v}.png"))

    assert not seen["outside"], f"{name}: requests left the folder: {seen['outside'][:5]}"
    assert not seen["failed"], f"{name}: files the deck asked for and did not get: {seen['failed'][:5]}"
    assert not seen["errors"], f"{name}: script errors: {seen['errors'][:3]}"
    report["decks"][name] = {"slides": total, "formulas": state["jax"], "images": state["images"],
                             "notes": len(state["notes"]), "panels": len(state["live"])}


def test_index_links_every_deck(handouts, offline_page):
    out, _, _, _ = handouts
    page, seen = offline_page
    page.goto((out / "index.html").as_uri())
    links = page.eval_on_selector_all("a", "as => as.map(a => a.getAttribute('href'))")
    assert sorted(links) == sorted(f"{p.stem}.slides.html" for p in NOTEBOOKS)
    assert not seen["outside"] and not seen["failed"]


def test_pdf_prints_every_slide(tmp_path, artifacts):
    """--pdf: Chromium prints a deck through reveal's print layout, a 1280×720 page (960×540 pt)
    per slide, a tall slide continuing on the next page."""
    notebook = tmp_path / "02_adagrad.ipynb"
    shutil.copy(REPO / "notebooks" / notebook.name, notebook)
    out = tmp_path / "site"
    build = subprocess.run([sys.executable, str(REPO / "tools" / "build_handouts.py"), str(notebook), "--pdf",
                            "--out", str(out), "--cache", str(REPO / ".lite-cache")], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL)
    assert build.returncode == 0, (build.stdout + build.stderr)[-3000:]
    pdf = out / "pdf" / "02_adagrad.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-"), f"{pdf} is not a PDF"
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    slides = slide_count(nbformat.read(notebook, as_version=4))
    assert slides <= pages <= 2 * slides, f"{pdf.name}: {pages} pages for {slides} slides"
    sizes = set(re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data))
    assert sizes == {b"0 0 960 540"}, f"{pdf.name}: page sizes {sizes}"
    (artifacts / "handouts").mkdir(exist_ok=True)
    shutil.copy(pdf, artifacts / "handouts" / pdf.name)
