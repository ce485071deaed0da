"""Noise models for denoising autoencoders. Seeded, inputs in [0, 1], outputs clipped to [0, 1].

Each function returns a new float32 array and leaves its input untouched:

- :func:`gaussian`: add N(0, sigma^2) to every pixel, then clip to [0, 1];
- :func:`salt_and_pepper`: set a fraction of the pixels to 0 or 1 (half each, on average);
- :func:`masking`: set a fraction of the pixels to 0 (Vincent et al. 2008's masking noise).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .checks import check_number


def _check(x: np.ndarray, level: float, name: str, high: float = 1.0) -> np.ndarray:
    check_number(name, level, 0.0, high, include_low=True, include_high=True)
    x = np.asarray(x, dtype=np.float32)
    if x.size and (x.min() < 0.0 or x.max() > 1.0):
        raise ValueError(f"images must have pixel values in [0, 1], got [{x.min():.3g}, {x.max():.3g}]; "
                         "scale them first")
    return x


def gaussian(x: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    """Additive Gaussian noise of standard deviation ``sigma`` (0..1), clipped to [0, 1]."""
    x = _check(x, sigma, "sigma")
    noise = np.random.default_rng(seed).normal(0.0, sigma, size=x.shape).astype(np.float32)
    return np.clip(x + noise, 0.0, 1.0)


def salt_and_pepper(x: np.ndarray, fraction: float, seed: int = 0) -> np.ndarray:
    """Set a ``fraction`` (0..1) of the pixels, chosen at random, to 0 or 1 with equal probability."""
    x = _check(x, fraction, "fraction")
    rng = np.random.default_rng(seed)
    hit = rng.random(x.shape) < fraction
    salt = rng.random(x.shape) < 0.5
    out = x.copy()
    out[hit] = salt[hit].astype(np.float32)
    return out


def masking(x: np.ndarray, fraction: float, seed: int = 0) -> np.ndarray:
    """Set a ``fraction`` (0..1) of the pixels, chosen at random, to 0."""
    x = _check(x, fraction, "fraction")
    keep = np.random.default_rng(seed).random(x.shape) >= fraction
    return x * keep


NOISE_MODELS: dict[str, Callable[..., np.ndarray]] = {
    "gaussian": gaussian,
    "salt_and_pepper": salt_and_pepper,
    "masking": masking,
}


def corrupt(x: np.ndarray, kind: str, level: float, seed: int = 0) -> np.ndarray:
    """Apply the noise model named ``kind`` (a key of :data:`NOISE_MODELS`) at ``level``."""
    if kind not in NOISE_MODELS:
        raise ValueError(f"unknown noise model {kind!r}; choose one of {sorted(NOISE_MODELS)}")
    return NOISE_MODELS[kind](x, level, seed)
