"""Reproducibility: one call seeds everything a lecture uses."""

from __future__ import annotations

import importlib
import os
import random

import keras
import numpy as np


def set_seed(seed: int = 0) -> None:
    """Seed Python, NumPy and the Keras backend, and ask the backend for deterministic ops.

    With the same seed, the same code on the same CPU gives the same numbers. Deterministic ops:
    TensorFlow's op determinism where it is available, PyTorch's deterministic algorithms; JAX on
    the CPU is deterministic already. This is the one place in the collection that touches a
    backend directly, because Keras 3 has no portable switch for it.

    Raises:
        ValueError: ``seed`` is not a non-negative int.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        tf = importlib.import_module("tensorflow")
        tf.config.experimental.enable_op_determinism()
    elif backend == "torch":
        torch = importlib.import_module("torch")
        torch.use_deterministic_algorithms(True, warn_only=True)
