"""Sphinx extension of the course website (book/_config.yml): the build refuses a lecture whose committed run
was not a full-mode run.

The website shows the notebooks as they are, with the outputs of their last run, and the lectures' text
describes the full-mode numbers. Running a lecture in JupyterLab (or nbconvert) in quick mode overwrites
those outputs (JupyterLab saves by itself), and a website built afterwards would show quick-mode numbers
under full-mode text while its build passed. Every lecture's setup cell prints the run's settings first
(``utils.notebook.setup``: ``mode: full | Keras ...``), so before reading any page this extension reads that
line from every notebook the website contains and stops the build, naming each notebook, when it says
another mode or when the notebook holds no outputs. (Students run their own copies, in ``student/``:
``python -m classroom students``.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

MODE_LINE = re.compile(r"^mode: (\S+)", re.M)


def run_mode(path: Path) -> str | None:
    """The mode the notebook's setup cell printed in its last run (``"full"``, ``"quick"``), or None."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        source = "".join(cell.get("source", ""))
        if cell.get("cell_type") != "code" or "setup(" not in source:
            continue
        for out in cell.get("outputs", []):
            text = out.get("text", "")
            found = MODE_LINE.search("".join(text) if isinstance(text, list) else text)
            if found:
                return found.group(1).rstrip("|").strip()
        return None
    return None


def problem(path: Path, shown_as: str) -> str | None:
    """Why the notebook at ``path`` (shown as ``shown_as``) must not be on the website, or None."""
    try:
        mode = run_mode(path)
    except (OSError, ValueError) as exc:
        return f"{shown_as}: cannot be read ({exc})"
    fix = (f"restore its committed full-mode run (git checkout -- {shown_as}) or run it again in full mode "
           f"(AE_MODE=full jupyter nbconvert --to notebook --execute --inplace {shown_as})")
    if mode == "full":
        return None
    if mode is None:
        return (f"{shown_as}: no run to show (its setup cell has no 'mode: ...' line: outputs cleared, or never "
                f"run); {fix}")
    return f"{shown_as}: its last run was in {mode} mode, not full mode (its setup cell prints 'mode: {mode}'); {fix}"


def check_notebooks(app: Sphinx, env, docnames: list[str]) -> None:
    """Stop the build when a notebook of the website was not last run in full mode."""
    problems = []
    for docname in sorted(env.found_docs):
        path = Path(env.doc2path(docname))
        if path.suffix == ".ipynb":
            found = problem(path, Path(path).relative_to(app.srcdir).as_posix())
            if found:
                problems.append(found)
    if problems:
        raise ExtensionError(
            "the website shows the lectures' full-mode runs, and these notebooks hold another run (students "
            "work in their copies in student/: python -m classroom students):\n  " + "\n  ".join(problems))


def setup(app: Sphinx) -> dict:
    app.connect("env-before-read-docs", check_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
