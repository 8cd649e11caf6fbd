"""The Chinese edition: the language switch, the catalogs, the font and the built notebooks.

The English notebooks and README are the source; tools/i18n.py builds the Chinese ones from
them and the gettext catalogs in i18n/zh/ (notebook markdown, README) and lib/rugged/locale/zh/
(the library's messages). These tests fail when a translation is missing or stale (its English
changed), when a translation drops a formula, a number, a code span, a link or a format field,
when the compiled catalog or a built notebook is out of date, and when a Chinese character in a
catalog is missing from the font that ships with the package.
"""

import importlib.util
import pathlib

import matplotlib
import nbformat
import polib
import pytest

from rugged import i18n, style
from zh_support import every_glyph

ROOT = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)
font_spec = importlib.util.spec_from_file_location("font_tool", ROOT / "tools" / "make_cjk_font.py")

CATALOGS = sorted((ROOT / "i18n" / "zh").glob("*.po"))
NOTEBOOK_CATALOGS = [p for p in CATALOGS if p.stem != "README"]
LIBRARY_CATALOGS = sorted((ROOT / "lib" / "rugged" / "locale" / "zh").glob("*.po"))


# ---- choosing the language --------------------------------------------------------------

def test_english_is_the_default_and_returns_the_message_itself(monkeypatch, tmp_path):
    monkeypatch.delenv("RUGGED_LANG", raising=False)
    monkeypatch.chdir(tmp_path)
    i18n.set_language(None)
    assert i18n.language() == "en"
    assert i18n.tr("Loss") == "Loss"
    assert i18n.ntr("{n} step", "{n} steps", 1) == "{n} step"
    assert i18n.ntr("{n} step", "{n} steps", 3) == "{n} steps"


def test_the_environment_and_the_chinese_folder_choose_chinese(monkeypatch, tmp_path):
    i18n.set_language(None)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RUGGED_LANG", "zh")
    assert i18n.language() == "zh"
    monkeypatch.delenv("RUGGED_LANG")
    folder = tmp_path / "notebooks" / "zh"
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    assert i18n.language() == "zh"
    monkeypatch.setenv("RUGGED_LANG", "en")            # the environment wins over the folder
    assert i18n.language() == "en"
    i18n.set_language("zh")                              # and a call wins over both
    try:
        assert i18n.language() == "zh"
    finally:
        i18n.set_language(None)


@pytest.mark.parametrize("bad", ["fr", "", None, 3, "english", ["zh"]])
def test_an_unknown_language_is_refused_with_its_name(bad):
    if bad is None:
        assert i18n.set_language(None) in i18n.LANGUAGES
        return
    with pytest.raises(ValueError, match="Invalid language"):
        i18n.set_language(bad)
    with pytest.raises(ValueError, match="Invalid language"):
        style.use(lang=bad)


def test_the_environment_variable_is_checked(monkeypatch):
    i18n.set_language(None)
    monkeypatch.setenv("RUGGED_LANG", "klingon")
    with pytest.raises(ValueError, match="klingon"):
        i18n.language()


def test_display_width_and_pad_count_a_chinese_character_as_two_columns():
    assert i18n.display_width("Adam") == 4
    assert i18n.display_width("学习率 η") == 8
    assert i18n.pad("学习率", 8, ">") == "  学习率"
    assert i18n.pad("ab", 5, "^") == " ab  "
    assert i18n.pad("toolong", 3) == "toolong"


# ---- the font ---------------------------------------------------------------------------

def test_the_font_ships_with_the_package_and_is_used_in_both_languages(zh):
    path = pathlib.Path(str(i18n.font_path()))
    assert path.exists() and path.stat().st_size < 2_000_000
    assert (path.parent / "OFL.txt").exists(), "the font's licence ships beside it"
    style.use()
    assert matplotlib.rcParams["font.family"][:2] == [i18n.CJK_FAMILY, i18n.LATIN_FAMILY]
    style.use(lang="en")
    assert matplotlib.rcParams["font.family"][:2] == [i18n.LATIN_FAMILY, i18n.CJK_FAMILY]


