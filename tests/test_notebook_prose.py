"""Prose true to the printed numbers: every decimal number in a committed notebook's markdown must occur in
that notebook's outputs or code, or be a published figure cited with its source (``utils.published``, the
``Anchor`` values, plus the short list below).

This catches prose left behind when a re-execution changed the numbers. A number counts as printed when the
same digits appear in an output or a code cell, also after rounding an output number to fewer decimals
(an output of 86.98 backs "87.0" and "87").
"""

import json
import re
from pathlib import Path

import pytest

import utils.published as published

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
DECIMAL = re.compile(r"(?<![\w.])(\d+\.\d+)(?![\w.]*\d)")

#: Published figures quoted in the notebooks' prose that are not anchors in utils/published.py, with sources.
CITED: dict[str, str] = {
    "1.28": "Vincent et al. (2010), JMLR 11, table 3: stacked denoising autoencoder, MNIST test error %",
    "1.40": "Vincent et al. (2010), JMLR 11, table 3: stacked autoencoder, MNIST test error %",
    "7.49": "deeplearning.net Theano tutorial, logistic regression on MNIST, test error %",
    "1603.07285": "arXiv identifier of Dumoulin & Visin (2016), A guide to convolution arithmetic (a reference)",
    "1802.03426": "arXiv identifier of McInnes, Healy & Melville (2018), UMAP (a reference), notebook 08",
}


def _anchor_values() -> set[str]:
    values: set[str] = set()

    def add(anchor: published.Anchor) -> None:
        for v in anchor.value if isinstance(anchor.value, tuple) else (anchor.value,):
            values.update({f"{v:.2f}", f"{v:.1f}", str(v)})

    for obj in vars(published).values():
        if isinstance(obj, published.Anchor):
            add(obj)
        elif isinstance(obj, dict):
            for item in obj.values():
                if isinstance(item, published.Anchor):
                    add(item)
    return values


def _texts(nb: dict) -> tuple[list[tuple[int, str]], str]:
    markdown, other = [], []
    for i, cell in enumerate(nb["cells"]):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            markdown.append((i, source))
            continue
        other.append(source)
        for out in cell.get("outputs", []):
            other.append("".join(out.get("text", "")))
            for kind in ("text/plain", "text/markdown", "text/html"):
                other.append("".join(out.get("data", {}).get(kind, "")))
    return markdown, "\n".join(other)


def unbacked_numbers(nb: dict) -> list[tuple[int, str]]:
    """(cell index, number) for each decimal in the markdown that no output, code cell or citation backs."""
    markdown, other = _texts(nb)
    printed = set(re.findall(r"\d+\.\d+", other))
    for number in list(printed):
        for digits in range(0, 4):
            printed.add(f"{round(float(number), digits):.{digits}f}")
    allowed = printed | _anchor_values() | set(CITED)
    return [(i, n) for i, source in markdown for n in DECIMAL.findall(source) if n not in allowed]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_markdown_numbers_are_printed_or_cited(path):
    problems = unbacked_numbers(json.loads(path.read_text(encoding="utf-8")))
    assert not problems, (
        f"{path.name}: numbers in the markdown that no output or code of this run contains, and that are not "
        f"cited published figures (utils/published.py anchors, or CITED in this file): {problems}. Re-read the "
        "prose against the outputs, or cite the figure with its source.")


def test_the_guard_bites():
    nb = {"cells": [{"cell_type": "markdown", "source": ["The error fell to 3.74, then 19.42 dB."]},
                    {"cell_type": "code", "source": ["print(x)"],
                     "outputs": [{"output_type": "stream", "text": ["PSNR 19.4213 dB\n"]}]}]}
    assert unbacked_numbers(nb) == [(0, "3.74")]  # 19.42 is a rounding of the printed 19.4213
    nb["cells"][0]["source"] = ["Hinton & Salakhutdinov report 3.00 and 13.87; ours printed 19.42."]
    assert unbacked_numbers(nb) == []  # published anchors
