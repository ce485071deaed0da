"""Plumbing behind a toggle: ``python -m classroom tag-cells`` marks the lectures' check and figure cells.

A check cell verifies what the lesson just showed (``assert ...``, then a printed line such as
``check passed: ...``); a figure cell lays out a figure from results computed above. To a reader of the
course website their code is plumbing, while the printed line and the figure are the lesson. The command
gives each such cell of ``notebooks/*.ipynb``

- the cell tag ``hide-input``: the website (jupyter-book) shows the output and folds the code behind a
  "Show code cell source" toggle;
- the metadata ``"jupyter": {"source_hidden": true}``: JupyterLab shows the code collapsed (a click opens it).

The rules read the cell's code alone, so they give the same answer before and after a run and in the
student copies. No cell that trains or runs a model is ever hidden: a cell that calls ``train``, ``fit``,
``compile``, ``predict``, ``evaluate``, ``encode`` or ``decode``, or that does not parse, stays visible.

- **Check cell**: it asserts (at least one ``assert`` statement) and draws nothing (no ``plot...``,
  ``show...``, ``subplots``, ``figure``, ``imshow``, ``savefig``, nothing called on ``plt``, ``ax``,
  ``axes`` or ``fig``). It may import and build a helper's network to compare it with the hand-written one
  (notebooks 01, 03, 05 and 07 call that "the check" and show the helper's call in the text above it).
- **Figure cell**: it makes a figure (``plt.subplots`` or ``plt.figure``, also inside a function it defines)
  and neither prints, asserts nor imports: everything it computes goes into the figure.

It is idempotent: a second run changes nothing. It only adds the two marks (it never removes a tag) and
writes only the notebooks that change, in the layout Jupyter writes. ``--dry-run`` lists the cells without
writing.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from . import ROOT
from .students import notebook_text, read_notebook

TAG = "hide-input"
MODELLING_CALLS = frozenset({"train", "fit", "compile", "predict", "evaluate", "encode", "decode"})
DRAWING_CALLS = frozenset({"subplots", "figure", "imshow", "savefig", "show"})
DRAWING_PREFIXES = ("plot", "show")
DRAWING_OBJECTS = frozenset({"plt", "ax", "axes", "fig"})


def _call_name(call: ast.Call) -> tuple[str, str | None]:
    """The called function's name and, for ``a.b.f()``, the name at the root (``a``)."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id, None
    if isinstance(func, ast.Attribute):
        root = func.value
        while isinstance(root, (ast.Attribute, ast.Call, ast.Subscript)):
            root = root.func if isinstance(root, ast.Call) else root.value
        return func.attr, root.id if isinstance(root, ast.Name) else None
    return "", None


def cell_kind(source: str) -> str | None:
    """``"check"``, ``"figure"`` or ``None`` (a lesson cell) for a code cell with ``source`` (the rules in the
    module's docstring)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    nodes = list(ast.walk(tree))
    calls = [_call_name(n) for n in nodes if isinstance(n, ast.Call)]
    if any(name in MODELLING_CALLS for name, _ in calls):
        return None
    asserts = any(isinstance(n, ast.Assert) for n in nodes)
    draws = any(name in DRAWING_CALLS or name.startswith(DRAWING_PREFIXES) or root in DRAWING_OBJECTS
                for name, root in calls)
    if asserts and not draws:
        return "check"
    makes_figure = any(root == "plt" and name in ("subplots", "figure") for name, root in calls)
    imports = any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in nodes)
    prints = any(name == "print" for name, root in calls)
    if makes_figure and not (asserts or imports or prints):
        return "figure"
    return None


def _source(cell: dict[str, Any]) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def plumbing_cells(nb: dict[str, Any]) -> dict[int, str]:
    """Index (in ``nb["cells"]``) -> ``"check"`` or ``"figure"``, for every cell of ``nb`` to hide."""
    kinds = {i: cell_kind(_source(c)) for i, c in enumerate(nb["cells"]) if c.get("cell_type") == "code"}
    return {i: kind for i, kind in kinds.items() if kind}


def is_tagged(cell: dict[str, Any]) -> bool:
    meta = cell.get("metadata", {})
    return TAG in meta.get("tags", []) and meta.get("jupyter", {}).get("source_hidden") is True


def tag_cells(nb: dict[str, Any]) -> list[int]:
    """Tag every check and figure cell of ``nb`` in place; return the indices of the cells that changed."""
    changed = []
    for i in plumbing_cells(nb):
        cell = nb["cells"][i]
        if is_tagged(cell):
            continue
        meta = cell.setdefault("metadata", {})
        tags = meta.setdefault("tags", [])
        if TAG not in tags:
            tags.append(TAG)
        jupyter = meta.get("jupyter")
        meta["jupyter"] = {**(jupyter if isinstance(jupyter, dict) else {}), "source_hidden": True}
        changed.append(i)
    return changed


def tag_notebooks(folder: Path = ROOT / "notebooks", *,
                  write: bool = True) -> dict[str, tuple[dict[int, str], list[int]]]:
    """Tag the check and figure cells of every notebook in ``folder``; per file name, (the cells to hide, by
    index, with their kind; the cells changed now).

    With ``write=False`` nothing is written (the cells that would change are still listed).
    """
    report = {}
    for path in sorted(folder.glob("*.ipynb")):
        nb = read_notebook(path)
        checks = plumbing_cells(nb)
        changed = tag_cells(nb)
        if changed and write:
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(notebook_text(nb), encoding="utf-8")
            tmp.replace(path)
        report[path.name] = (checks, changed)
    return report