def catalog_characters():
    chars = set()
    for path in LIBRARY_CATALOGS:
        for entry in polib.pofile(str(path)):
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                chars.update(text)
    for path in (ROOT / "lib" / "rugged").rglob("*.py"):
        chars.update(path.read_text(encoding="utf-8"))
    font_tool = importlib.util.module_from_spec(font_spec)
    font_spec.loader.exec_module(font_tool)
    return font_tool.needed("".join(chars))


@pytest.mark.parametrize("name", i18n.CJK_FONTS)
def test_the_font_has_every_chinese_character_the_library_uses(name):
    from matplotlib.ft2font import FT2Font
    path = pathlib.Path(str(i18n.font_path())).with_name(name)
    font = FT2Font(str(path))
    assert font.family_name == i18n.CJK_FAMILY
    have = set(font.get_charmap())
    missing = [c for c in catalog_characters() if ord(c) not in have]
    assert not missing, f"run tools/make_cjk_font.py: {name} lacks {''.join(missing)}"


def test_a_chinese_figure_with_maths_draws_every_glyph(zh):
    import matplotlib.pyplot as plt
    style.use()
    text = "".join(catalog_characters()[:40]) or "中文"
    fig, ax = plt.subplots()
    try:
        ax.set_title(text + r" $\eta^t$ 1,000", fontweight="bold")
        ax.set_xlabel(text)
        with every_glyph():
            fig.canvas.draw()
    finally:
        plt.close(fig)


# ---- the library's catalogs -------------------------------------------------------------

def test_every_message_the_library_translates_is_a_literal():
    _, bad = tool.library_messages()
    assert not bad


def test_every_library_message_has_a_current_chinese_translation():
    messages, _ = tool.library_messages()
    for module, found in messages.items():
        path = tool.library_catalog_path("zh", module)
        assert path.exists(), f"{module} has messages and no catalog: run tools/i18n.py update {module}"
        entries = {(e.msgid, e.msgid_plural or None): e for e in polib.pofile(str(path)) if not e.obsolete}
        for msgid, plural, line in found:
            entry = entries.get((msgid, plural))
            assert entry is not None, f"{module}:{line}: {msgid!r} is not in {path.name} (run tools/i18n.py update)"
            assert "fuzzy" not in entry.flags, f"{path.name}: {msgid!r} is stale"
            assert entry.msgstr or all(entry.msgstr_plural.values()), f"{path.name}: {msgid!r} is not translated"
        stale = set(entries) - {(m, p) for m, p, _ in found}
        assert not stale, f"{path.name} holds messages the code no longer has: {sorted(stale)[:3]}"


def test_a_message_has_one_translation_in_every_catalog():
    assert not tool.conflicts("zh"), "the same English translated differently in two modules"


def test_no_catalog_without_a_module():
    messages, _ = tool.library_messages()
    for path in LIBRARY_CATALOGS:
        assert f"rugged.{path.stem}" in messages, f"{path.name} has no module"


@pytest.mark.parametrize("path", CATALOGS + LIBRARY_CATALOGS, ids=lambda p: p.name)
def test_translations_keep_formulas_numbers_code_links_and_fields(path):
    fields = path in LIBRARY_CATALOGS
    labels = None if fields else tool.shown_labels("zh")
    for entry in polib.pofile(str(path)):
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if entry.obsolete or not any(texts):
            continue
        found = tool.mismatches(entry.msgid, texts[0], fields=True) if fields else tool.entry_mismatches(entry, labels)
        found += [line for text in texts[1:] for line in tool.mismatches(entry.msgid, text, fields=fields)]
        assert not found, (entry.msgctxt or entry.msgid[:60], found)


def test_the_compiled_catalog_is_up_to_date():
    path = tool.mo_path("zh")
    assert path.exists()
    assert path.read_bytes() == tool.mo_bytes("zh"), "run tools/i18n.py compile"


def sample_arguments(message):
    """Positional and keyword arguments for `message`'s fields that their format specs accept."""
    names, _ = tool.format_fields(message)
    args, kwargs, auto = [], {}, 0
    for field in names or []:
        name, _, spec = field.partition(":")
        name = name.split("!")[0]
        value = next((v for v in (1234, 1.5, "X") if _formats(v, spec)), "X")
        if name == "":
            args.append(value)
            auto += 1
        elif name.isdigit():
            args += [value] * (int(name) + 1 - len(args))
        else:
            kwargs[name.split(".")[0].split("[")[0]] = value
    return args, kwargs


