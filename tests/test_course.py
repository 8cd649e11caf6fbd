"""The course as a whole: slides, notebook structure, Binder pins and README links."""

import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IDS = [p.name for p in NOTEBOOKS]
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"])


def test_the_course_has_its_ten_notebooks():
    assert [p.name[:2] for p in NOTEBOOKS] == [f"{i:02d}" for i in range(10)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_cell_has_slide_metadata(path):
    for index, cell in enumerate(cells(path)):
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        assert kind in SLIDE_TYPES, f"cell {index} has slide_type {kind!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_slides_are_a_sensible_number_and_size(path):
    kinds = [c["metadata"]["slideshow"]["slide_type"] for c in cells(path)]
    slides = sum(k in ("slide", "subslide") for k in kinds)
    assert 4 <= slides <= 40, f"{slides} slides"
    run = longest = 0
    for kind in kinds:
        run = 0 if kind in ("slide", "subslide") else run + (kind not in ("skip", "notes"))
        longest = max(longest, run)
    assert longest <= 8, f"a slide holds {longest + 1} cells: split it"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_only_panel_cells_ignore_their_output(path):
    for index, cell in enumerate(cells(path)):
        tags = cell.get("metadata", {}).get("tags", [])
        if "nbval-ignore-output" in tags:
            mimes = {k for o in cell.get("outputs", []) for k in o.get("data", {})}
            assert "application/vnd.jupyter.widget-view+json" in mimes, f"cell {index} is no panel"


@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=IDS[1:])
def test_each_lesson_has_panels_exercises_and_a_next_link(path):
    all_cells = cells(path)
    code = [c for c in all_cells if c["cell_type"] == "code"]
    text = "\n".join(source(c) for c in all_cells if c["cell_type"] == "markdown")
    panels = [c for c in code if "nbval-ignore-output" in c.get("metadata", {}).get("tags", [])]
    feedback = [c for c in code if any("Not answered yet" in "".join(o.get("data", {}).get("text/plain", ""))
                                       for o in c.get("outputs", []))]
    assert panels, "no interactive panel"
    assert len(feedback) >= 2, "fewer than two exercises with checks"
    assert text.count("<summary>") >= 2, "fewer than two hidden solutions"
    assert re.search(r"\]\((\./)?0\d_[a-z0-9_]+\.ipynb\)", text), "no link to another notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_executed_without_errors(path):
    for index, cell in enumerate(c for c in cells(path) if c["cell_type"] == "code"):
        if source(cell).strip():
            assert cell["execution_count"] is not None, f"code cell {index} not executed"
        assert not [o for o in cell.get("outputs", []) if o["output_type"] == "error"], f"code cell {index} errs"


