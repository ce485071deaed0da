"""The test harness itself: nbval fails a notebook whose check fails, and conftest.py's defaults.

The fixture notebooks (tests/fixtures/) need no Keras and run in a second. conftest.py keeps them out of
the normal test run; here each runs in its own pytest process, as the test command runs the lectures."""

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run_nbval(notebook: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """pytest --nbval-lax on a copy of ``notebook``, in its own folder, with this interpreter's kernel."""
    folder = tmp_path / notebook.stem
    folder.mkdir()
    shutil.copy(notebook, folder / notebook.name)
    (folder / "pytest.ini").write_text("[pytest]\n")  # not the project's configuration: only this notebook
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-c", "pytest.ini", "--nbval-lax", "--nbval-current-env",
         "-p", "no:cacheprovider", "-q", notebook.name],
        cwd=folder, env=env, capture_output=True, text=True, timeout=300,
    )


def test_a_failing_check_cell_fails_the_run_and_its_passing_twin_does_not(tmp_path):
    failed = run_nbval(FIXTURES / "check_fails.ipynb", tmp_path)
    assert failed.returncode != 0, failed.stdout
    assert "AssertionError" in failed.stdout and "the text says the mean is 3, the run gave 2.5" in failed.stdout
    assert "1 failed" in failed.stdout
    passed = run_nbval(FIXTURES / "check_passes.ipynb", tmp_path)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "2 passed" in passed.stdout  # both code cells ran


def test_fixture_notebooks_are_not_collected_by_the_normal_run():
    conftest = load_conftest()
    assert "tests/fixtures" in conftest.collect_ignore
    assert sorted(p.name for p in FIXTURES.glob("*.ipynb")) == ["check_fails.ipynb", "check_passes.ipynb"]


def load_conftest() -> object:
    spec = importlib.util.spec_from_file_location("project_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("preset, mode, cache", [({}, "quick", "off"),
                                                 ({"AE_MODE": "full"}, "full", "off"),
                                                 ({"AE_MODE": "full", "AE_CACHE": "on"}, "full", "on")])
def test_conftest_defaults_leave_an_explicit_setting_alone(monkeypatch, preset, mode, cache):
    """`pytest` alone: quick mode, cache off. `AE_MODE=full pytest notebooks/`: a full-mode rehearsal."""
    for key in ("AE_MODE", "AE_CACHE"):
        monkeypatch.delenv(key, raising=False)
    for key, value in preset.items():
        monkeypatch.setenv(key, value)
    load_conftest()
    assert os.environ["AE_MODE"] == mode and os.environ["AE_CACHE"] == cache

