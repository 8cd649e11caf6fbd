"""Build the handouts: each notebook's slides as a static reveal.js deck that works offline.

    python tools/build_handouts.py [notebooks …] [--out build/handouts] [--cache .lite-cache] [--pdf]

The decks are made from the committed, executed notebooks (their stored outputs; nothing is run)
by nbconvert's slides exporter, with every script, style sheet and font it loads served from the
output folder itself instead of a CDN:
- reveal.js, MathJax 2, require.js and jQuery are npm packages pinned in PACKAGES below, each
  tarball checked against npm's integrity hash (the approach and helper of tools/build_lite.py;
  the tarballs are kept in the cache folder's npm/, shared with the browser edition);
- the theme is reveal's "white", whose fonts ship inside reveal.js (nbconvert's default "simple"
  imports Google Fonts), and the template drops nbconvert's mermaid loader (an ES module from a
  CDN, which no notebook here uses);
- speaker notes (`notes` cells) stay in reveal's hidden notes (<kbd>S</kbd> opens the speaker
  view); `skip` cells are left out;
- a panel cannot run in a static file: its slide shows the figure the panel last drew, stored
  with the notebook, under a line saying that the panel is live in the notebook;
- links between notebooks point to the other decks.

The output folder holds one `NN_topic.slides.html` per notebook, an `index.html` listing them and
`_static/` with the shared files. It needs no server and no network: copy the folder (e.g. onto a
USB stick) and open `index.html` or a deck straight from the disk (file://). With --pdf each deck
is also printed to `pdf/NN_topic.pdf` by Chromium (playwright with /usr/bin/chromium, or
$RUGGED_CHROMIUM), through reveal's `?print-pdf` page layout.
"""

import argparse
import html
import html.parser
import os
import pathlib
import re
import shutil
import sys
import time

import nbformat
from jinja2 import DictLoader
from nbconvert.exporters import SlidesExporter
from nbconvert.preprocessors import CoalesceStreamsPreprocessor, Preprocessor
from traitlets.config import Config

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from build_lite import runtime  # noqa: E402  (npm pack + integrity check: one helper for both builds)

ROOT = pathlib.Path(__file__).resolve().parents[1]
STATIC = "_static"

# What the slides template loads, from npm. reveal.js 4.0.2 and MathJax 2.7.7 are the versions
# nbconvert's reveal template is written for (it calls MathJax 2's Hub API); require.js loads
# reveal; jQuery is only used by reveal's scrolling option but the template always loads it.
# `keep` selects the files shipped (paths inside the package; a trailing / keeps a folder).
PACKAGES = {
    "reveal.js": {
        "npm": "reveal.js@4.0.2",
        "integrity": "sha512-LWZSUenufF1gpD7npxJ7KfoQQFKgc1D6XrLTFgKlwWNP1BQ74hT48KONFWMAw+8R/QUeaScCLCLrBVHDfFIEiw==",
        "keep": ["LICENSE", "dist/reveal.js", "dist/reveal.css", "dist/theme/white.css",
                 "dist/theme/fonts/source-sans-pro/", "plugin/notes/notes.js"],
    },
    "mathjax": {
        "npm": "mathjax@2.7.7",
        "integrity": "sha512-OOl0B2/0tSJAtAZarXnQuLDBLgTNRqiI9VqHTQzPsxf4okT2iIpDrvaklK9x2QEMD1sDj4yRn11Ygci41DxMAQ==",
        # The TeX-AMS_CHTML-full configuration: TeX input, CommonHTML output (and the fast
        # preview), the TeX web fonts; the menu's other renderers and languages are left out.
        "keep": ["LICENSE", "MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js", "extensions/", "jax/input/TeX/",
                 "jax/element/", "jax/output/CommonHTML/", "jax/output/PreviewHTML/",
                 "fonts/HTML-CSS/TeX/woff/"],
    },
    "requirejs": {
        "npm": "requirejs@2.3.7",
        "integrity": "sha512-DouTG8T1WanGok6Qjg2SXuCMzszOo0eHeH9hDZ5Y4x8Je+9JB38HdTLT4/VA8OaUhBa0JPVHJ0pyBkM1z+pDsw==",
        "keep": ["README.md", "require.js"],
    },
    "jquery": {
        "npm": "jquery@3.7.1",
        "integrity": "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
        "keep": ["LICENSE.txt", "dist/jquery.min.js"],
    },
}

SLIDE_SIZE = (1280, 720)       # reveal scales this 16:9 page to the window (and to the PDF's page)
LIVE_NOTE = ("A live panel in the notebook: its controls run only with a kernel "
             "(JupyterLab, Binder or the browser edition).")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<style type="text/css">
