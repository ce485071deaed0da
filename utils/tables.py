"""Tables printed in the notebooks.

- :func:`table`        rows of a result (one dict per row) as a Markdown table: rendered in Jupyter, printed
  elsewhere; returns the Markdown text
- :func:`auroc_table`  notebook 07's per-digit AUROCs, one column per method, with a row of means (plain text)
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import numpy as np

MISSING = "–"
"""What a cell without a value shows."""


def _cell(value: object, spec: str) -> str:
    """One cell: numbers (not booleans) formatted with ``spec``, anything else as ``str``; ``|`` escaped."""
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        text = format(value, spec) if isinstance(value, (float, np.floating)) else f"{value}"
    else:
        text = str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _show(text: str) -> None:
    """Render Markdown in a Jupyter kernel; print it anywhere else (a script, a plain Python prompt)."""
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:
        print(text)
        return
    shell = get_ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        display(Markdown(text))
    else:
        print(text)


def table(rows: Sequence[Mapping[str, object]], columns: Sequence[str] | None = None, *, float_format: str = ".3f",
          formats: Mapping[str, str] | None = None, show: bool = True) -> str:
    """Show ``rows`` (one dict per row, column name -> value) as a Markdown table; return its Markdown text.

    ``table([{"model": "PCA", "PSNR": 17.31}, {"model": "autoencoder", "PSNR": 21.08}])`` renders::

        | model       |   PSNR |
        |:------------|-------:|
        | PCA         | 17.310 |
        | autoencoder | 21.080 |

    Columns: ``columns`` in that order, or else every key of the rows in the order they first appear. Floats
    are formatted with ``float_format`` (a format spec such as ``".2f"`` or ``".1%"``), or with
    ``formats[column]`` for the columns it names; ints and text as they are; a missing value as ``–``.
    Columns whose values are all numbers are right-aligned. ``show``: render the table in Jupyter (printed
    outside a notebook); ``False`` only returns the text. In a notebook, end the line with ``;`` (or assign
    the result) so the returned text is not echoed below the table.

    Raises:
        ValueError: ``rows`` is empty or not a sequence of mappings, a column is named by no row, or a format
            spec does not format a number.
    """
    if isinstance(rows, Mapping) or not isinstance(rows, Sequence) or not rows:
        raise ValueError("rows must be a non-empty list of dicts (one per row, column name -> value)")
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise ValueError(f"rows[{i}] must be a dict (column name -> value), got {type(row).__name__}")
    keys = list(dict.fromkeys(k for row in rows for k in row))
    if columns is None:
        columns = keys
    else:
        if isinstance(columns, str) or not columns:
            raise ValueError(f"columns must be a non-empty list of column names, got {columns!r}")
        unknown = [c for c in columns if c not in keys]
        if unknown:
            raise ValueError(f"no row has the column(s) {unknown}; the rows have {keys}")
    formats = dict(formats or {})
    for column, spec in {"float_format": float_format, **formats}.items():
        try:
            format(1.5, spec)
        except (TypeError, ValueError):
            raise ValueError(f"the format of {column!r} must be a format spec such as '.2f', got {spec!r}") from None
    cells = [[_cell(row[c], formats.get(c, float_format)) if c in row else MISSING for c in columns] for row in rows]
    numeric = [all(isinstance(row.get(c), numbers.Real) and not isinstance(row.get(c), (bool, np.bool_))
                   for row in rows if c in row) for c in columns]
    header = [_cell(c, "") for c in columns]
    widths = [max(3, len(h), *(len(r[j]) for r in cells)) for j, h in enumerate(header)]

    def line(values: Sequence[str]) -> str:
        return "| " + " | ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if num else (":" + "-" * (w + 1)) for w, num in zip(widths, numeric))
    text = "\n".join([line(header), rule + "|", *(line(r) for r in cells)])
    if show:
        _show(text)
    return text


def auroc_table(columns: Mapping[str, Mapping[int, float]], row_name: str = "digit", percent: bool = False) -> str:
    """A per-digit table, one column per method, with the mean over the digits as the last row.

    ``columns`` maps a method to ``{digit: AUROC}``; digits missing from a column print as ``–`` and the
    mean of such a column is over the digits it has. ``percent``: print 98.0 instead of 0.980.
    """
    if not columns:
        raise ValueError("columns must hold at least one method")
    digits = sorted({d for col in columns.values() for d in col})
    width = max(9, *(len(name) for name in columns))
    fmt = (lambda v: f"{100 * v:.1f}") if percent else (lambda v: f"{v:.3f}")
    lines = [f"{row_name:>8s} " + " ".join(f"{name:>{width}s}" for name in columns)]
    for d in digits:
        cells = (fmt(col[d]) if d in col else MISSING for col in columns.values())
        lines.append(f"{d:>8d} " + " ".join(f"{c:>{width}s}" for c in cells))
    lines.append(f"{'mean':>8s} " + " ".join(f"{fmt(float(np.mean(list(col.values())))):>{width}s}"
                                              for col in columns.values()))
    return "\n".join(lines)
