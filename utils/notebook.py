"""Notebook plumbing: the one call at the top of every lecture.

A lecture's setup cell is::

    import sys; sys.path.insert(0, "..")  # plumbing: find utils/ from notebooks/
    from utils.notebook import setup      # first: hides TensorFlow's start-up log
    import keras, numpy as np, matplotlib.pyplot as plt
    mode = setup(seed=0)

:func:`setup` seeds everything, applies the shared figure style and prints one line that says how the
notebook runs (mode, Keras version and backend, where MNIST comes from), so that a reader of the
executed notebook can tell which run its numbers come from.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import backend as _backend  # noqa: F401  (before keras: hides TensorFlow's start-up lines)
import keras

from .config import Mode, get_mode
from .data import mnist_source
from .plots import use_style
from .repro import set_seed


def setup(seed: int = 0, env: Mapping[str, str] | None = None) -> Mode:
    """Seed Python, NumPy and the backend, set the figure style, print the run's settings; return the mode.

    Args:
        seed: the notebook's seed (a non-negative int).
        env: the environment to read ``AE_MODE`` and ``AE_MNIST_PATH`` from (default: ``os.environ``).

    Returns:
        the :class:`utils.config.Mode` read from ``AE_MODE`` (``full`` unless set to ``quick``).

    Raises:
        ValueError: ``AE_MODE`` is not ``full`` or ``quick``, or ``seed`` is not a non-negative int.
    """
    mode = get_mode(env)
    set_seed(seed)
    use_style()
    print(f"mode: {mode} | Keras {keras.__version__}, backend {keras.backend.backend()} | "
          f"seed {seed} | MNIST: {mnist_source(env=env)}")
    return mode
