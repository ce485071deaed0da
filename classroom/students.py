"""Student copies of the lectures: ``python -m classroom students`` writes ``student/NN_topic.ipynb``.

A student copy is its lecture (``notebooks/NN_topic.ipynb``) with the run taken out and nothing else changed:

- every code cell's outputs and execution count are cleared, and with them the run's traces: the execution
  times nbconvert stores in a cell's metadata, the output view settings (``collapsed``, ``scrolled``,
  ``jupyter.outputs_hidden``) and the notebook's saved widget state (notebook 02's explorer);
- every cell's source, every markdown cell, the cell ids, the tags and the hidden-source marks of the check
  cells, the kernel and the notebook format stay exactly as in the lecture.

The predict answers and exercise solutions stay in the copies, folded (``<details>``), as in the lectures:
students answer first and then open the fold to check themselves, which self-study needs; the same text is
on the course website and in ``notebooks/``, so removing it would hide nothing and would make the copies
differ from the lectures by more than their outputs. :func:`unfolded_answers` finds an answer left
unfolded (tests/test_classroom.py checks that there is none).

The copies live in ``student/``, beside ``notebooks/``, so that their first cell's
``sys.path.insert(0, "..")`` finds ``utils/`` exactly as the lectures' does. A copy that a student has run
(it has outputs) or edited is never overwritten without ``--force``.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import ROOT, ClassroomError

LECTURES = ROOT / "notebooks"
STUDENT = ROOT / "student"

#: Cell metadata a run writes (nbconvert's execution times, JupyterLab's output view settings).
RUN_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")
#: Notebook metadata a run writes: the state of the widgets it displayed.
RUN_NOTEBOOK_METADATA = ("widgets",)


def read_notebook(path: Path) -> dict[str, Any]:
    """The notebook at ``path`` as JSON, or a :class:`ClassroomError` saying why it cannot be read."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ClassroomError(f"{path}: not a readable notebook ({exc})") from exc
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ClassroomError(f"{path}: not a Jupyter notebook (no list of cells)")
    return nb


def notebook_text(nb: dict[str, Any]) -> str:
    """The file text Jupyter writes for ``nb`` (nbformat's layout), so that a copy diffs cleanly."""
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def student_copy(lecture: dict[str, Any]) -> dict[str, Any]:
    """The student copy of ``lecture`` (a notebook as JSON): outputs and run traces cleared, the rest kept."""
    nb = copy.deepcopy(lecture)
    for key in RUN_NOTEBOOK_METADATA:
        nb.get("metadata", {}).pop(key, None)
    for cell in nb["cells"]:
        meta = cell.setdefault("metadata", {})
        for key in RUN_METADATA:
            meta.pop(key, None)
        jupyter = meta.get("jupyter")
        if isinstance(jupyter, dict):
            jupyter.pop("outputs_hidden", None)
            if not jupyter:
                del meta["jupyter"]
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def has_outputs(nb: dict[str, Any]) -> bool:
    """Whether any code cell of ``nb`` holds an output or an execution count (someone ran it)."""
    return any(cell.get("outputs") or cell.get("execution_count") is not None
               for cell in nb["cells"] if cell.get("cell_type") == "code")


def code_sources(nb: dict[str, Any]) -> list[str]:
    """The source of every code cell, in order."""
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c.get("cell_type") == "code"]


_DETAILS = re.compile(r"<details>.*?</details>", re.S)


def unfolded_answers(nb: dict[str, Any]) -> list[int]:
    """Indices of markdown cells with a predict question whose answer is not folded, or an exercise list with
    fewer folded solutions than exercises (the lectures' layout: ``<details><summary>Answer`` or
    ``Solution``)."""
    bad = []
    for i, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") != "markdown":
            continue
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        outside = _DETAILS.sub("", text)
        if "**Predict before you run:**" in text and "<details>" not in text:
            bad.append(i)
        elif text.lstrip().startswith("## Exercises"):
            exercises = re.findall(r"^\d+\. \*\*", text, flags=re.M)
            if len(_DETAILS.findall(text)) < len(exercises) or "```" in outside:
                bad.append(i)
    return bad


@dataclass
class Written:
    """What :func:`write_student_copies` did, by file name."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def expected_copies(lectures: Path = LECTURES) -> dict[str, str]:
    """File name -> text of the student copy of every lecture in ``lectures``."""
    paths = sorted(lectures.glob("*.ipynb"))
    if not paths:
        raise ClassroomError(f"no lecture notebook (*.ipynb) in {lectures}")
    return {p.name: notebook_text(student_copy(read_notebook(p))) for p in paths}


def write_student_copies(lectures: Path = LECTURES, out: Path = STUDENT, *, force: bool = False) -> Written:
    """Write the student copy of every lecture in ``lectures`` into ``out``; remove copies of lectures that
    no longer exist.

    A file in ``out`` that a student has run (it has outputs) is left alone unless ``force``: the command
    stops first, naming the files, and writes nothing.
    """
    copies = expected_copies(lectures)
    out.mkdir(parents=True, exist_ok=True)
    existing = {p.name: p for p in sorted(out.glob("*.ipynb"))}
    if not force:
        used = [name for name, path in existing.items()
                if path.read_text(encoding="utf-8") != copies.get(name) and _was_run(path)]
        if used:
            raise ClassroomError(
                f"{len(used)} file(s) in {out} were run or edited since they were written ({', '.join(used)}): "
                "they may hold a student's work, so nothing was written. Move them elsewhere, or run again "
                "with --force to replace them.")
    done = Written()
    for name, text in copies.items():
        path = out / name
        if name in existing and existing[name].read_text(encoding="utf-8") == text:
            done.unchanged.append(name)
            continue
        tmp = path.with_name(f".{name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        done.written.append(name)
    for name, path in existing.items():
        if name not in copies:
            path.unlink()
            done.removed.append(name)
    return done


def _was_run(path: Path) -> bool:
    try:
        return has_outputs(read_notebook(path))
    except ClassroomError:
        return True  # unreadable: not something this command wrote; do not replace it silently


def stale_copies(lectures: Path = LECTURES, out: Path = STUDENT) -> list[str]:
    """Names of student copies in ``out`` that differ from what :func:`write_student_copies` would write,
    are missing, or belong to no lecture (empty: ``out`` is up to date)."""
    copies = expected_copies(lectures)
    existing = {p.name: p for p in out.glob("*.ipynb")} if out.is_dir() else {}
    stale = [name for name, text in copies.items()
             if name not in existing or existing[name].read_text(encoding="utf-8") != text]
    return sorted(stale + [name for name in existing if name not in copies])
