"""The committed notebooks follow the collection's conventions (their execution is tested by nbval)."""

import base64
import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def notebook(request):
    return request.param, json.loads(request.param.read_text(encoding="utf-8"))


def test_names_follow_nn_topic():
    assert NOTEBOOKS, "no notebook in notebooks/"
    for path in NOTEBOOKS:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name), path.name


def test_opens_with_header_then_one_setup_cell(notebook):
    path, nb = notebook
    first, second = nb["cells"][0], nb["cells"][1]
    header = "".join(first["source"])
    assert first["cell_type"] == "markdown" and header.startswith("# "), f"{path.name}: no title cell"
    for needed in ("You will learn", "Prerequisites", "Run time", "full mode", "quick"):
        assert needed in header, f"{path.name}: header lacks '{needed}'"
    setup = "".join(second["source"])
    assert second["cell_type"] == "code" and "setup(seed=" in setup, f"{path.name}: no setup(seed=...) call"
    assert len(setup.strip().splitlines()) <= 8, f"{path.name}: setup cell longer than 8 lines"


def test_teaches_in_marked_sections_with_predictions(notebook):
    path, nb = notebook
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    sections = re.findall(r"^## \d+\. .*$", markdown, flags=re.M)
    assert sections and all(s.rstrip().endswith(("(core)", "(optional)")) for s in sections), (
        f"{path.name}: every numbered section is marked (core) or (optional): {sections}")
    assert markdown.count("**Predict before you run:**") >= 2, f"{path.name}: fewer than two predict-first questions"
    exercises = markdown.split("## Exercises", 1)[1].split("## Summary", 1)[0]
    numbered = re.findall(r"^\d+\. \*\*.*?(?=^\d+\. \*\*|\Z)", exercises, flags=re.M | re.S)
    assert numbered and all("Cost" in e for e in numbered), f"{path.name}: an exercise does not state its CPU cost"


def test_committed_run_is_full_mode_in_order_without_errors_or_local_paths(notebook):
    path, nb = notebook
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    counts = [c.get("execution_count") for c in code]
    assert None not in counts, f"{path.name}: cells never executed"
    assert counts == list(range(counts[0], counts[0] + len(counts))), f"{path.name}: not run top to bottom"
    outputs = [o for c in code for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"], f"{path.name}: error output"
    first_text = "".join(o.get("text", "") if isinstance(o.get("text", ""), str) else "".join(o["text"])
                         for o in code[0].get("outputs", []))
    assert "mode: full" in first_text, f"{path.name}: committed copy was not executed in full mode"
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"/(root|home|tmp|work|Users)/[^\s\"']+", text), f"{path.name}: a local path in the notebook"
    assert path.stat().st_size < 2_000_000, f"{path.name}: over 2 MB"


def test_has_checks_exercises_summary_references(notebook):
    path, nb = notebook
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert code.count("assert ") >= 2, f"{path.name}: fewer than two check assertions"
    assert "<details>" in markdown and "## Exercises" in markdown
    assert "## Summary" in markdown and "## References" in markdown
    placeholder = "⟪" in markdown or "⟨" in markdown or re.search(r"__[A-Z][A-Z0-9_]*__", markdown)
    assert not placeholder, f"{path.name}: a placeholder is left"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_figures_are_drawn_for_a_projector(path):
    """Every figure at the shared style's 110 dpi, as a compact palette PNG (utils.plots.compact_png)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    pngs = [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
    assert pngs, f"{path.name}: no figure"
    for png in pngs:
        image = Image.open(io.BytesIO(base64.b64decode(png)))
        dpi = image.info.get("dpi", (0, 0))
        assert round(min(dpi)) >= 110 and image.mode == "P", f"{path.name}: a figure at {dpi} dpi, mode {image.mode}"


def test_readme_and_benchmarks_have_no_unfilled_placeholder():
    for name in ("README.md", "BENCHMARKS.md"):
        text = (ROOT / name).read_text()
        assert "⟪" not in text and not re.search(r"__[A-Z][A-Z0-9_]*__", text), f"{name}: a placeholder is left"


#: Lectures rewritten to the reading rules of the lecture issue (01-04): every code cell at most 20 lines of at
#: most 100 characters, and no `assert` in a cell the student sees (checks are folded away: source_hidden, and
#: tagged hide-input for the website). Add a lecture here when it is rewritten (05-07: issue 23).
READABLE = ("01", "02", "03", "04", "05", "06", "07", "08")


@pytest.mark.parametrize("number", READABLE)
def test_lesson_cells_are_short_and_checks_folded(number):
    path = next(p for p in NOTEBOOKS if p.name.startswith(number + "_"))
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        lines = "".join(cell["source"]).splitlines()
        assert len(lines) <= 20, f"{path.name}, cell {i}: {len(lines)} lines (at most 20)"
        long = [line for line in lines if len(line) > 100]
        assert not long, f"{path.name}, cell {i}: a line of {len(long[0])} characters (at most 100)"
        if re.search(r"^\s*assert\b", "\n".join(lines), flags=re.M):
            folded = cell["metadata"].get("jupyter", {}).get("source_hidden") is True
            tagged = "hide-input" in cell["metadata"].get("tags", [])
            assert folded and tagged, f"{path.name}, cell {i}: a check cell the student sees (fold it, tag it)"
