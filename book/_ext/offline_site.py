"""Sphinx extension of the course website (book/_config.yml): pages that work without a network and
without errors in the browser's console (tests/test_site.py opens every page in Chromium to check).

- MathJax comes with the site instead of from a CDN: MathJax 3 from the `django-static-mathjax` package
  (static files only, Django is not needed; in requirements.txt). Its combined TeX/MathML component and the
  parts it loads on demand (fonts, TeX extensions, accessibility, menu) are copied to `_static/mathjax/`.
- Thebe (live code through Binder) is switched off in _config.yml, yet sphinx-thebe still puts its set-up
  script into every page, twice, which is a JavaScript error ("THEBE_JS_URL has already been declared"):
  its scripts are left out of the pages.
"""

from __future__ import annotations

import importlib.resources
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

MATHJAX_COMPONENT = "tex-mml-chtml.js"  # the component Sphinx loads from the CDN by default
MATHJAX_ON_DEMAND = ("a11y", "adaptors", "input", "output/chtml", "sre", "ui")  # folders it may load from
MATHJAX_TARGET = "mathjax"  # below the site's _static/


def mathjax_source() -> Path:
    """The folder of the installed MathJax 3 distribution (`es5/`), or a clear error if it is missing."""
    try:
        root = Path(str(importlib.resources.files("mathjax") / "static" / "mathjax" / "es5"))
    except ModuleNotFoundError:
        root = None
    if root is None or not (root / MATHJAX_COMPONENT).is_file():
        raise ExtensionError(
            "offline_site: MathJax is not installed in this environment (package django-static-mathjax); "
            "install the project's packages with `.venv/bin/pip install -r requirements.txt`."
        )
    return root


def use_local_mathjax(app: Sphinx, config) -> None:
    """Point Sphinx's mathjax_path at the copy that copy_mathjax() puts into the built site."""
    mathjax_source()  # fail at the start of the build, not at its end
    config.mathjax_path = f"{MATHJAX_TARGET}/{MATHJAX_COMPONENT}"  # a relative path is served from _static/


def copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    """After a successful HTML build, copy MathJax into the site's _static/mathjax/."""
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir) / "_static" / MATHJAX_TARGET
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / MATHJAX_COMPONENT, target / MATHJAX_COMPONENT)
    for folder in MATHJAX_ON_DEMAND:
        shutil.copytree(source / folder, target / folder, dirs_exist_ok=True)


def is_thebe_script(script) -> bool:
    """sphinx-thebe's loader or its inline configuration (which defines THEBE_JS_URL)."""
    filename = str(getattr(script, "filename", "") or "")
    body = str(getattr(script, "attributes", {}).get("body", ""))
    return filename.endswith("sphinx-thebe.js") or "THEBE_JS_URL" in body


def drop_thebe_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Leave thebe's scripts out of the page (thebe is off; see the module's docstring)."""
    if "script_files" in context:
        context["script_files"] = [js for js in context["script_files"] if not is_thebe_script(js)]


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", use_local_mathjax)
    app.connect("build-finished", copy_mathjax)
    app.connect("html-page-context", drop_thebe_scripts, priority=900)  # after the extensions that add them
    return {"parallel_read_safe": True, "parallel_write_safe": True}
