"""Test session settings: by default the notebooks run in quick mode, always train (cache off) and draw
off-screen; a setting already in the environment is kept, so `AE_MODE=full pytest notebooks/` rehearses
a class in full mode (add AE_CACHE=on to fill the train-or-load cache on the way).

The notebook kernels that nbval starts inherit this environment. tests/fixtures/ holds notebooks for
tests/test_harness.py, which runs them itself; the normal run does not collect them.

The test command runs the tests twice, with TensorFlow and with JAX. The modules in BACKEND_FREE never touch
a Keras backend (file checks, NumPy and scikit-learn baselines, report rendering, tables, the website): under
JAX they are skipped, with that reason, instead of giving the same result a second time. tests/test_imports.py
checks that importing them loads no backend.
"""

import os

import pytest

os.environ.setdefault("AE_MODE", "quick")
os.environ.setdefault("AE_CACHE", "off")
os.environ.setdefault("MPLBACKEND", "Agg")

collect_ignore = ["tests/fixtures"]

BACKEND_FREE = {
    "test_baselines.py", "test_benchmarks.py", "test_checks.py", "test_classroom.py", "test_config.py", "test_data.py",
    "test_environment.py", "test_harness.py", "test_imports.py", "test_metrics.py", "test_noise.py",
    "test_notebook_files.py", "test_notebook_prose.py", "test_plots.py", "test_site.py", "test_stats.py",
    "test_tables.py",
}


def _run_order(item: pytest.Item) -> tuple[int, int]:
    """A notebook ``NN_topic.ipynb`` sorts as ``(0, -NN)``, any other file as ``(1, 0)`` (the sort is stable)."""
    name = item.path.name
    if item.path.suffix == ".ipynb":
        return 0, -int(name[:2]) if name[:2].isdigit() else 0
    return 1, 0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The notebooks first, the later (longer) lectures first, then the test modules; each file's items keep
    # their order (a notebook's cells run in sequence). The test command runs files two at a time (pytest-xdist,
    # --dist loadfile), in this order: the longest start first and the two workers finish at about the same time.
    items.sort(key=_run_order)
    if os.environ.get("KERAS_BACKEND") != "jax":
        return
    skip = pytest.mark.skip(reason="no Keras backend in this module: checked once, in the TensorFlow run")
    for item in items:
        if item.path.name in BACKEND_FREE:
            item.add_marker(skip)
