"""The arithmetic the stored notebook outputs are computed in, and how tests and tools select it.

NumPy and its OpenBLAS pick their machine code by CPU at start: on a CPU with AVX-512, NumPy's
elementwise functions (tanh, exp, sin, …) take other code paths and OpenBLAS other matrix
kernels than on an AVX2-only CPU, and a few results differ in the last bit. Most printed numbers
don't move, but long chaotic runs (Adagrad's bursts on the Pokémon surface, the races, the
networks' stalls) amplify such a bit into a burst three steps earlier or a different η.

The notebooks' stored outputs are those of an x86-64 CPU with AVX2 and NumPy 2.4 (the
course's pin). `apply` sets the two environment variables that make any x86-64 CPU with AVX2
compute exactly that: NumPy's AVX-512 paths off, and OpenBLAS's Haswell kernels (for NumPy 2.0,
the browser edition's, the same two with that release's names). It must run
before NumPy is imported; processes started afterwards (the notebooks' kernels) inherit it.
The root conftest.py and tools/execute_notebooks.py call it. Elsewhere (another CPU, another
NumPy, or RUGGED_NATIVE_ARITHMETIC=1) it does nothing, and long runs may print other numbers.

No NumPy import here: this module decides before NumPy loads.
"""

import importlib.metadata
import os
import pathlib
import platform

# NumPy's names for its dispatch targets above AVX2, by release series: 2.4 is the course's pin,
# 2.0 the browser edition's (whose unit tests also run on CPython, tests/test_lite_stack.py)
NUMPY_AVX512_TARGETS = {
    "2.4.": "X86_V4 AVX512_ICL AVX512_SPR",
    "2.0.": "AVX512F AVX512CD AVX512_KNL AVX512_KNM AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL",
}


def _numpy_series():
    try:
        version = importlib.metadata.version("numpy")
    except importlib.metadata.PackageNotFoundError:
        return None, None
    return version, next((series for series in NUMPY_AVX512_TARGETS if version.startswith(series)), None)


def environment():
    """The environment variables of the reference arithmetic for the installed NumPy."""
    _, series = _numpy_series()
    return {"NPY_DISABLE_CPU_FEATURES": NUMPY_AVX512_TARGETS[series], "OPENBLAS_CORETYPE": "Haswell"}


def _cpu_flags():
    try:
        text = pathlib.Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    line = next((line for line in text.splitlines() if line.startswith("flags")), "")
    return set(line.partition(":")[2].split())


def why_not():
    """Why `apply` would leave this machine's arithmetic alone, or None if it applies."""
    if os.environ.get("RUGGED_NATIVE_ARITHMETIC") == "1":
        return "RUGGED_NATIVE_ARITHMETIC=1"
    if platform.system() != "Linux" or platform.machine() not in ("x86_64", "AMD64"):
        return f"not Linux on x86-64 ({platform.system()} on {platform.machine()})"
    if not {"avx2", "fma"} <= _cpu_flags():
        return "the CPU has no AVX2 and FMA"
    version, series = _numpy_series()
    if version is None:
        return "NumPy is not installed"
    if series is None:
        return f"NumPy {version}, not a series whose AVX-512 paths are known here ({', '.join(NUMPY_AVX512_TARGETS)})"
    return None


def apply(environ=None):
    """Select the reference arithmetic in `environ` (default: os.environ) when this machine can
    compute it; returns the reason it did not, or None."""
    environ = os.environ if environ is None else environ
    reason = why_not()
    if reason is None:
        environ.update(environment())
    return reason
