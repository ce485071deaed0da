"""Sphinx extension of the course website (book/_config.yml): pages readable at any width.

Adds ``static/course.css`` and ``static/course.js`` to every page: a cell's code wraps instead of running
off the right edge, printed tables and wide Markdown tables scroll sideways with a scroll bar that is always
drawn, wide screens get a wider text column, and a figure shown smaller than it was drawn opens at full
size on a click. The code cells that the lectures tag ``hide-input`` (check and figure cells, see
``python -m classroom tag-cells``) are folded by jupyter-book itself, behind a "Show code cell source" toggle.
tests/test_site.py checks all of it in Chromium.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

STATIC = Path(__file__).resolve().parent / "static"


def add_static_path(app: Sphinx, config) -> None:
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", add_static_path)
    app.add_css_file("course.css")
    app.add_js_file("course.js")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
