"""requirements.txt and environment.yml must name the same packages with the same bounds; requirements-lectures.txt
(the lighter install for students) a subset of them, enough for the lectures; CI runs the README's test command."""

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def requirement_lines(lines):
    out = set()
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            out.add(line.replace(" ", "").lower())
    return out


def test_requirements_and_environment_agree():
    reqs = requirement_lines((ROOT / "requirements.txt").read_text().splitlines())
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_sections) == 1, "environment.yml needs exactly one pip: section"
    env_reqs = requirement_lines(pip_sections[0])
    assert reqs, "requirements.txt names no package"
    assert reqs == env_reqs, f"only in requirements.txt: {reqs - env_reqs}; only in environment.yml: {env_reqs - reqs}"


def test_every_notebook_is_collected_by_pytest():
    """pytest's configuration must point nbval at the notebooks folder."""
    text = (ROOT / "pyproject.toml").read_text()
    assert '"notebooks"' in text and "--nbval-lax" in text and "--nbval-current-env" in text
    assert sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")), "no notebook found"


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    command = ci[ci.index("# README test command:") + 1].strip()
    pytest = ".venv/bin/python -m pytest -n 2 --dist loadfile"  # two files at a time; a notebook stays in one worker
    assert "pip install -q -r requirements.txt" in command and f"{pytest} &&" in command
    assert f"KERAS_BACKEND=jax {pytest}" in command  # the second backend is tested, not claimed
    assert ".venv/bin/ruff check . && .venv/bin/python -m pytest" in command  # the linter runs first
    assert command.endswith("python -m benchmarks --quick")
    assert command in (ROOT / "README.md").read_text(), "README's test command differs from what .ci/run runs"


def test_ci_passes_on_the_test_commands_exit_status():
    # `set -e` ignores a failure inside an && list unless it is the last command: .ci/run must pass the
    # status of the README command on, or a failing pytest would end CI with exit 0.
    ci = (ROOT / ".ci" / "run").read_text()
    assert "status=$?" in ci and 'exit "$status"' in ci


def test_modules_skipped_under_jax_exist_and_train_nothing():
    import conftest

    for name in conftest.BACKEND_FREE:
        path = ROOT / "tests" / name
        assert path.is_file(), f"conftest.BACKEND_FREE names {name}, which does not exist"
        if name != "test_environment.py":  # this test's own text names what it looks for
            text = path.read_text(encoding="utf-8")
            assert ".fit(" not in text and "train(" not in text, f"{name} trains a model: it depends on the backend"


def test_the_lectures_install_is_a_subset_with_the_same_bounds():
    """requirements-lectures.txt (README: the lighter install for students) names packages of requirements.txt
    with the same bounds, and every package the lectures and utils/ import (the classroom kit needs none)."""
    import ast
    import json

    full = requirement_lines((ROOT / "requirements.txt").read_text().splitlines())
    lectures = requirement_lines((ROOT / "requirements-lectures.txt").read_text().splitlines())
    assert lectures and lectures <= full, f"not in requirements.txt with these bounds: {lectures - full}"
    names = {re.split(r"[<>=!~\[]", line, maxsplit=1)[0] for line in lectures}
    sources = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "utils").glob("*.py"))]
    sources += ["".join(c["source"]) for nb in sorted((ROOT / "notebooks").glob("*.ipynb"))
                for c in json.loads(nb.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    imported = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
    # import name -> the package that provides it (None: the standard library, this project, or installed by
    # another package of the list: IPython comes with jupyterlab's kernel)
    provider = {"keras": "keras", "numpy": "numpy", "scipy": "scipy", "sklearn": "scikit-learn",
                "skimage": "scikit-image", "matplotlib": "matplotlib", "ipywidgets": "ipywidgets",
                "tensorflow": "tensorflow", "IPython": "jupyterlab", "jax": "jax", "threadpoolctl": "threadpoolctl",
                "joblib": "joblib", "PIL": "pillow",
                "openTSNE": "opentsne", "umap": "umap-learn", "utils": None}
    third_party = {m for m in imported if m not in sys.stdlib_module_names and m != "__future__"}
    unknown = third_party - set(provider)
    assert not unknown, f"the lectures import {unknown}: add them to requirements-lectures.txt and to this test"
    missing = {provider[m] for m in third_party if provider[m] and provider[m] not in names and m != "jax"}
    assert not missing and "tensorflow" in names, f"requirements-lectures.txt lacks {missing}"


def test_readme_offers_the_lighter_install_and_root():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/pip install -r requirements-lectures.txt && .venv/bin/jupyter lab student/" in readme
    assert "--allow-root" in readme and "GB" in readme, "README says what the set-up installs and how to run as root"
