"""requirements.txt and environment.yml must name the same packages with the same bounds."""

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
    assert "pip install -q -r requirements.txt" in command and ".venv/bin/python -m pytest &&" in command
    assert "KERAS_BACKEND=jax .venv/bin/python -m pytest" in command  # the second backend is tested, not claimed
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
