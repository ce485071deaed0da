"""utils/stats.py: the spread of runs and the rule that says whether two sets of runs differ, on made-up runs
with known answers."""

import math

import numpy as np
import pytest

from utils.stats import MARGIN, NO_DIFFERENCE, Spread, runs_differ, spread, verdict


def test_spread_known_values():
    s = spread([1.0, 2.0, 3.0])
    assert (s.n, s.mean, s.sd, s.min, s.max) == (3, 2.0, 1.0, 1.0, 3.0)  # sd with ddof=1: sqrt(2 / 2)
    assert s.se == pytest.approx(1 / math.sqrt(3))
    assert s.values == (1.0, 2.0, 3.0)
    assert spread(np.array([0.5, 0.5])).sd == 0.0
    assert spread((np.float32(1), np.int64(3))).mean == 2.0  # NumPy scalars and tuples are numbers too
    assert Spread.of([4, 6]) == spread([4, 6])


def test_spread_sd_is_numpy_ddof_1():
    v = np.random.default_rng(0).normal(size=7)
    assert spread(v).sd == pytest.approx(np.std(v, ddof=1))
    assert spread(v).sd > np.std(v)  # ddof=0 would understate the spread of few runs


def test_single_run_has_no_spread():
    s = spread([0.9])
    assert (s.n, s.mean, s.min, s.max) == (1, 0.9, 0.9, 0.9)
    assert math.isnan(s.sd) and math.isnan(s.se)
    assert s.format(".2f") == "0.90 ± – (0.90–0.90)"


def test_format():
    assert Spread.of([0.87, 0.88]).format(".1f", 100, " %") == "87.5 ± 0.7 % (87.0–88.0 %)"
    assert spread([19.4, 19.5, 19.6]).format() == "19.50 ± 0.10 (19.40–19.60)"


@pytest.mark.parametrize("bad, message", [
    ([], "empty"),
    ([1.0, float("nan")], "finite"),
    ([1.0, float("inf")], "finite"),
    ([1.0, "2"], "real numbers"),
    ([1.0, None], "real numbers"),
    ([True, False], "real numbers"),
    (np.array([True, False]), "real numbers"),
    ("123", "list or 1-D array"),
    (3.0, "list or 1-D array"),
    ([[1.0, 2.0], [3.0, 4.0]], "flat"),
])
def test_bad_runs_are_refused_with_a_clear_error(bad, message):
    with pytest.raises(ValueError, match=message):
        spread(bad)
    with pytest.raises(ValueError, match=message):
        runs_differ(bad, [1.0, 2.0])
    with pytest.raises(ValueError, match=message):
        runs_differ([1.0, 2.0], bad)


def test_runs_differ_needs_two_runs_a_side():
    with pytest.raises(ValueError, match="at least 2 runs.*a has 1"):
        runs_differ([0.5], [0.1, 0.2])
    with pytest.raises(ValueError, match="at least 2 runs.*b has 1"):
        runs_differ([0.1, 0.2], spread([0.5]))


def test_identical_runs_do_not_differ():
    a = [0.81, 0.83, 0.82]
    assert not runs_differ(a, a)
    assert verdict(a, list(a)) == NO_DIFFERENCE
    assert not runs_differ([1.0, 1.0], [1.0, 1.0])  # no spread at all, same value


def test_clearly_separated_runs_differ_either_way_round():
    a, b = [0.871, 0.866, 0.874], [0.802, 0.815, 0.809]
    assert runs_differ(a, b) and runs_differ(b, a)
    assert verdict(a, b, "AE", "PCA") == "AE > PCA"
    assert verdict(b, a, "PCA", "AE") == "PCA < AE"
    assert runs_differ(spread(a), spread(b))  # a Spread works as well as the values


def test_runs_without_spread_differ_when_their_values_do():
    assert runs_differ([13.87, 13.87], [3.1, 3.1])
    assert verdict([3.1, 3.1], [13.87, 13.87], "AE-30", "PCA-30") == "AE-30 < PCA-30"
    assert runs_differ([0.5, 0.5, 0.5], [0.48, 0.482, 0.484])  # a deterministic baseline against a model
    assert not runs_differ([0.5, 0.5, 0.5], [0.49, 0.495, 0.498])  # 0.006 apart, sd 0.004: within 2 sds


def test_overlapping_ranges_do_not_differ_whatever_the_means():
    # means 1.0 apart, sds 0.1, but one run of each set lands in the other's range: no verdict
    assert not runs_differ([0.0, 0.1, 1.2], [1.0, 1.1, 1.2])
    assert not runs_differ([0.0, 1.05], [1.0, 2.0])


def test_disjoint_ranges_within_the_margin_do_not_differ():
    a, b = [1.0, 2.0, 3.0], [3.1, 3.5, 3.9]  # disjoint, means 1.5 apart, larger sd 1.0: not more than 2 sds
    assert max(a) < min(b)
    assert not runs_differ(a, b)
    c = [3.1, 4.1, 5.1]  # disjoint from a, means 2.1 apart, larger sd 1.0: more than 2 sds
    assert runs_differ(a, c)
    d = [5.1, 5.2, 5.3]  # means 3.2 apart, more than 2 x 1.0
    assert runs_differ(a, d)


def test_margin_is_strict_at_the_boundary():
    # larger sd 1, means exactly 2 apart, ranges disjoint: not "more than" two sds
    a, b = np.array([-1.0, 0.0, 1.0]), np.array([1.5, 2.0, 2.5])
    assert MARGIN == 2.0 and not runs_differ(a, b)
    assert runs_differ(a, b + 0.01)


def test_two_runs_a_side():
    assert runs_differ([0.90, 0.91], [0.80, 0.81])
    assert not runs_differ([0.90, 0.80], [0.85, 0.86])


def test_false_positive_rate_and_power_match_the_docstring():
    """Simulated seeds, 3 runs a side from normal distributions: about 4 % false 'differ' when both sets come from
    the same distribution, most pairs 4 sds apart told apart (the numbers in the docstring)."""
    rng = np.random.default_rng(0)
    same = np.mean([runs_differ(rng.normal(size=3), rng.normal(size=3)) for _ in range(4000)])
    assert 0.02 < same < 0.065
    apart = np.mean([runs_differ(rng.normal(size=3), rng.normal(4.0, 1.0, size=3)) for _ in range(2000)])
    assert 0.87 < apart < 0.96
    five = np.mean([runs_differ(rng.normal(size=5), rng.normal(size=5)) for _ in range(4000)])
    assert five < 0.015
