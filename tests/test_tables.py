"""utils/tables.py: Markdown tables of result rows, and notebook 07's per-digit AUROC table."""

import types

import IPython
import IPython.display
import numpy as np
import pytest

from utils.tables import auroc_table, table

ROWS = [{"model": "PCA", "PSNR": 17.3104, "weights": 0},
        {"model": "autoencoder", "PSNR": np.float32(21.08), "weights": 1_640_000, "note": "a|b"}]


def test_table_is_markdown_with_one_line_per_row():
    text = table(ROWS, show=False)
    lines = text.splitlines()
    assert lines[0].split("|")[1:-1] == [" model       ", "   PSNR ", " weights ", " note "]
    assert lines[1] == "|:------------|-------:|--------:|:-----|"  # numbers right-aligned, text left
    assert lines[2] == "| PCA         | 17.310 |       0 | –    |"  # a missing cell shows as –
    assert lines[3] == "| autoencoder | 21.080 | 1640000 | a\\|b |"  # | escaped, so the columns hold
    assert len(lines) == 4 and len({len(line) for line in lines}) == 1


def test_table_columns_and_formats():
    text = table(ROWS, ["PSNR", "model"], float_format=".1f", show=False)
    assert text.splitlines()[0].split("|")[1:-1] == [" PSNR ", " model       "]
    assert "| 17.3 | PCA " in text
    assert "| 17.31 |" in table(ROWS, formats={"PSNR": ".2f"}, show=False)
    assert "| 1,640,000 |" not in table(ROWS, show=False)  # ints as they are
    assert "| True |" in table([{"ok": True}], show=False)  # a boolean is not a number


@pytest.mark.parametrize("rows, kwargs, message", [
    ([], {}, "non-empty list"),
    ({"a": 1}, {}, "non-empty list"),
    ([{"a": 1}, 3], {}, r"rows\[1\] must be a dict"),
    ([{"a": 1}], {"columns": ["b"]}, "no row has"),
    ([{"a": 1}], {"columns": "a"}, "list of column names"),
    ([{"a": 1.0}], {"float_format": "%.2f"}, "format spec"),
    ([{"a": 1.0}], {"formats": {"a": "d"}}, "format spec"),
])
def test_table_rejects_bad_arguments(rows, kwargs, message):
    with pytest.raises(ValueError, match=message):
        table(rows, show=False, **kwargs)


def test_table_renders_markdown_in_a_jupyter_kernel_and_prints_elsewhere(monkeypatch, capsys):
    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)  # a script: printed
    text = table(ROWS)
    assert capsys.readouterr().out == text + "\n" and not shown
    monkeypatch.setattr(IPython, "get_ipython", lambda: types.SimpleNamespace(kernel=object()))  # a notebook
    assert table(ROWS) == text
    assert capsys.readouterr().out == "" and len(shown) == 1
    assert isinstance(shown[0], IPython.display.Markdown) and shown[0].data == text


def test_auroc_table_prints_a_mean_row():
    text = auroc_table({"a": {0: 0.9, 1: 0.7}, "b": {0: 0.5}})
    assert "0.800" in text.splitlines()[-1] and "0.500" in text.splitlines()[-1] and "–" in text
    assert "80.0" in auroc_table({"a": {0: 0.9, 1: 0.7}}, percent=True).splitlines()[-1]
    with pytest.raises(ValueError, match="at least one method"):
        auroc_table({})