def _formats(value, spec):
    try:
        format(value, spec)
        return True
    except (ValueError, TypeError):
        return False


def test_a_translated_message_formats_like_its_english(zh):
    for entry in tool.compiled_catalog("zh"):
        names, _ = tool.format_fields(entry.msgid)
        if not names:
            continue
        args, kwargs = sample_arguments(entry.msgid)
        entry.msgid.format(*args, **kwargs)
        for text in (entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]):
            assert text.format(*args, **kwargs), entry.msgid


# ---- the notebooks and the README -------------------------------------------------------

def test_every_english_notebook_has_a_chinese_edition():
    english = {p.stem for p in tool.english_notebooks()}
    assert {p.stem for p in NOTEBOOK_CATALOGS} == english
    assert {p.stem for p in (ROOT / "notebooks" / "zh").glob("*.ipynb")} == english


@pytest.mark.parametrize("path", NOTEBOOK_CATALOGS, ids=lambda p: p.stem)
def test_a_notebook_catalog_is_complete_and_current(path):
    english = ROOT / "notebooks" / f"{path.stem}.ipynb"
    assert english.exists(), f"{path.name} translates a notebook that does not exist"
    cells = {e.msgctxt: e.msgid for e in tool.notebook_entries(english)}
    entries = {e.msgctxt: e for e in polib.pofile(str(path)) if not e.obsolete}
    assert set(entries) == set(cells), "run tools/i18n.py update: cells were added or removed"
    for key, entry in entries.items():
        assert entry.msgid == cells[key], f"{path.name}: cell {key}'s English changed: run tools/i18n.py update"
        assert "fuzzy" not in entry.flags, f"{path.name}: cell {key} is stale (its English changed)"
        assert entry.msgstr.strip(), f"{path.name}: cell {key} is not translated"


@pytest.mark.parametrize("path", NOTEBOOK_CATALOGS, ids=lambda p: p.stem)
def test_a_chinese_notebook_is_its_english_with_translated_markdown(path):
    built = ROOT / "notebooks" / "zh" / f"{path.stem}.ipynb"
    assert built.exists(), f"run tools/i18n.py build --execute {path.stem}"
    english = nbformat.read(ROOT / "notebooks" / f"{path.stem}.ipynb", as_version=4)
    chinese = nbformat.read(built, as_version=4)
    expected = tool.built_notebook("zh", ROOT / "notebooks" / f"{path.stem}.ipynb")
    assert [c.id for c in chinese.cells] == [c.id for c in english.cells]
    for mine, theirs, want in zip(chinese.cells, english.cells, expected.cells):
        assert mine.cell_type == theirs.cell_type
        assert mine.metadata.get("slideshow") == theirs.metadata.get("slideshow")
        if mine.cell_type == "code":
            assert mine.source == theirs.source, f"code cell {mine.id} differs from the English"
            assert mine.metadata.get("tags") == theirs.metadata.get("tags")
        else:
            assert mine.source == want.source, f"markdown cell {mine.id} is not its current translation"
    assert chinese.metadata.get("rugged", {}).get("lang") == "zh"


def test_the_chinese_readme_is_built_from_the_current_catalog():
    if not (ROOT / "i18n" / "zh" / "README.po").exists():
        pytest.fail("i18n/zh/README.po is missing")
    assert (ROOT / "README.zh.md").read_text(encoding="utf-8") == tool.built_readme("zh")


def test_the_chinese_readme_links_and_images_resolve():
    import re
    readme = (ROOT / "README.zh.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", readme) + re.findall(r'src="([^"]+)"', readme)
    local = [t.split("#")[0] for t in targets if not re.match(r"[a-z]+:", t) and t.split("#")[0]]
    assert any("notebooks/zh/" in t for t in local), "the Chinese README links to the Chinese notebooks"
    assert not [t for t in local if not (ROOT / t).exists()]


