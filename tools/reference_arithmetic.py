"""The arithmetic the stored notebook outputs are computed in, and how tests and tools select it.

NumPy and its OpenBLAS pick their machine code by CPU at start: on a CPU with AVX-512, NumPy's
elementwise functions (tanh, exp, sin, …) take other code paths and OpenBLAS other matrix
kernels than on an AVX2-only CPU, and a few results differ in the last bit. Most printed numbers
don't move, but long chaotic runs (Adagrad's bursts on the Pokémon surface, the races, the
networks' stalls) amplify such a bit into a burst three steps earlier or a different η.

The notebooks' stored outputs are those of an x86-64 CPU with AVX2 and NumPy 2.4 (the
course's pin). `apply` sets the two environment variables that make any x86-64 CPU with AVX2
compute exactly that: NumPy's AVX-512 paths off, and OpenBLAS's Haswell kernels. It must run
before NumPy is imported; processes started afterwards (the notebooks' kernels) inherit it.
The root conftest.py and tools/execute_notebooks.py call it. Elsewhere (another CPU, another
NumPy, or RUGGED_NATIVE_ARITHMETIC=1) it does nothing, and long runs may print other numbers.

No NumPy import here: this module decides before NumPy loads.
"""

import importlib.metadata
import os
import pathlib
import platform

ENVIRONMENT = {
    # NumPy 2.4's names for its dispatch targets above AVX2 (X86_V3)
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
    "OPENBLAS_CORETYPE": "Haswell",
}
NUMPY_SERIES = "2.4."


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
    try:
        version = importlib.metadata.version("numpy")
    except importlib.metadata.PackageNotFoundError:
        return "NumPy is not installed"
    if not version.startswith(NUMPY_SERIES):
        return f"NumPy {version}, not the course's {NUMPY_SERIES}x"
    return None


def apply(environ=None):
    """Select the reference arithmetic in `environ` (default: os.environ) when this machine can
    compute it; returns the reason it did not, or None."""
    environ = os.environ if environ is None else environ
    reason = why_not()
    if reason is None:
        environ.update(ENVIRONMENT)
    return reason
