"""What a notebook's prose and printed output say, for tests of the notebooks' text.

`raw_markdown(nb)`: [(cell index, line)] of markdown lines with caret or underscore notation
(η^t, EMA_β) outside $…$, code spans, links and HTML tags: notation that shows as raw
characters instead of rendered maths. `raw_output(nb)`: [(cell index, line)] of printed lines
(streams and text/plain) with a caret anywhere (g^t, θ^(t+1)), or an underscore next to a
non-ASCII letter (σ_i, EMA_β1); an underscore inside an ASCII name (plateau_cliff, m1_hat,
d_model) is code and fine. Printed text writes gᵗ, θᵗ⁺¹, σᵢ instead.
`torch_versions(nb)`: the torch versions ("2.13") the notebook quotes after "torch…".
`markdown(nb)`, `outputs(nb)`: the markdown sources, and {cell index: printed text}.
`nb` is a path or a notebook name such as "03_rmsprop".
"""

import json
import pathlib
import re

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "notebooks"


def cells(nb):
    path = pathlib.Path(nb)
    if not path.exists():
        path = NOTEBOOKS / (str(nb) if str(nb).endswith(".ipynb") else f"{nb}.ipynb")
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def markdown(nb):
    """{cell index: source} of every markdown cell."""
    return {i: "".join(c["source"]) for i, c in enumerate(cells(nb)) if c["cell_type"] == "markdown"}


def outputs(nb):
    """{cell index: the text the code cell printed or showed as text/plain}."""
    out = {}
    for index, cell in enumerate(cells(nb)):
        if cell["cell_type"] != "code":
            continue
        parts = []
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                parts.append("".join(o.get("text", "")))
            elif "data" in o:
                parts.append("".join(o["data"].get("text/plain", "")))
        out[index] = "".join(parts)
    return out


_NOT_PROSE = re.compile(r"\$\$.*?\$\$|(?<!\\)\$.*?(?<!\\)\$|`[^`]*`|<[^>\n]+>|\]\([^)\s]*\)", re.S)
_RAW_OUTPUT = re.compile(r"\^|[^\x00-\x7f]_|_[^\x00-\x7f]")


def raw_markdown(nb):
    """[(cell index, line)] of markdown lines with '^' or '_' outside maths, code, links and tags."""
    return [(i, line) for i, text in markdown(nb).items()
            for line in _NOT_PROSE.sub("", text).splitlines() if re.search(r"[\^_]", line)]


def raw_output(nb):
    """[(cell index, line)] of printed lines with a caret, or an underscore next to a non-ASCII letter."""
    return [(i, line) for i, text in outputs(nb).items()
            for line in text.splitlines() if _RAW_OUTPUT.search(line)]


def torch_versions(nb):
    """The set of versions ("2.13") quoted right after a name starting with "torch" (torch,
    torch.optim, `torch.optim`, torch.optim.Adam) in markdown, code and output."""
    texts = [*markdown(nb).values(), *outputs(nb).values(),
             *("".join(c["source"]) for c in cells(nb) if c["cell_type"] == "code")]
    return {m.group(1) for text in texts for m in re.finditer(r"torch[\w.`]*\s+(\d+\.\d+)", text)}
