"""The tests and the notebooks' kernels compute in the stored outputs' arithmetic
(tools/reference_arithmetic.py, applied by the root conftest.py) wherever this machine can."""

import importlib.util
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("reference_arithmetic_tool", ROOT / "tools" / "reference_arithmetic.py")
reference = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reference)
REASON = reference.why_not()
applies = pytest.mark.skipif(REASON is not None, reason=f"the reference arithmetic does not apply here: {REASON}")

# the state of the arithmetic as one expression, read in this process and in a child process:
# (is any of the disabled AVX-512 targets on, OpenBLAS's kernel architecture)
SETUP = "import os, threadpoolctl; from numpy._core._multiarray_umath import __cpu_features__ as f"
STATE = ("(any(f.get(n) for n in os.environ['NPY_DISABLE_CPU_FEATURES'].split()), "
         "[i['architecture'] for i in threadpoolctl.threadpool_info() if i['internal_api'] == 'openblas'])")
COURSE_NUMPY = reference.importlib.metadata.version("numpy").startswith("2.4.")


def _in_process_state():
    namespace = {}
    exec(SETUP, namespace)
    return eval(STATE, namespace)


@applies
def test_this_process_and_its_children_compute_without_avx512_and_with_haswell_kernels():
    for name, value in reference.environment().items():
        assert os.environ.get(name) == value
    avx512, arch = _in_process_state()
    assert avx512 is False and arch == ["Haswell"], (avx512, arch)
    out = subprocess.run([sys.executable, "-c", f"{SETUP}; print(repr({STATE}))"], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == repr((False, ["Haswell"])), out


@applies
@pytest.mark.skipif(not COURSE_NUMPY, reason="the stored outputs are NumPy 2.4's, the course's pin")
def test_the_reference_arithmetic_is_what_the_stored_outputs_need():
    """Adagrad's bursts on the Pokémon surface depend on the last bit of the least-squares minimum
    (LAPACK): the stored 06 starts its first burst at the t this run finds."""
    import nbformat

    from rugged import descend, optim, runner, surfaces
    pokemon = surfaces.pokemon()
    run = descend(pokemon, optim.LectureAdagrad(lr=1.0), pokemon.start, 20_000)
    first = runner.bursts(run, pokemon).summary(shown=1)
    stored = nbformat.read(ROOT / "notebooks" / "06_lr_decay.ipynb", as_version=4)
    texts = "".join(o.get("text", "") for c in stored.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert first.endswith(", …") and first[:-1] in texts, first      # "21 bursts, starting at t = 715, "


def test_apply_leaves_the_arithmetic_alone_when_asked(monkeypatch):
    monkeypatch.setenv("RUGGED_NATIVE_ARITHMETIC", "1")
    environ = {}
    assert reference.apply(environ) == "RUGGED_NATIVE_ARITHMETIC=1"
    assert environ == {}


def test_apply_leaves_other_numpy_series_alone(monkeypatch):
    monkeypatch.delenv("RUGGED_NATIVE_ARITHMETIC", raising=False)
    monkeypatch.setattr(reference.importlib.metadata, "version", lambda name: "1.26.4")
    if REASON is None:
        environ = {}
        assert "NumPy 1.26.4" in reference.apply(environ) and environ == {}
    else:
        assert reference.apply({}) is not None


def test_each_numpy_series_gets_its_own_names_for_the_avx512_targets(monkeypatch):
    for version, first in (("2.4.6", "X86_V4"), ("2.0.2", "AVX512F")):
        monkeypatch.setattr(reference.importlib.metadata, "version", lambda name, v=version: v)
        env = reference.environment()
        assert env["NPY_DISABLE_CPU_FEATURES"].split()[0] == first and env["OPENBLAS_CORETYPE"] == "Haswell"