.rugged-live-note { font-style: italic; color: #555; font-size: 0.8em; margin: 0.2em 0 0.6em; }
.reveal .jp-OutputArea-output img { max-height: 500px; width: auto; }
</style>
{%- endblock html_head_css -%}
"""


class HandoutOutputs(Preprocessor):
    """The outputs as a static page can show them. A panel's output (a widget view, which needs a
    kernel) becomes its stored figure, if it has one, under a line saying that the panel is live
    in the notebook. A stream left blank once its progress bars are collapsed (nbconvert's
    coalesce_streams, which runs first, keeps what a terminal would show) is dropped."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        outputs = []
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and not output.text.strip():
                continue
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                outputs.append(output)
                continue
            figure = {k: v for k, v in data.items() if k.startswith("image/")}
            outputs.append(nbformat.v4.new_output("display_data", data={
                "text/html": f'<p class="rugged-live-note">{html.escape(LIVE_NOTE)}</p>'}))
            if figure:
                outputs.append(nbformat.v4.new_output("display_data", data=figure,
                                                      metadata=output.get("metadata", {})))
        cell.outputs = outputs
        return cell, resources

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)       # no widget state: nbconvert then loads no widget manager
        return super().preprocess(nb, resources)


def unpack(cache, folder):
    """folder/<package>/…: the kept files of each pinned npm package (tarball checked first)."""
    for name, spec in PACKAGES.items():
        files = runtime(spec, cache)
        kept = 0
        for path, data in files.items():
            if any(path == k or (k.endswith("/") and path.startswith(k)) for k in spec["keep"]):
                target = folder / name / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                kept += 1
        missing = [k for k in spec["keep"] if not (folder / name / k).exists()]
        if missing:
            sys.exit(f"build_handouts: {spec['npm']} has no {missing}")
        print(f"  {spec['npm']}: {kept} files", flush=True)


def exporter():
    """nbconvert's slides exporter, with every library it loads taken from _static/."""
    static = STATIC
    c = Config()
    c.SlidesExporter.reveal_url_prefix = f"{static}/reveal.js"
    c.SlidesExporter.reveal_theme = "white"
    c.SlidesExporter.reveal_width = str(SLIDE_SIZE[0])
    c.SlidesExporter.reveal_height = str(SLIDE_SIZE[1])
    c.SlidesExporter.reveal_number = "c/t"
    c.SlidesExporter.reveal_scroll = True         # a slide taller than the screen scrolls (not in the PDF)
    c.SlidesExporter.mathjax_url = f"{static}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
    c.SlidesExporter.require_js_url = f"{static}/requirejs/require.js"
    c.SlidesExporter.jquery_url = f"{static}/jquery/dist/jquery.min.js"
    c.SlidesExporter.font_awesome_url = ""
    c.SlidesExporter.mermaid_js_url = ""
    c.SlidesExporter.template_file = "rugged_handout.html.j2"
    c.SlidesExporter.exclude_input_prompt = True
    c.SlidesExporter.exclude_output_prompt = True
    slides = SlidesExporter(config=c, extra_loaders=[DictLoader({"rugged_handout.html.j2": TEMPLATE})])
    slides.register_preprocessor(CoalesceStreamsPreprocessor(), enabled=True)
    slides.register_preprocessor(HandoutOutputs(), enabled=True)
    return slides


class Loads(html.parser.HTMLParser):
    """Every URL a page fetches by itself (scripts, style sheets, images, frames, CSS url()s);
    links the reader may click are not fetched and not listed."""

    def __init__(self):
        super().__init__()
        self.urls, self._style = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "embed", "audio", "video") and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        self._style = tag in ("style", "script")

    def handle_endtag(self, tag):
        self._style = False

    def handle_data(self, data):
        if self._style:
            self.urls += re.findall(r"""url\(\s*['"]?([^'")]+)""", data)
            self.urls += re.findall(r"""@import\s+['"]([^'"]+)""", data)
            self.urls += re.findall(r"""\bimport\s[^'"]*\bfrom\s+['"]([^'"]+)""", data)


def remote(urls):
    return sorted({u for u in urls if re.match(r"^(https?:)?//", u.strip(), re.I)})