def pins(path):
    lines = (ROOT / path).read_text().splitlines()
    return sorted(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def test_binder_installs_exactly_what_the_tests_run_on():
    assert pins("binder/requirements.txt") == pins("requirements.txt")
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


def test_readme_links_and_images_resolve():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", readme) + re.findall(r'src="([^"]+)"', readme)
    local = [t.split("#")[0] for t in targets if not re.match(r"[a-z]+:", t) and t.split("#")[0]]
    assert local, "the README links to nothing in the repository"
    missing = [t for t in local if not (ROOT / t).exists()]
    assert not missing, f"broken relative links: {missing}"


def test_the_readme_example_runs_as_written(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    assert "descend(surfaces.pokemon()" in example
    exec(compile(example, "README.md", "exec"), {})
    b, w = (float(v) for v in capsys.readouterr().out.strip("[] \n").split())
    assert abs(b - (-188.4)) < 0.1 and abs(w - 2.67) < 0.01


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.*?)\n```", readme, re.S)
    assert len(commands) >= 2 and commands[1].endswith("python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert commands[1] in ci, "the last line of .ci/run is the README's test command"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_stored_kernelspec_is_what_jupyterlab_writes(path):
    """A kernelspec other than the installed kernel's marks the notebook modified on opening,
    and autosave then rewrites its committed outputs (a student's `git pull` conflicts)."""
    from jupyter_client.kernelspec import KernelSpecManager
    spec = KernelSpecManager().get_kernel_spec("python3")
    stored = json.loads(path.read_text(encoding="utf-8"))["metadata"]["kernelspec"]
    assert stored == {"display_name": spec.display_name, "language": spec.language, "name": "python3"}


def test_jupyterlab_settings_turn_off_the_news_popup():
    """The course's own settings package is installed with the course and silences the
    "get notified about Jupyter news" question (and the update check) in JupyterLab."""
    from jupyter_core.paths import jupyter_config_path
    name = "default_setting_overrides.json"
    source_file = ROOT / "jupyter-config" / "labconfig" / name
    wanted = json.loads(source_file.read_text())["@jupyterlab/apputils-extension:notification"]
    assert wanted == {"fetchNews": "false", "checkForUpdates": False}
    installed = [pathlib.Path(d) / "labconfig" / name for d in jupyter_config_path()]
    found = [json.loads(p.read_text()) for p in installed if p.exists()]
    assert wanted in [f.get("@jupyterlab/apputils-extension:notification") for f in found], \
        "pip install -r requirements.txt did not install jupyter-config/"
    for requirements in ("requirements.txt", "binder/requirements.txt"):
        assert "./jupyter-config" in pins(requirements)


def test_every_notebook_opens_with_the_same_run_all_hint():
    """Opened without running, a notebook shows its panels as still pictures: the second cell
    of every notebook says so, in the same words."""
    hints = [source(cells(path)[1]) for path in NOTEBOOKS]
    assert hints[0].startswith("> **First time here? Run all cells**")
    assert all(h == hints[0] for h in hints), [p.name for p, h in zip(NOTEBOOKS, hints) if h != hints[0]]


def test_the_index_says_how_to_shut_down_kernels():
    text = "".join(source(c) for c in cells(NOTEBOOKS[0]))
    assert "Shut Down Kernel" in text and "Shut Down All" in text


def test_the_library_never_reads_the_tests():
    """lib/rugged works from a wheel and in a browser kernel: nothing under lib/ imports or opens
    anything under tests/ (the parity cases and torch's recorded values ship in rugged.parity)."""
    offenders = []
    for module in (ROOT / "lib").rglob("*.py"):
        text = module.read_text(encoding="utf-8")
        if re.search(r"[\"']tests[\"'/]|import\s+(optim_cases|make_golden)|sys\.path", text):
            offenders.append(str(module.relative_to(ROOT)))
    assert not offenders, offenders


def test_parity_data_ships_with_the_package():
    from rugged import parity
    assert parity.golden_optim()["torch_version"].startswith("2.13")
    assert len(parity.golden_schedules()) > 20
    wheel_data = (ROOT / "pyproject.toml").read_text()
    assert '"rugged.parity" = ["data/*"]' in wheel_data


def _teaching_sources():
    return {path.name: [source(c) for c in cells(path) if c["cell_type"] == "code"
                        and "teaching" in c.get("metadata", {}).get("tags", [])] for path in NOTEBOOKS}


def test_each_lesson_shows_its_key_formulas_in_teaching_cells():
    """The lesson's few lines of formula are in the notebook (tagged `teaching`), not one `??` away."""
    import ast
    found = _teaching_sources()
    lessons = [name for name in found if not name.startswith("00")]
    assert all(found[name] for name in lessons), {n: len(found[n]) for n in lessons}
    functions = []
    for name, sources in found.items():
        for text in sources:
            tree = ast.parse(text)
            for node in tree.body:   # a teaching cell only imports and defines: running it alone is cheap
                assert isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef,
                                         ast.Assign)) or (isinstance(node, ast.Expr) and
                                                          isinstance(node.value, ast.Constant)), \
                    f"{name}: a teaching cell does more than define names: {ast.dump(node)[:80]}"
            functions += [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert len(functions) >= 12, functions


def test_a_teaching_function_has_one_copy():
    """No name a teaching cell defines is defined again in the library."""
    import ast
    defined = {}
    for module in (ROOT / "lib").rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined.setdefault(node.name, []).append(str(module.relative_to(ROOT)))
    twice = {}
    for name, sources in _teaching_sources().items():
        for text in sources:
            for node in ast.parse(text).body:
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in defined:
                    twice[f"{name}: {node.name}"] = defined[node.name]
    assert not twice, twice
