"""How long a lecture's sections take in class, from its executed notebook (the class plan in book/teaching.md).

Per ``## `` section: the words of its markdown, of its visible code and of its printed text; its *predict before
you run* questions; its cells' run time (from the execution timestamps nbconvert/JupyterLab record). Minutes in
class = words / 200 words a minute x 2.5 (explaining, not reading) + run time + 2.5 minutes per question.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import ClassroomError

WORDS_PER_MINUTE = 200
LECTURE_FACTOR = 2.5
MINUTES_PER_QUESTION = 2.5


@dataclass(frozen=True)
class Section:
    """One ``## `` section of a notebook (the cells before the first one: ``"title and setup"``)."""

    title: str
    core: bool
    words: int
    questions: int
    run_seconds: float

    @property
    def minutes(self) -> float:
        """Minutes in class: reading x 2.5, plus run time, plus the predict questions."""
        return (self.words / WORDS_PER_MINUTE * LECTURE_FACTOR + self.run_seconds / 60
                + self.questions * MINUTES_PER_QUESTION)


def _seconds(cell: dict) -> float:
    meta = cell.get("metadata", {}).get("execution", {})
    try:
        start, end = meta["iopub.execute_input"], meta["shell.execute_reply"]
    except KeyError:
        return 0.0
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def _printed(cell: dict) -> str:
    text = []
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if out.get("output_type") == "stream":
            text.append("".join(out["text"]))
        elif "text/markdown" in data:
            text.append("".join(data["text/markdown"]))
        elif "text/plain" in data and not {"image/png", "text/html"} & data.keys():
            text.append("".join(data["text/plain"]))
    return "\n".join(text)


def sections(path: Path) -> list[Section]:
    """The sections of an executed notebook, in order, with their words, questions and run time.

    Raises:
        ClassroomError: the file is not a readable notebook.
    """
    try:
        cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError) as err:
        raise ClassroomError(f"{path}: not a readable notebook ({err}); give an .ipynb file.") from None
    found, title, core, words, questions, seconds = [], "title and setup", True, 0, 0, 0.0
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and source.startswith("## "):
            found.append(Section(title, core, words, questions, seconds))
            title = source.splitlines()[0][3:].strip()
            core, words, questions, seconds = "(core)" in title or title == "Summary", 0, 0, 0.0
        if cell["cell_type"] == "markdown":
            words += len(source.split())
            questions += len(re.findall(r"Predict before you run", source))
        elif cell["cell_type"] == "code":
            hidden = cell.get("metadata", {}).get("jupyter", {}).get("source_hidden", False)
            words += (0 if hidden else len(source.split())) + len(_printed(cell).split())
            seconds += _seconds(cell)
    found.append(Section(title, core, words, questions, seconds))
    return found
