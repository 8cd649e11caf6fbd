"""Before anything imports NumPy: the arithmetic the stored notebook outputs were computed in
(tools/reference_arithmetic.py), for this process and the notebooks' kernels it starts."""

import importlib.util
import pathlib
import sys

assert "numpy" not in sys.modules, "NumPy was imported before conftest.py could choose its arithmetic"
_spec = importlib.util.spec_from_file_location(
    "reference_arithmetic", pathlib.Path(__file__).resolve().parent / "tools" / "reference_arithmetic.py")
reference_arithmetic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference_arithmetic)
REFERENCE_ARITHMETIC_SKIPPED = reference_arithmetic.apply()


def pytest_report_header(config):
    reason = REFERENCE_ARITHMETIC_SKIPPED
    return ("arithmetic: " + (f"this machine's own ({reason}); long runs may differ from the stored outputs"
                              if reason else "the stored outputs' (NumPy without AVX-512, OpenBLAS Haswell)"))
