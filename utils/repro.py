"""Reproducibility: one call seeds everything a lecture uses."""

from __future__ import annotations

import importlib

from . import backend as _backend  # noqa: F401  (before keras: hides TensorFlow's start-up lines)
import keras

from .checks import non_negative_int


def set_seed(seed: int = 0) -> None:
    """Seed Python, NumPy and the Keras backend, and ask the backend for deterministic ops.

    The seeding is :func:`keras.utils.set_random_seed`'s (Keras 3: Python's ``random``, NumPy's global
    generator, TensorFlow's seed when it is installed, PyTorch's under that backend, and Keras' own global
    seed generator). On top, deterministic ops: TensorFlow's op determinism, PyTorch's deterministic
    algorithms; JAX on the CPU is deterministic already. With the same seed, the same code on the same
    CPU gives the same numbers. This is the one place in the collection that touches a backend directly,
    because Keras 3 has no portable switch for determinism.

    Raises:
        ValueError: ``seed`` is not a non-negative int (NumPy integers are accepted, booleans are not).
    """
    keras.utils.set_random_seed(non_negative_int("seed", seed))
    backend = keras.backend.backend()
    if backend == "tensorflow":
        tf = importlib.import_module("tensorflow")
        tf.config.experimental.enable_op_determinism()
    elif backend == "torch":
        torch = importlib.import_module("torch")
        torch.use_deterministic_algorithms(True, warn_only=True)
