"""Cut each notebook's thumbnail for the README out of its stored outputs.

    python tools/extract_thumbnails.py

The thumbnail is the PNG output of the cell tagged `thumbnail` (else the notebook's first
figure), scaled to 360 px wide and written to docs/thumbnails/<notebook>.png, and those of the
Chinese edition (notebooks/zh/) to docs/thumbnails/zh/<notebook>.png for README.zh.md. The
figures are the notebooks' own, computed when they were executed.
"""

import base64
import io
import json
import pathlib

from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "thumbnails"
WIDTH = 360


def figure_of(notebook):
    """The base64 PNG of the tagged cell's figure, else of the first figure; None if none."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    tagged = [c for c in cells if "thumbnail" in c.get("metadata", {}).get("tags", [])]
    for cell in tagged + cells:
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                return output["data"]["image/png"]
    return None


def main():
    for source, out in ((ROOT / "notebooks", OUT), (ROOT / "notebooks" / "zh", OUT / "zh")):
        out.mkdir(parents=True, exist_ok=True)
        for notebook in sorted(source.glob("[0-9][0-9]_*.ipynb")):
            data = figure_of(notebook)
            if data is None:
                print(f"{notebook.relative_to(ROOT)}: no figure")
                continue
            image = Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")
            image = image.resize((WIDTH, round(image.height * WIDTH / image.width)), Image.LANCZOS)
            target = out / f"{notebook.stem}.png"
            image.save(target, optimize=True)
            print(f"{notebook.relative_to(ROOT)}: {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
