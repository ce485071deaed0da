"""What importing starts: the NumPy-only modules of utils/ and the backend-free test modules load no Keras backend,
and the modules that use Keras import it through utils.backend, which hides TensorFlow's C++ start-up lines.

Each import runs in a fresh interpreter (a subprocess), since this one may have loaded Keras already.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import conftest

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("keras", "tensorflow", "jax", "torch")

#: The modules of utils/ that need NumPy (and SciPy, scikit-learn, matplotlib) only.
NUMPY_ONLY = ("utils", "utils.noise", "utils.checks", "utils.config", "utils.metrics", "utils.data",
              "utils.baselines", "utils.anomaly", "utils.tables", "utils.plots", "utils.published",
              "utils.stats")


def backends_loaded_by(code: str) -> list[str]:
    """The backend modules in ``sys.modules`` after a fresh interpreter runs ``code`` in the project's root."""
    probe = f"{code}\nimport sys\nprint([m for m in {BACKENDS!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "MPLBACKEND": "Agg"})
    assert result.returncode == 0, result.stderr
    return eval(result.stdout.strip().splitlines()[-1])  # a list of names printed by the probe


@pytest.mark.parametrize("module", NUMPY_ONLY)
def test_numpy_only_modules_start_no_backend(module):
    assert backends_loaded_by(f"import {module}") == [], f"importing {module} loads a Keras backend"


#: Backend-free test modules that still load a backend on import, and why (strict: once fixed, remove the entry).
LOADS_A_BACKEND_ON_IMPORT = {
    "test_benchmarks.py": "benchmarks.report imports its sections' render and check functions from "
                          "benchmarks.anomaly, .conv and .vae, whose task code imports Keras at the top",
}


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=LOADS_A_BACKEND_ON_IMPORT[name]))
    if name in LOADS_A_BACKEND_ON_IMPORT else name for name in sorted(conftest.BACKEND_FREE)])
def test_backend_free_test_modules_import_no_backend(name):
    path = ROOT / "tests" / name
    text = path.read_text(encoding="utf-8")
    imports = re.findall(r"^\s*(?:import|from)\s+(keras|tensorflow|jax|torch)\b", text, flags=re.MULTILINE)
    assert not imports, f"{name} imports {imports}, but conftest.BACKEND_FREE says it never touches a backend"
    code = (f"import importlib.util\nspec = importlib.util.spec_from_file_location('probe', {str(path)!r})\n"
            "spec.loader.exec_module(importlib.util.module_from_spec(spec))")
    assert backends_loaded_by(code) == [], f"importing {name} loads a Keras backend (through what it imports)"


def test_modules_that_use_keras_import_it_through_utils_backend():
    for path in sorted((ROOT / "utils").glob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        first_keras = next((i for i, line in enumerate(lines) if re.match(r"(import|from) keras\b", line)), None)
        if first_keras is None or path.name == "backend.py":
            continue
        quiet = next((i for i, line in enumerate(lines) if re.match(r"from \. import backend\b", line)), None)
        assert quiet is not None and quiet < first_keras, (
            f"utils/{path.name} imports keras without `from . import backend as _backend` before it, so "
            "TensorFlow's start-up lines are printed when it is imported first")


def test_keras_after_utils_notebook_prints_no_start_up_lines():
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    code = ("from utils.notebook import setup\nimport keras\nfrom utils.backend import import_keras\n"
            "assert import_keras() is keras is import_keras()\nkeras.ops.zeros(1)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env=env)
    assert result.returncode == 0 and result.stderr == "", result.stderr