def test_the_chinese_readme_opens_and_shows_the_chinese_course():
    """Its commands and URLs open the Chinese notebooks; its course map shows their own figures."""
    import re
    readme = (ROOT / "README.zh.md").read_text(encoding="utf-8")
    notebooks = re.findall(r"notebooks/(?:zh/)?\d\d_\w+\.ipynb", readme)
    assert notebooks and all("/zh/" in n for n in notebooks), [n for n in notebooks if "/zh/" not in n]
    thumbnails = re.findall(r'src="(docs/thumbnails/[^"]+)"', readme)
    assert len(thumbnails) == 10 and all(t.startswith("docs/thumbnails/zh/") for t in thumbnails)
    comments = re.findall(r"\s#\s([^\n]*)", "".join(re.findall(r"```.*?```", readme, re.S)))
    assert comments and all(re.search(r"[\u4e00-\u9fff]", c) for c in comments), comments


def test_readme_blocks_keep_fenced_code_whole():
    blocks = tool.readme_blocks("# T\n\ntext\nmore\n\n```bash\na\n\nb\n```\n\n- x\n")
    assert blocks == [("text", "# T"), ("text", "text\nmore"), ("code", "```bash\na\n\nb\n```"), ("text", "- x")]


def test_an_update_keeps_translations_and_marks_changed_english_fuzzy():
    old = tool.new_catalog("zh", "t")
    old.append(polib.POEntry(msgctxt="a", msgid="Same.", msgstr="相同。"))
    old.append(polib.POEntry(msgctxt="b", msgid="Old text.", msgstr="旧的。"))
    old.append(polib.POEntry(msgctxt="c", msgid="Gone.", msgstr="没了。"))
    wanted = [polib.POEntry(msgctxt="a", msgid="Same."), polib.POEntry(msgctxt="b", msgid="New text."),
              polib.POEntry(msgctxt="d", msgid="Fresh.")]
    new = {e.msgctxt: e for e in tool.merge(old, wanted, "zh", "t")}
    assert new["a"].msgstr == "相同。" and "fuzzy" not in new["a"].flags
    assert new["b"].msgstr == "旧的。" and "fuzzy" in new["b"].flags and new["b"].previous_msgid == "Old text."
    assert new["d"].msgstr == "" and "c" not in new


def test_the_checker_catches_a_dropped_formula_number_code_link_or_field():
    assert tool.mismatches("Set $\\eta=0.1$ for 100 steps, `lr`, [x](02_a.ipynb).",
                           "设 $\\eta=0.1$，走 100 步，`lr`，[x](02_a.ipynb)。") == []
    assert tool.mismatches("Set $\\eta$.", "设 η。")
    assert tool.mismatches("100 steps", "一百步")
    assert tool.mismatches("`lr`", "lr")
    assert tool.mismatches("[x](02_a.ipynb)", "[x](03_b.ipynb)")
    assert tool.mismatches("{n:,} steps", "{n} 步", fields=True)
    assert not tool.mismatches("[a](notebooks/01_x.ipynb)", "[a](notebooks/zh/01_x.ipynb)")



def test_a_translation_may_name_a_label_as_the_student_sees_it_and_translate_words_in_a_formula():
    labels = {"reached": "到达", "lr": "lr"}
    assert not tool.mismatches("the `reached` column", "“到达”一列", labels=labels)
    assert not tool.mismatches("the `reached` column", "`到达` 一列", labels=labels)
    assert tool.mismatches("the `reached` column", "“达到”一列", labels=labels)       # not what is shown
    assert tool.mismatches("the `reached` column", "“到达”一列")                      # no labels given
    assert tool.mismatches("set `lr`", "设学习率", labels=labels)                     # not translated by the library
    assert not tool.mismatches("$$\\text{ratio} = \\frac{a}{b}$$", "$$\\text{比率} = \\frac{a}{b}$$")
    assert tool.mismatches("$$\\text{ratio} = \\frac{a}{b}$$", "$$\\text{比率} = \\frac{a}{c}$$")


def test_a_chinese_link_leaving_the_folder_gains_a_level():
    assert tool.localize_markdown("![t](../docs/a.png) [e](../00_index.ipynb)") == \
        "![t](../../docs/a.png) [e](../00_index.ipynb)"
