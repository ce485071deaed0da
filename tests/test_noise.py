"""Noise models: statistics match the requested level, seeds reproduce, bad levels are refused."""

import numpy as np
import pytest

from utils.noise import corrupt, gaussian, masking, salt_and_pepper

GREY = np.full((200, 784), 0.5, np.float32)
ONES = np.ones((200, 784), np.float32)


@pytest.mark.parametrize("sigma", [0.05, 0.1, 0.2])
def test_gaussian_noise_has_requested_std(sigma):
    noisy = gaussian(GREY, sigma, seed=1)
    diff = noisy - GREY
    assert abs(diff.std() - sigma) < 0.01 * max(1, sigma * 10)
    assert abs(diff.mean()) < 0.005


def test_gaussian_noise_is_clipped():
    noisy = gaussian(GREY, 1.0, seed=1)
    assert noisy.min() == 0.0 and noisy.max() == 1.0


@pytest.mark.parametrize("fraction", [0.1, 0.3, 0.6])
def test_salt_and_pepper_hits_requested_fraction_half_salt(fraction):
    noisy = salt_and_pepper(GREY, fraction, seed=2)
    changed = noisy != 0.5
    assert abs(changed.mean() - fraction) < 0.01
    assert abs((noisy[changed] == 1.0).mean() - 0.5) < 0.02
    assert set(np.unique(noisy[changed])) <= {0.0, 1.0}


@pytest.mark.parametrize("fraction", [0.25, 0.5, 0.75])
def test_masking_zeroes_requested_fraction(fraction):
    noisy = masking(ONES, fraction, seed=3)
    assert abs((noisy == 0).mean() - fraction) < 0.01
    assert set(np.unique(noisy)) <= {0.0, 1.0}


@pytest.mark.parametrize("kind", ["gaussian", "salt_and_pepper", "masking"])
def test_same_seed_same_noise_and_input_untouched(kind):
    x = np.random.default_rng(0).random((10, 784)).astype(np.float32)
    before = x.copy()
    a, b, c = corrupt(x, kind, 0.3, seed=7), corrupt(x, kind, 0.3, seed=7), corrupt(x, kind, 0.3, seed=8)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    np.testing.assert_array_equal(x, before)
    assert a.dtype == np.float32 and a.min() >= 0 and a.max() <= 1


def test_zero_level_changes_nothing():
    x = np.random.default_rng(0).random((5, 784)).astype(np.float32)
    for kind in ("gaussian", "salt_and_pepper", "masking"):
        np.testing.assert_array_equal(corrupt(x, kind, 0.0), x)


@pytest.mark.parametrize("kind, level", [("gaussian", -0.1), ("gaussian", 1.5), ("masking", 1.01),
                                         ("salt_and_pepper", -1), ("masking", "0.5"), ("gaussian", True),
                                         ("masking", float("nan"))])
def test_level_out_of_range(kind, level):
    with pytest.raises(ValueError, match="must be a number in"):
        corrupt(GREY, kind, level)


def test_unknown_model_and_bad_pixels():
    with pytest.raises(ValueError, match="unknown noise model 'speckle'"):
        corrupt(GREY, "speckle", 0.1)
    with pytest.raises(ValueError, match=r"pixel values in \[0, 1\]"):
        gaussian(GREY * 255, 0.1)
