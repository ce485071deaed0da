"""What the benchmark's modules share: backend display names, the backends that ran a task, markdown tables."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

#: Display names of the Keras backends in the report.
NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}


def display(backend: str) -> str:
    """The backend's name in the report (``"jax"`` -> ``"JAX"``); an unknown one as it is."""
    return NAMES.get(backend, backend)


def ran(results: dict[str, dict[str, Any]], task: str) -> list[str]:
    """The backends of ``results`` (``{backend: {task: result}}``) that ran ``task``, in order."""
    return [b for b in results if task in results[b]]


def task_results(results: dict[str, dict[str, Any]], task: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(display name, result of task)`` for each backend that ran ``task``, in order."""
    for backend in ran(results, task):
        yield display(backend), results[backend][task]


def pct(x: float) -> str:
    """A fraction as a percentage with two decimals: ``0.1234`` -> ``"12.34 %"``."""
    return f"{100 * x:.2f} %"


def table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    """A markdown table's lines: the header, the separator and one line per row of cells."""
    header = list(header)
    return (["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
            + ["| " + " | ".join(row) + " |" for row in rows])


#: How far apart the seeds of two runs of ``python -m benchmarks --seeds N`` are; every seed the notebooks use is
#: below it, so no two runs share a random draw.
SEED_STRIDE = 1000


def run_seed(base: int, seed: int) -> int:
    """The seed of one random draw in run ``seed`` of the benchmark: ``base``, the seed the notebook uses for that
    draw (initial weights and data order: 0; noise, label subsets, binarisation: their own), in run 0, so that
    seed 0 reproduces the notebooks' numbers; ``base + 1000 * seed`` in run ``seed``.

    Raises:
        ValueError: ``base`` is not in 0..999 or ``seed`` is negative (two runs could share a draw).
    """
    if not 0 <= base < SEED_STRIDE or seed < 0:
        raise ValueError(f"run_seed needs a base seed in 0..{SEED_STRIDE - 1} and a run seed >= 0, got {base}, {seed}")
    return base + SEED_STRIDE * seed
