"""utils/checks.py: one rule for counts (NumPy integers yes, booleans no) and one for numbers."""

import numpy as np
import pytest

from utils.checks import check_int, check_number, non_negative_int, positive_int


@pytest.mark.parametrize("value", [1, 7, np.int64(7), np.int32(1), np.uint8(3)])
def test_positive_int_accepts_python_and_numpy_integers(value):
    out = positive_int("epochs", value)
    assert out == int(value) and type(out) is int


@pytest.mark.parametrize("value", [0, -1, True, False, np.bool_(True), 2.0, np.float64(3), "3", None, [1]])
def test_positive_int_refuses_the_rest(value):
    with pytest.raises(ValueError, match=r"epochs must be a positive int, got "):
        positive_int("epochs", value)


def test_non_negative_int_and_ranges():
    assert non_negative_int("seed", 0) == 0 and non_negative_int("seed", np.int64(5)) == 5
    with pytest.raises(ValueError, match="seed must be a non-negative int, got True"):
        non_negative_int("seed", True)
    assert check_int("n", 60000, 1, 60000) == 60000
    with pytest.raises(ValueError, match=r"n must be an int in 1..60000, got 60001"):
        check_int("n", 60001, 1, 60000)
    with pytest.raises(ValueError, match=r"k must be an int >= 2"):
        check_int("k", 1, 2)


@pytest.mark.parametrize("value", [1e-3, 1, np.float32(0.5), np.int64(2)])
def test_check_number_accepts_reals(value):
    out = check_number("learning_rate", value, 0, 10)
    assert out == pytest.approx(float(value)) and type(out) is float


@pytest.mark.parametrize("value", [True, np.bool_(False), 0, 10, -1, float("nan"), float("inf"), "0.1", None])
def test_check_number_refuses_booleans_text_and_out_of_range(value):
    with pytest.raises(ValueError, match=r"learning_rate must be a number in \(0, 10\)"):
        check_number("learning_rate", value, 0, 10)


def test_check_number_bounds_can_be_included():
    assert check_number("sigma", 0, 0, 1, include_low=True, include_high=True) == 0.0
    assert check_number("sigma", 1, 0, 1, include_low=True, include_high=True) == 1.0
    with pytest.raises(ValueError, match=r"sigma must be a number in \[0, 1\)"):
        check_number("sigma", 1, 0, 1, include_low=True)
