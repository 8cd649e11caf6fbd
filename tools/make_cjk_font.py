"""Make the Chinese font that ships with the package: the glyphs the course's figures use.

    python tools/make_cjk_font.py [--source /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]

matplotlib draws a figure's text with the fonts it finds on the machine, and a fresh machine,
Binder or the browser edition usually has no Chinese one: the figures would show boxes. So the
package carries `lib/rugged/fonts/rugged-cjk-sc.otf` (and `-bold.otf`), a subset of Noto Sans CJK SC (SIL Open
Font Licence 1.1, `lib/rugged/fonts/OFL.txt`; from Debian's fonts-noto-cjk) holding the
CJK characters that the library's Chinese catalogs and string literals use (those it has), ASCII
and common full-width punctuation, renamed "Rugged CJK SC" (the licence asks a modified font not
to use the original's reserved names). `rugged.i18n` registers it after DejaVu Sans.

Run it again after adding translations: tests/test_i18n.py fails, naming the characters, when
a catalog uses one the font lacks. The output is reproducible (no timestamps).
"""

import argparse
import pathlib

import polib
from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = pathlib.Path(__file__).resolve().parent.parent
LIB = ROOT / "lib" / "rugged"
TARGET = LIB / "fonts" / "rugged-cjk-sc.otf"
TARGET_BOLD = LIB / "fonts" / "rugged-cjk-sc-bold.otf"
SOURCE = pathlib.Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
COPYRIGHT = pathlib.Path("/usr/share/doc/fonts-noto-cjk/copyright")
FAMILY = "Rugged CJK SC"
POSTSCRIPT = "RuggedCJKSC-Regular"
# full-width punctuation and symbols a translation may use besides what the catalogs hold today
EXTRA = "，。、：；？！“”‘’（）《》【】—…·～％＋－×÷＝＜＞"


def characters():
    """Every non-ASCII character in the library's catalogs and sources, plus EXTRA (the font
    keeps those Noto Sans CJK has: in a Chinese figure it draws the Latin text too)."""
    chars = set(EXTRA)
    for path in (LIB / "locale").rglob("*.po"):
        for entry in polib.pofile(str(path)):
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                chars.update(c for c in text if ord(c) > 0x7f)
    for path in LIB.rglob("*.py"):
        chars.update(c for c in path.read_text(encoding="utf-8") if ord(c) > 0x7f)
    return "".join(sorted(chars))


def needed(text):
    """The characters of `text` that only a CJK font has (CJK ideographs and punctuation, full-width forms)."""
    return sorted({c for c in text if "\u2e80" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f"
                   or "\uff00" <= c <= "\uffef"})


def licence(font, copyright_file=COPYRIGHT):
    """The subset's licence file: the font's copyright line and the OFL's text (from Debian's
    copyright file of fonts-noto-cjk, where it is the "License: SIL-1.1" paragraph)."""
    text = copyright_file.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(text[:-1])
                 if line.startswith("License: SIL-1.1") and text[i + 1].startswith(" "))
    lines = []
    for line in text[start + 1:]:
        if not line.startswith(" "):
            break
        lines.append("" if line.strip() == "." else line[1:])
    notice = font["name"].getDebugName(0)
    return (f"{FAMILY} ({TARGET.name}) is a subset of Noto Sans CJK SC, made by tools/make_cjk_font.py.\n"
            f"{notice}\n\n" + "\n".join(lines).strip() + "\n")


def make(source=SOURCE, target=TARGET, weight="Regular"):
    """Subset one weight of Noto Sans CJK SC (its Regular or Bold .ttc) into `target`."""
    collection = TTCollection(str(source))
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    if weight == "Regular":
        (target.parent / "OFL.txt").parent.mkdir(parents=True, exist_ok=True)
        (target.parent / "OFL.txt").write_text(licence(font), encoding="utf-8")
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.hinting = False
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters() + "".join(chr(c) for c in range(0x20, 0x7f)))
    subsetter.subset(font)
    postscript = f"{POSTSCRIPT.rsplit('-', 1)[0]}-{weight}"
    full = FAMILY if weight == "Regular" else f"{FAMILY} {weight}"
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 16):
            names.setName(FAMILY, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 4:
            names.setName(full, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 6:
            names.setName(postscript, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 3:
            names.setName(f"{postscript};rugged subset", record.nameID, record.platformID,
                          record.platEncID, record.langID)
        elif record.nameID == 17:
            names.removeNames(nameID=17)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        top.FullName, top.FamilyName = full, FAMILY
    font.recalcTimestamp = False
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(target))
    return target


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=pathlib.Path, default=SOURCE,
                        help="Noto Sans CJK's Regular .ttc (Debian: fonts-noto-cjk)")
    args = parser.parse_args()
    bold = args.source.with_name(args.source.name.replace("Regular", "Bold"))
    for path in (make(args.source), make(bold, TARGET_BOLD, "Bold")):
        print(f"{path.relative_to(ROOT)}: {len(characters())} characters, {path.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
