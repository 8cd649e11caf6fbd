"""The Chinese edition, built from the English source and gettext catalogs.

    python tools/i18n.py update [NAMES]    # sync the catalogs with the English source
    python tools/i18n.py build [--execute] # write notebooks/zh/*.ipynb and README.zh.md
    python tools/i18n.py compile           # lib/rugged/locale/zh/*.po -> lib/rugged/locale/zh.mo
    python tools/i18n.py check             # list what is missing, stale or out of date

The English notebooks and README are the source. Their translations live in gettext `.po`
files that translators' tools (Poedit, Lokalize, Weblate …) open:

- `i18n/zh/NN_topic.po`: one entry per markdown cell of `notebooks/NN_topic.ipynb`, keyed by the
  cell's id (msgctxt), its msgid the English text it translates;
- `i18n/zh/README.po`: one entry per block of README.md (a paragraph, a list, a table, a
  heading); fenced code is copied as it is, except a block with comments or a notebook's path
  (msgctxt "code N"), whose translation keeps its code and changes only those;
- `lib/rugged/locale/zh/<module>.po`: the strings each library module passes to `rugged.i18n.tr`.

`update` keeps every translation whose English is unchanged; when the English of an entry
changed, it keeps the old translation but marks it fuzzy (gettext's "needs review") with the
English it was made from, so a test fails until a translator updates it. `build` copies the
English notebooks with code cells unchanged and markdown cells replaced by their translations
into `notebooks/zh/`, where the library speaks Chinese (see `rugged.i18n`), then (with
`--execute`) runs them to store their outputs.
"""

import argparse
import ast
import copy
import difflib
import pathlib
import re
import string
import sys

import nbformat
import polib

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
LIB = ROOT / "lib" / "rugged"
LANGS = ("zh",)
LANGUAGE_NAMES = {"zh": "zh_CN"}
KEYWORDS = {"tr": 1, "ntr": 2}      # the library's translation calls and how many messages each takes


def catalog_dir(lang):
    return ROOT / "i18n" / lang


def edition_dir(lang):
    return NOTEBOOKS / lang


