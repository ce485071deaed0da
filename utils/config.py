"""The quick/full switch and the other environment variables the collection reads.

=================  ==========================================================
``AE_MODE``        ``full`` (default): all 60,000 training images, long training.
                   ``quick``: a subset and few epochs, for tests (1-2.5 min per lecture, 2 cores).
``AE_MNIST_PATH``  a local ``mnist.npz`` in Keras layout; used instead of the
                   Keras download (offline classrooms, CI).
``AE_CACHE``       ``off`` switches the train-or-load cache off.
``AE_CACHE_DIR``   where the cache lives (default: ``.model_cache/`` in the project).
=================  ==========================================================

The mode and the cache switches are read here and nowhere else (each function takes an optional mapping
instead of ``os.environ``, for tests): :func:`utils.training.train` asks :func:`cache_dir` once per call
and passes the folder to :class:`utils.cache.ModelCache`. ``AE_MNIST_PATH`` is read by :mod:`utils.data`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

MODES = ("full", "quick")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mode:
    """The run mode of a notebook: ``full`` for teaching, ``quick`` for tests."""

    name: str

    def __post_init__(self) -> None:
        if self.name not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {self.name!r}")

    @property
    def quick(self) -> bool:
        """True in quick mode."""
        return self.name == "quick"

    def pick(self, full: T, quick: T) -> T:
        """Return ``full`` in full mode and ``quick`` in quick mode.

        Example: ``EPOCHS = mode.pick(full=30, quick=4)``.
        """
        return quick if self.quick else full

    def __str__(self) -> str:
        return self.name


def get_mode(env: dict[str, str] | None = None) -> Mode:
    """Read the mode from ``AE_MODE`` (default ``full``).

    Raises:
        ValueError: ``AE_MODE`` is set to something other than ``full`` or ``quick``.
    """
    env = os.environ if env is None else env
    value = env.get("AE_MODE", "full").strip().lower() or "full"
    if value not in MODES:
        raise ValueError(
            f"AE_MODE={value!r} is not a mode; set AE_MODE to 'full' (teaching) or 'quick' (tests)."
        )
    return Mode(value)


def cache_dir(env: dict[str, str] | None = None) -> Path | None:
    """Folder of the train-or-load cache, or ``None`` when ``AE_CACHE=off``."""
    env = os.environ if env is None else env
    switch = env.get("AE_CACHE", "on").strip().lower()
    if switch in ("off", "0", "false", "no"):
        return None
    if switch not in ("on", "1", "true", "yes", ""):
        raise ValueError(f"AE_CACHE={switch!r} is not understood; use 'on' or 'off'.")
    folder = env.get("AE_CACHE_DIR", "").strip()
    return Path(folder).expanduser() if folder else PROJECT_ROOT / ".model_cache"
