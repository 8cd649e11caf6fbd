"""The library's tests on the browser edition's Python: 3.12 with numpy 2.0 and matplotlib 3.8.

The JupyterLite site (tools/build_lite.py) runs the course on Pyodide 0.27.7, whose Python and
packages are older than the course's own pins; a library change that needs a newer numpy or
matplotlib would break only there. This builds a CPython 3.12 environment with those versions
(`lite/requirements-stack.txt`) and runs the unit tests in it (not the notebooks, the browser
tests or the course-structure checks, which are about this environment). It takes a few
minutes, so it runs in CI (CI=true) or with RUGGED_LITE_TEST=1.
"""

import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
WANTED = os.environ.get("CI", "").lower() == "true" or os.environ.get("RUGGED_LITE_TEST") == "1"


def _python312():
    """A Python 3.12 that runs: pyenv's (whose shim on PATH needs a version chosen), else python3.12."""
    candidates = sorted(pathlib.Path.home().glob(".pyenv/versions/3.12*/bin/python3.12"), reverse=True)
    candidates += [shutil.which("python3.12")]
    for candidate in filter(None, candidates):
        if subprocess.run([str(candidate), "-c", "import venv"], capture_output=True).returncode == 0:
            return str(candidate)
    return None


PYTHON = _python312()


@pytest.mark.skipif(not WANTED, reason="builds a Python 3.12 environment (several minutes): runs in CI or "
                                       "with RUGGED_LITE_TEST=1")
@pytest.mark.skipif(PYTHON is None, reason="python3.12 (the browser edition's Python) is not installed")
def test_the_unit_tests_pass_on_the_browser_editions_python(tmp_path):
    env_dir = tmp_path / "py312"
    subprocess.run([PYTHON, "-m", "venv", str(env_dir)], check=True)
    pip = [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q"]
    install = subprocess.run(pip + ["-r", str(ROOT / "lite" / "requirements-stack.txt")], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-3000:]
    course = subprocess.run(pip + ["--no-deps", str(ROOT)], capture_output=True, text=True)
    assert course.returncode == 0, course.stderr[-3000:]
    version = subprocess.run([str(env_dir / "bin" / "python"), "-c",
                              "import sys, numpy, matplotlib; print(sys.version_info[:2], numpy.__version__, "
                              "matplotlib.__version__)"], capture_output=True, text=True, check=True).stdout
    assert version.split() == ["(3,", "12)", "2.0.2", "3.8.4"], version
    run = subprocess.run([str(env_dir / "bin" / "python"), "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                          "-o", "addopts=", "--ignore=tests/browser", "--ignore=tests/test_binder.py",
                          "--ignore=tests/test_course.py", "--ignore=tests/test_lite_stack.py", "tests"],
                         cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": "", "CI": ""})
    assert run.returncode == 0, run.stdout[-4000:]
