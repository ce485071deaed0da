"""Argument checks shared by the helpers: one rule for counts, one for numbers, one for batches of images.

A count (epochs, batch size, layer size, seed...) is a Python or NumPy integer; ``True`` and ``False``
are refused although Python treats them as 1 and 0, since ``epochs=True`` is always a mistake. A number
(learning rate, noise level...) is a Python or NumPy int or float, never a boolean. Each check returns
the value as a plain ``int`` or ``float`` and raises :class:`ValueError` with the argument's name.
:func:`flat_images` checks a non-empty batch of flattened images, shape (n, pixels).

>>> positive_int("epochs", np.int64(30))
30
"""

from __future__ import annotations

import numbers

import numpy as np


def _is_bool(value: object) -> bool:
    return isinstance(value, (bool, np.bool_))


def check_int(name: str, value: object, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is an integer (not a boolean) in ``minimum..maximum``.

    Raises:
        ValueError: ``value`` is a boolean, not an integer, or out of range; the message names ``name``.
    """
    if maximum is None:
        wanted = "a positive int" if minimum == 1 else "a non-negative int" if minimum == 0 else f"an int >= {minimum}"
    else:
        wanted = f"an int in {minimum}..{maximum}"
    if _is_bool(value) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be {wanted}, got {value!r}")
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {wanted}, got {value!r}")
    return value


def positive_int(name: str, value: object) -> int:
    """Return ``value`` as an ``int`` if it is an integer >= 1 (NumPy integers too; booleans refused).

    Raises:
        ValueError: ``{name} must be a positive int, got ...``.
    """
    return check_int(name, value, 1)


def non_negative_int(name: str, value: object) -> int:
    """Return ``value`` as an ``int`` if it is an integer >= 0, e.g. a seed (booleans refused).

    Raises:
        ValueError: ``{name} must be a non-negative int, got ...``.
    """
    return check_int(name, value, 0)


def optional_positive_int(name: str, value: object) -> int | None:
    """Return ``None`` for ``None``, else ``value`` as an ``int`` if it is an integer >= 1 (booleans refused).

    Raises:
        ValueError: ``{name} must be a positive int or None, got ...``.
    """
    if value is None:
        return None
    try:
        return positive_int(name, value)
    except ValueError:
        raise ValueError(f"{name} must be a positive int or None, got {value!r}") from None


def check_number(name: str, value: object, low: float, high: float, *, include_low: bool = False,
                 include_high: bool = False) -> float:
    """Return ``value`` as a ``float`` if it is a real number (not a boolean) between ``low`` and ``high``.

    The bounds are excluded unless ``include_low`` / ``include_high`` say otherwise; NaN is refused.

    Raises:
        ValueError: ``{name} must be a number in (low, high), got ...`` (brackets show the bounds' inclusion).
    """
    interval = f"{'[' if include_low else '('}{low:g}, {high:g}{']' if include_high else ')'}"
    if _is_bool(value) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number in {interval}, got {value!r}")
    v = float(value)
    above = v >= low if include_low else v > low
    below = v <= high if include_high else v < high
    if not (above and below):  # NaN fails both
        raise ValueError(f"{name} must be a number in {interval}, got {value!r}")
    return v


def flat_images(name: str, x: object) -> np.ndarray:
    """Return ``x`` as an array if it is a non-empty batch of flattened images, shape (n, pixels).

    The array keeps its dtype; nothing is copied when ``x`` is an array already.

    Raises:
        ValueError: ``{name} must be a non-empty batch of flattened images, shape (n, pixels), got ...``.
    """
    x = np.asarray(x)
    if x.ndim != 2 or len(x) == 0:
        raise ValueError(f"{name} must be a non-empty batch of flattened images, shape (n, pixels), got {x.shape}")
    return x