def check_offline(out):
    """Fail if a deck or a shipped style sheet would fetch anything from the network."""
    problems = []
    for page in sorted(out.glob("*.html")):
        parser = Loads()
        parser.feed(page.read_text(encoding="utf-8"))
        problems += [f"{page.name}: {u}" for u in remote(parser.urls)]
        local = [u.split("?")[0] for u in parser.urls if not remote([u]) and not u.startswith("data:")]
        problems += [f"{page.name}: {u} is not in the folder" for u in local if u and not (out / u).exists()]
    for sheet in sorted((out / STATIC).rglob("*.css")):
        urls = re.findall(r"""url\(\s*['"]?([^'")]+)""", sheet.read_text(encoding="utf-8", errors="replace"))
        problems += [f"{sheet.relative_to(out)}: {u}" for u in remote(urls)]
    if problems:
        sys.exit("build_handouts: these would be fetched from the network:\n  " + "\n  ".join(problems))


def link_decks(body, names):
    """Links to another notebook of the course point to its deck."""
    pattern = r'href="(%s)\.ipynb(#[^"]*)?"' % "|".join(map(re.escape, names))
    return re.sub(pattern, lambda m: f'href="{m.group(1)}.slides.html{m.group(2) or ""}"', body)


def title_of(nb, fallback):
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def index_page(decks):
    rows = "\n".join(f'<li><a href="{html.escape(name)}.slides.html">{html.escape(title)}</a>'
                     + (f' · <a href="pdf/{html.escape(name)}.pdf">PDF</a>' if pdf else "") + "</li>"
                     for name, title, pdf in decks)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>rugged · slides</title>
<style>body {{ font-family: sans-serif; max-width: 48em; margin: 2em auto; line-height: 1.6; }}</style></head>
<body><h1>rugged · adaptive learning rates: slides</h1>
<p>Each notebook's slides with its stored figures; they need no network. Space or the arrow keys move
between slides, <kbd>S</kbd> opens the speaker notes. The panels are live only in the notebooks.</p>
<ul>
{rows}
</ul></body></html>
"""


def print_pdfs(out, names):
    """pdf/<name>.pdf: each deck printed by Chromium through reveal's print-pdf layout."""
    from playwright.sync_api import sync_playwright

    chromium = next((c for c in (os.environ.get("RUGGED_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"))
                     if c and os.access(c, os.X_OK)), None)
    if chromium is None:
        sys.exit("build_handouts: --pdf needs Chromium (/usr/bin/chromium, `chromium` on PATH or $RUGGED_CHROMIUM)")
    (out / "pdf").mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                                                   "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": SLIDE_SIZE[0], "height": SLIDE_SIZE[1]})
            for name in names:
                page.goto((out / f"{name}.slides.html").as_uri() + "?print-pdf&pdfSeparateFragments=false")
                page.wait_for_function("() => document.querySelector('.reveal.ready') && window.MathJax && MathJax.Hub"
                                       " && MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running",
                                       timeout=120_000)
                page.wait_for_function("() => Array.from(document.images).every(i => i.complete)", timeout=60_000)
                page.pdf(path=str(out / "pdf" / f"{name}.pdf"), width=f"{SLIDE_SIZE[0]}px",
                         height=f"{SLIDE_SIZE[1]}px", print_background=True,
                         margin={"top": "0", "bottom": "0", "left": "0", "right": "0"})
        finally:
            browser.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path,
                        help="the notebooks (default: every notebooks/NN_*.ipynb)")
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "build" / "handouts")
    parser.add_argument("--cache", type=pathlib.Path, default=ROOT / ".lite-cache",
                        help="where the npm tarballs are kept (shared with tools/build_lite.py)")
    parser.add_argument("--pdf", action="store_true", help="also print each deck to pdf/NN_topic.pdf (Chromium)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    notebooks = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for path in notebooks:
        if not path.is_file() or path.suffix != ".ipynb":
            sys.exit(f"build_handouts: {path} is not a notebook file")
    out, cache = args.out.resolve(), args.cache.resolve()
    cache.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    unpack(cache, out / STATIC)
    slides = exporter()
    course = [p.stem for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
    decks = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        if any(c.cell_type == "markdown" and "```mermaid" in c.source for c in nb.cells):
            sys.exit(f"build_handouts: {path.name} has a mermaid diagram, which these decks cannot draw offline")
        body, _ = slides.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        (out / f"{path.stem}.slides.html").write_text(link_decks(body, course), encoding="utf-8")
        decks.append((path.stem, title_of(nb, path.stem), args.pdf))
        print(f"  {path.stem}.slides.html", flush=True)
    (out / "index.html").write_text(index_page(decks), encoding="utf-8")
    check_offline(out)
    if args.pdf:
        print_pdfs(out, [name for name, _, _ in decks])
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"built {out}: {len(decks)} decks, {size / 2**20:.1f} MiB, in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
