"""Runs with different seeds: the spread of one number, and whether two sets of runs differ.

Train the same model with seeds 0, 1, 2 and its test accuracy changes a little each time. Before saying that
model A beats model B, check that the difference is larger than that seed-to-seed spread:

>>> a, b = [0.871, 0.866, 0.874], [0.802, 0.815, 0.809]   # three seeds each
>>> spread(a)
Spread(n=3, mean=0.8703, sd=0.004041, min=0.866, max=0.874)
>>> runs_differ(a, b), verdict(a, b, "A", "B")
(True, 'A > B')

:class:`Spread` summarises one set of runs (n, mean, standard deviation with ``ddof=1``, range);
:func:`runs_differ` is the collection's one rule for "these two sets of runs differ" (its docstring says
which rule and why); :func:`verdict` says it in words. NumPy only: importing this module starts no Keras
backend.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: How many times the larger standard deviation the two means must be apart (see :func:`runs_differ`).
MARGIN = 2.0

NO_DIFFERENCE = "no measurable difference"


@dataclass(frozen=True)
class Spread:
    """One number measured over ``n`` runs (seeds): mean, standard deviation, smallest and largest value.

    ``sd`` is the sample standard deviation (``ddof=1``, NumPy's ``np.std(values, ddof=1)``): with few runs
    it estimates the spread of the population less badly than ``ddof=0``. With a single run there is no
    spread to measure and ``sd`` is NaN (so is ``se``); :func:`runs_differ` refuses such a set.
    Build one with :func:`spread` (or :meth:`of`), which checks the values.
    """

    n: int
    mean: float
    sd: float
    min: float
    max: float
    values: tuple[float, ...] = ()

    @classmethod
    def of(cls, values: Sequence[float] | np.ndarray) -> Spread:
        """The spread of ``values`` (at least one finite real number); see :func:`spread`."""
        v = _runs("values", values)
        sd = float(np.std(v, ddof=1)) if len(v) > 1 else math.nan
        return cls(n=len(v), mean=float(np.mean(v)), sd=sd, min=float(v.min()), max=float(v.max()),
                   values=tuple(float(x) for x in v))

    @property
    def se(self) -> float:
        """Standard error of the mean, ``sd / sqrt(n)`` (NaN for a single run)."""
        return self.sd / math.sqrt(self.n)

    def __repr__(self) -> str:
        return (f"Spread(n={self.n}, mean={self.mean:.4g}, sd={self.sd:.4g}, min={self.min:.4g}, "
                f"max={self.max:.4g})")

    def format(self, fmt: str = ".2f", scale: float = 1.0, unit: str = "") -> str:
        """``"mean ± sd (min–max)"``, each number times ``scale`` written with ``fmt``, then ``unit``:
        ``Spread.of([0.87, 0.88]).format(".1f", 100, " %")`` is ``"87.5 ± 0.7 % (87.0–88.0 %)"``."""
        m, s, lo, hi = (scale * x for x in (self.mean, self.sd, self.min, self.max))
        sd = "–" if math.isnan(s) else format(s, fmt)
        return f"{m:{fmt}} ± {sd}{unit} ({lo:{fmt}}–{hi:{fmt}}{unit})"


Runs = Sequence[float] | np.ndarray | Spread
"""One set of runs: the values (a list or 1-D array) or their :class:`Spread`."""


def spread(values: Sequence[float] | np.ndarray) -> Spread:
    """The :class:`Spread` of one number over runs: ``spread([0.87, 0.88, 0.86]).sd`` is 0.01.

    Raises:
        ValueError: ``values`` is empty, not a flat sequence, or holds something that is not a finite real
            number (NaN, infinity, a string, a boolean, None).
    """
    return Spread.of(values)


def runs_differ(a: Runs, b: Runs) -> bool:
    """Whether two sets of runs (each one number measured with several seeds) differ by more than the seeds do.

    The rule: **the ranges do not overlap** (every run of one set is above every run of the other) **and the
    means are more than twice the larger standard deviation apart**::

        max(a) < min(b) or max(b) < min(a),   and   |mean(a) - mean(b)| > 2 * max(sd(a), sd(b))

    Why this rule. Each half alone is too easy to pass by chance when both sets come from the same
    distribution (same model, only the seeds differ); with three runs a side:

    - disjoint ranges alone: the three smallest of the six runs all fall on one side with probability
      2 / C(6, 3) = 2 / 20 = 10 %, whatever the distribution;
    - the means more than the larger sd apart: about 21 % (normal runs, simulated);
    - both conditions, margin 2 sd, as here: about 4 % with 3 runs a side, 0.4 % with 5; but 13 % with 2,
      so a verdict from two seeds is only a smoke test.

    And it still sees real differences: with 3 runs a side it says "differ" for about 73 % of pairs whose
    true means are 3 seed-sds apart, 92 % at 4 sds and nearly all (99.8 %) at 6. It is symmetric, it needs no
    statistical table, and a student can check it by eye in a table of mean ± sd (min–max). A passed check
    also means every run of the better set beats every run of the other: the claim holds seed by seed.
    Two sets whose runs are all equal differ exactly when their values do (both sds are 0).

    ``a`` and ``b`` are the runs' values (a list or array) or their :class:`Spread`.

    Raises:
        ValueError: a set has fewer than 2 runs (no spread to compare against), or a value that is not a
            finite real number.
    """
    sa, sb = _spread_of("a", a), _spread_of("b", b)
    for name, s in (("a", sa), ("b", sb)):
        if s.n < 2:
            raise ValueError(f"runs_differ needs at least 2 runs in each set to measure their spread; {name} has "
                             f"{s.n}")
    disjoint = sa.max < sb.min or sb.max < sa.min
    return bool(disjoint and abs(sa.mean - sb.mean) > MARGIN * max(sa.sd, sb.sd))


def verdict(a: Runs, b: Runs, a_name: str = "A", b_name: str = "B") -> str:
    """:func:`runs_differ` in words: ``"A > B"`` or ``"A < B"`` (by the means) when the runs differ, else
    ``"no measurable difference"`` (:data:`NO_DIFFERENCE`). Raises as :func:`runs_differ` does."""
    if not runs_differ(a, b):
        return NO_DIFFERENCE
    sa, sb = _spread_of("a", a), _spread_of("b", b)
    return f"{a_name} {'>' if sa.mean > sb.mean else '<'} {b_name}"


def _spread_of(name: str, runs: Runs) -> Spread:
    return runs if isinstance(runs, Spread) else Spread.of(_runs(name, runs))


def _runs(name: str, values: object) -> np.ndarray:
    """``values`` as a 1-D float64 array of finite real numbers, at least one.

    Raises:
        ValueError: naming ``name``: empty, not a flat sequence, or a value that is not a finite real number.
    """
    if isinstance(values, (str, bytes, dict, set)) or not hasattr(values, "__len__"):
        raise ValueError(f"{name} must be a list or 1-D array of numbers (one per run), got {values!r}")
    items = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if items.ndim != 1:
        raise ValueError(f"{name} must be a flat list or 1-D array of numbers (one per run), got shape "
                         f"{items.shape}")
    if len(items) == 0:
        raise ValueError(f"{name} is empty: give at least one run's value")
    for x in items.tolist():
        if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
            raise ValueError(f"{name} must hold real numbers (one per run), got {x!r}")
        if not math.isfinite(x):
            raise ValueError(f"{name} holds {x!r}: every run needs a finite value (a NaN usually means a run "
                             "failed; rerun it or leave it out)")
    return np.asarray(items.tolist(), dtype=np.float64)