def english_notebooks():
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def new_catalog(lang, title):
    po = polib.POFile(wrapwidth=100)
    po.metadata = {
        "Project-Id-Version": "rugged",
        "Language": LANGUAGE_NAMES[lang],
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    po.header = f"{title}\nMade and updated by tools/i18n.py; translate the msgstr of each entry."
    return po


def load(path, lang, title):
    if path.exists():
        po = polib.pofile(str(path), wrapwidth=100)
        po.header = new_catalog(lang, title).header
        return po
    return new_catalog(lang, title)


def _key(entry):
    return entry.msgctxt, entry.msgid, entry.msgid_plural


def merge(old, wanted, lang, title):
    """A catalog with the entries `wanted` (polib entries with msgctxt/msgid, empty msgstr),
    keeping old translations: unchanged English keeps them as they are; changed English (same
    msgctxt, or a close msgid when there is no msgctxt) keeps them marked fuzzy, with the
    previous English; entries no longer wanted are dropped."""
    po = new_catalog(lang, title)
    po.metadata.update({k: v for k, v in old.metadata.items() if k not in po.metadata})
    exact = {_key(e): e for e in old if not e.obsolete}
    by_context = {e.msgctxt: e for e in old if e.msgctxt and not e.obsolete}
    unkeyed = [e for e in old if not e.obsolete]
    for entry in wanted:
        previous = exact.get(_key(entry))
        if previous is not None:
            entry.msgstr, entry.msgstr_plural = previous.msgstr, dict(previous.msgstr_plural)
            entry.flags = list(previous.flags)
            entry.previous_msgid = previous.previous_msgid
            entry.tcomment = previous.tcomment
        else:
            previous = by_context.get(entry.msgctxt) if entry.msgctxt else None
            if previous is None and not entry.msgctxt:
                close = difflib.get_close_matches(entry.msgid, [e.msgid for e in unkeyed], n=1, cutoff=0.6)
                previous = next((e for e in unkeyed if close and e.msgid == close[0]), None)
            if previous is not None and (previous.msgstr or previous.msgstr_plural):
                entry.msgstr, entry.msgstr_plural = previous.msgstr, dict(previous.msgstr_plural)
                entry.flags = sorted(set(previous.flags) | {"fuzzy"})
                entry.previous_msgid = previous.previous_msgid or previous.msgid
                entry.tcomment = previous.tcomment
        po.append(entry)
    return po


# ---- notebooks -------------------------------------------------------------------------

def notebook_entries(path):
    nb = nbformat.read(path, as_version=4)
    entries = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            slide = cell.metadata.get("slideshow", {}).get("slide_type", "-")
            entries.append(polib.POEntry(msgctxt=cell.id, msgid=cell.source, msgstr="",
                                         comment=f"markdown cell, slide type {slide}"))
    return entries


# ---- README ----------------------------------------------------------------------------

def readme_blocks(text):
    """README.md as blocks: ("code", text) for fenced code (kept as it is) and ("text", text)
    for everything else, split at blank lines."""
    blocks, current, fence = [], [], None
    for line in text.split("\n"):
        if fence is not None:
            current.append(line)
            if line.strip().startswith(fence):
                blocks.append(("code", "\n".join(current)))
                current, fence = [], None
            continue
        if line.strip().startswith(("```", "~~~")):
            if current:
                blocks.append(("text", "\n".join(current)))
            current, fence = [line], line.strip()[:3]
            continue
        if not line.strip():
            if current:
                blocks.append(("text", "\n".join(current)))
                current = []
            continue
        current.append(line)
    if current:
        blocks.append(("code" if fence else "text", "\n".join(current)))
    return blocks


CODE_BLOCK = re.compile(r"code \d+$")    # the msgctxt of a README code block


def translatable_code(block):
    """A fenced code block that an edition adapts: one with comments or a notebook's path (a
    command that opens the course opens the edition's own notebook)."""
    return bool(re.search(r"#|notebooks/", block))


def readme_entries():
    """README.md's text blocks, and its code blocks that an edition adapts (msgctxt "code N", N
    counting those blocks from 1)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    seen, entries, codes = set(), [], 0
    for kind, block in readme_blocks(text):
        if (kind == "text" or translatable_code(block)) and block not in seen:
            seen.add(block)
            codes += kind == "code"
            entries.append(polib.POEntry(msgid=block, msgstr="", msgctxt=f"code {codes}" if kind == "code" else None))
    return entries


# ---- the library -----------------------------------------------------------------------

def library_messages():
    """{module: [(msgid, msgid_plural or None, line)]} of every tr()/ntr() call in the package,
    and the calls whose messages are not string literals (which cannot be translated)."""
    found, bad = {}, []
    for path in sorted(LIB.rglob("*.py")):
        module = ".".join(path.relative_to(LIB.parent).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            if name not in KEYWORDS or (isinstance(node.func, ast.Attribute)
                                        and not (isinstance(node.func.value, ast.Name)
                                                 and node.func.value.id == "i18n")):
                continue
            args = node.args[:KEYWORDS[name]]
            if len(args) < KEYWORDS[name] or not all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                                     for a in args):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}() needs literal strings")
                continue
            found.setdefault(module, []).append((args[0].value, args[1].value if name == "ntr" else None,
                                                 node.lineno))
    return found, bad


def library_catalog_path(lang, module):
    return LIB / "locale" / lang / f"{module.removeprefix('rugged.')}.po"


def library_wanted(messages, module):
    entries, seen = [], {}
    for msgid, plural, line in messages:
        key = (msgid, plural)
        if key in seen:
            seen[key].occurrences.append((f"lib/{module.replace('.', '/')}.py", str(line)))
            continue
        entry = polib.POEntry(msgid=msgid, msgstr="", occurrences=[(f"lib/{module.replace('.', '/')}.py", str(line))])
        if plural is not None:
            entry.msgid_plural, entry.msgstr_plural = plural, {0: ""}
        if "{" in msgid:
            entry.flags.append("python-brace-format")
        seen[key] = entry
        entries.append(entry)
    return entries


def compiled_catalog(lang):
    """All of `lang`'s library catalogs as one polib catalog (translated entries only)."""
    po = new_catalog(lang, "rugged's library messages")
    seen = {}
    for path in sorted((LIB / "locale" / lang).glob("*.po")):
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags or not entry.translated():
                continue
            key = (entry.msgctxt, entry.msgid)
            if key in seen:
                continue
            seen[key] = entry
            po.append(copy.copy(entry))
    return po


def shown_labels(lang):
    """{English: translation} of the library's messages without format fields (labels, headers)."""
    return {entry.msgid: entry.msgstr for entry in compiled_catalog(lang)
            if not entry.msgid_plural and "{" not in entry.msgid}


def mo_path(lang):
    return LIB / "locale" / f"{lang}.mo"


def mo_bytes(lang):
    """The .mo file of `lang`'s library catalogs, as bytes (deterministic)."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        target = pathlib.Path(tmp) / "out.mo"
        compiled_catalog(lang).save_as_mofile(str(target))
        return target.read_bytes()


# ---- commands --------------------------------------------------------------------------

def update(lang, only=()):
    """Sync the catalogs with the English: all of them, or only the notebooks (stems such as
    05_adam), "README" and library modules (such as rugged.lessons.adam) named in `only`."""
    only = set(only)
    wanted = lambda name: not only or name in only   # noqa: E731
    out = catalog_dir(lang)
    out.mkdir(parents=True, exist_ok=True)
    for path in english_notebooks():
        if wanted(path.stem):
            target = out / f"{path.stem}.po"
            title = f"Chinese translation of notebooks/{path.name}"
            merge(load(target, lang, title), notebook_entries(path), lang, title).save(str(target))
    if wanted("README"):
        target, title = out / "README.po", "Chinese translation of README.md"
        merge(load(target, lang, title), readme_entries(), lang, title).save(str(target))
    messages, bad = library_messages()
    for line in bad:
        print(line, file=sys.stderr)
    folder = LIB / "locale" / lang
    folder.mkdir(parents=True, exist_ok=True)
    for module, found in messages.items():
        if wanted(module):
            target = library_catalog_path(lang, module)
            title = f"Chinese translation of the messages of {module}"
            merge(load(target, lang, title), library_wanted(found, module), lang, title).save(str(target))
    if not only:
        for stale in folder.glob("*.po"):
            if f"rugged.{stale.stem}" not in messages:
                stale.unlink()


LINK = re.compile(r"(\]\(|src=\"|href=\")\.\./(?!\d\d_[\w-]+\.ipynb)")


def wide(char):
    """A CJK character or full-width punctuation (no space belongs between two of them)."""
    return "\u2e80" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"


def join_wide_lines(text):
    """Join the lines of a paragraph where a break falls between two CJK characters: a browser
    shows such a break as a space, which Chinese does not have. Headings, tables, list items,
    fenced code and display maths keep their lines."""
    lines, out, fenced = text.split("\n"), [], False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(("```", "$$")):
            fenced = not fenced if stripped.count("$$") != 2 else fenced
        previous = out[-1] if out else ""
        if (out and not fenced and previous and stripped and wide(previous[-1]) and wide(stripped[0])
                and not previous.lstrip().startswith(("#", "|")) and not stripped.startswith(("#", "|", ">"))):
            out[-1] = previous + stripped
        else:
            out.append(line)
    return "\n".join(out)


def localize_markdown(text):
    """A markdown cell moved one folder down: links that leave notebooks/ gain a `../`
    (except `../NN_topic.ipynb`, which from notebooks/zh/ is the English notebook); lines broken
    between two Chinese characters are joined."""
    return join_wide_lines(LINK.sub(lambda m: m.group(1) + "../../", text))


def translations(lang, stem):
    path = catalog_dir(lang) / f"{stem}.po"
    if not path.exists():
        return None
    return {e.msgctxt: e for e in polib.pofile(str(path)) if not e.obsolete}


def built_notebook(lang, path):
    """The `lang` edition of the English notebook at `path` (outputs are those of the English)."""
    nb = nbformat.read(path, as_version=4)
    entries = translations(lang, path.stem) or {}
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            entry = entries.get(cell.id)
            if entry is None or not entry.msgstr or "fuzzy" in entry.flags or entry.msgid != cell.source:
                raise ValueError(f"{path.name}: cell {cell.id} has no current {lang} translation")
            cell.source = localize_markdown(entry.msgstr)
    out.metadata["rugged"] = {"lang": lang, "source": f"../{path.name}"}
    return out


def built_readme(lang):
    po = polib.pofile(str(catalog_dir(lang) / "README.po"))
    entries = {e.msgid: e for e in po if not e.obsolete}
    parts = []
    for kind, block in readme_blocks((ROOT / "README.md").read_text(encoding="utf-8")):
        if kind == "code" and not translatable_code(block):
            parts.append(block)
            continue
        entry = entries.get(block)
        if entry is None or not entry.msgstr or "fuzzy" in entry.flags:
            raise ValueError(f"README.md: a block has no current {lang} translation: {block[:60]!r}")
        parts.append(entry.msgstr)
    return ("<!-- Built from README.md and i18n/" + lang + "/README.po by tools/i18n.py; edit those. -->\n\n"
            + "\n\n".join(parts) + "\n")


def same_outputs(old, new):
    """Whether a built notebook only differs from the stored one in its outputs (its cells'
    sources, slide types and tags are the same)."""
    strip = lambda nb: [(c.cell_type, c.id, c.source, c.metadata.get("slideshow"),   # noqa: E731
                         c.metadata.get("tags")) for c in nb.cells]
    return strip(old) == strip(new)


def build(lang, execute=False, only=None, force=False):
    folder = edition_dir(lang)
    folder.mkdir(exist_ok=True)
    written = []
    for path in english_notebooks():
        if only and path.stem not in only:
            continue
        if translations(lang, path.stem) is None:
            continue
        nb = built_notebook(lang, path)
        target = folder / path.name
        if target.exists() and same_outputs(nbformat.read(target, as_version=4), nb) and not force:
            continue
        nbformat.write(nb, target)
        written.append(target)
    if (catalog_dir(lang) / "README.po").exists() and (not only or "README" in only):
        (ROOT / f"README.{lang}.md").write_text(built_readme(lang), encoding="utf-8")
    if execute and written:
        sys.path.insert(0, str(ROOT / "tools"))
        import execute_notebooks
        execute_notebooks.main([str(p) for p in written])
    return written


def compile_catalogs(lang):
    mo_path(lang).write_bytes(mo_bytes(lang))


CODE = re.compile(r"(`+)(.+?)\1", re.S)
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$", re.S)
TARGET = re.compile(r"\]\(([^)\s]+)[^)]*\)|(?:src|href)=\"([^\"]+)\"")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
WORDS_IN_MATH = re.compile(r"\\text\{[^{}]*\}")     # a formula's words (translated, and placed as the language needs)


def same_page(target):
    """A link target with the edition taken out: an edition links to its own pages
    (notebooks/zh/…, README.zh.md) where the English links to the English ones, and the language
    switch links from each to the other (zh/NN.ipynb, ../NN.ipynb)."""
    target = target.replace("/zh/", "/").replace(".zh.md", ".md")
    target = re.sub(r"^(zh/|\.\./)(?=\d\d_[\w-]+\.ipynb)", "", target)
    return target


def format_fields(message):
    """The replacement fields of a str.format message (name, conversion, spec), sorted, and the
    message's literal text without them; (None, message) if it is not a valid format string."""
    try:
        parsed = list(string.Formatter().parse(message))
    except ValueError:
        return None, message
    fields = sorted(f"{name}{'!' + conv if conv else ''}{':' + spec if spec else ''}"
                    for _, name, spec, conv in parsed if name is not None)
    return fields, "".join(literal for literal, *_ in parsed)


def invariants(text, fields=False):
    """What a translation keeps exactly: code spans, maths (but for the words of its \\text{…} and
    its spacing),
    link targets, numbers (and, for a library message, its format fields), each as a sorted list."""
    found = {}
    if fields:
        names, text = format_fields(text)
        found["field"] = names or []
    for name, pattern in (("code", CODE), ("display math", DISPLAY_MATH), ("math", INLINE_MATH)):
        found[name] = sorted(same_page(m.group(m.lastindex)) if name == "code"
                             else re.sub(r"\s+", "", WORDS_IN_MATH.sub("", m.group(1))) for m in pattern.finditer(text))
        text = pattern.sub(" ", text)
    found["link"] = sorted(same_page(a or b) for a, b in TARGET.findall(text))
    text = TARGET.sub(" ", text)
    found["number"] = sorted(NUMBER.findall(text))
    return found


def emphasis(text):
    """How many bold and italic spans `text` renders to, and how many `*` are left over as text
    (CommonMark does not close `**问题。**` when a Chinese character follows the `**`)."""
    import mistune
    text = CODE.sub("C", DISPLAY_MATH.sub("M", INLINE_MATH.sub("M", text)))
    html = mistune.create_markdown(plugins=["table"])(text)
    return html.count("<strong>"), html.count("<em>"), re.sub(r"<[^>]+>", "", html).count("*")


def code_mismatches(msgid, msgstr):
    """A code block's translation keeps every line's code; only its comments and the edition of the
    notebooks it opens change."""
    def code(text):
        return [same_page(re.sub(r"\s*#.*$", "", line)) for line in text.split("\n")]
    return [] if code(msgid) == code(msgstr) else [f"code: English has {code(msgid)}, translation has {code(msgstr)}"]


def entry_mismatches(entry, labels=None):
    """`mismatches` of a notebook's or README's catalog entry (`code_mismatches` for a README code block)."""
    text = entry.msgstr or entry.msgstr_plural.get(0, "")
    if CODE_BLOCK.match(entry.msgctxt or ""):
        return code_mismatches(entry.msgid, text)
    return mismatches(entry.msgid, text, labels=labels)


def mismatches(msgid, msgstr, fields=False, labels=None):
    """The invariants of `msgid` that `msgstr` does not keep, as readable lines; for markdown
    (not a library message) also bold or italic text that does not render.

    labels: {English: shown} of the library's translated messages. A code span of the English that
    names a label the library shows translated (a table's column, a panel's control) may be given
    as that translation instead, so that the text names what the student sees."""
    source, target = invariants(msgid, fields), invariants(msgstr, fields)
    if labels:
        spans = [span for span in source["code"] if span not in target["code"]
                 and labels.get(span, span) != span and labels[span] in msgstr]
        source["code"] = [span for span in source["code"] if span not in spans]
        target["code"] = [span for span in target["code"] if span not in {labels[s] for s in spans}]
    found = [f"{name}: English has {source[name]}, translation has {target[name]}"
             for name in source if source[name] != target[name]]
    if not fields and emphasis(msgid) != emphasis(msgstr):
        found.append(f"bold/italic spans and stray *: English renders {emphasis(msgid)}, "
                     f"translation {emphasis(msgstr)}")
    return found


def conflicts(lang):
    """Library messages that two catalogs translate differently ({msgid: {catalog: translation}}):
    the compiled catalog holds one translation per message, so they must agree."""
    seen = {}
    for path in sorted((LIB / "locale" / lang).glob("*.po")):
        for entry in polib.pofile(str(path)):
            if not entry.obsolete and entry.translated():
                text = dict(entry.msgstr_plural) if entry.msgid_plural else entry.msgstr
                seen.setdefault((entry.msgctxt, entry.msgid), {})[path.stem] = text
    return {msgid: versions for (_, msgid), versions in seen.items()
            if len({str(v) for v in versions.values()}) > 1}


def problems(lang):
    """Everything that keeps the `lang` edition from matching the English source."""
    found, labels = [], shown_labels(lang)
    for po_path in sorted(catalog_dir(lang).glob("*.po")):
        for entry in polib.pofile(str(po_path)):
            where = f"{po_path.relative_to(ROOT)}: {entry.msgctxt or entry.msgid[:50]!r}"
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                found.append(f"{where}: stale (the English changed)")
            elif not entry.msgstr and not any(entry.msgstr_plural.values()):
                found.append(f"{where}: not translated")
            else:
                for line in entry_mismatches(entry, labels):
                    found.append(f"{where}: {line}")
    for msgid, versions in conflicts(lang).items():
        found.append(f"lib/rugged/locale/{lang}/*.po: {msgid[:50]!r}: translated differently: {versions}")
    for po_path in sorted((LIB / "locale" / lang).glob("*.po")):
        for entry in polib.pofile(str(po_path)):
            where = f"{po_path.relative_to(ROOT)}: {entry.msgid[:50]!r}"
            if entry.obsolete:
                continue
            translated = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
            if "fuzzy" in entry.flags:
                found.append(f"{where}: stale (the English changed)")
            elif not translated:
                found.append(f"{where}: not translated")
            else:
                for line in mismatches(entry.msgid, translated, fields=True):
                    found.append(f"{where}: {line}")
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["update", "build", "compile", "check"])
    parser.add_argument("--lang", default="zh", choices=LANGS)
    parser.add_argument("--execute", action="store_true", help="run the built notebooks and store their outputs")
    parser.add_argument("--force", action="store_true", help="rewrite (and run) every notebook, changed or not")
    parser.add_argument("notebooks", nargs="*",
                        help="only these: notebooks (02_adagrad), README, library modules (rugged.lessons.adam)")
    args = parser.parse_intermixed_args(argv)
    if args.command == "update":
        update(args.lang, args.notebooks)
    elif args.command == "build":
        for path in build(args.lang, execute=args.execute, only=set(args.notebooks), force=args.force):
            print(path.relative_to(ROOT))
    elif args.command == "compile":
        compile_catalogs(args.lang)
    else:
        only = {name.removeprefix("rugged.") + ".po" for name in args.notebooks}
        for line in problems(args.lang):
            if not only or line.split(":")[0].rsplit("/", 1)[-1] in only:
                print(line)


if __name__ == "__main__":
    main()
