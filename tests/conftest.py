import pathlib
import sys

# The parity tests share optim_cases.py with the golden-value generator.
sys.path.insert(0, str(pathlib.Path(__file__).parent))
