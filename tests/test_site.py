"""The course website (book/, README "Course website"): built from the committed notebooks with warnings as
errors, one page per notebook, and every page opened in a real browser (headless Chromium).

The build runs jupyter-book 1.x exactly as README says, into a temporary folder; any Sphinx warning (a broken
cross-reference, a notebook that no longer renders, a page missing from the table of contents) fails it. The
browser check opens each built page offline through Playwright with Debian's `chromium` (Playwright's own
browser download is not used) and fails on a JavaScript error, an error in the console, a request that fails
or leaves the machine, an image that does not load, a notebook figure missing from its page, or a formula
that MathJax did not render. It is skipped, with the reason, where Chromium or Playwright is not installed,
except in CI (CI=true), where .ci/run installs Chromium and a missing browser is a failure.

The site does not depend on the Keras backend: the JAX run of the test command skips this module.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# README's build command, without the output folder (README: --path-output book; here a temporary folder)
BUILD_ARGS = ["build", ".", "--config", "book/_config.yml", "--toc", "book/_toc.yml"]
STRICT_ARGS = ["-W", "-n", "--keep-going"]  # warnings are errors; report all of them, then fail
README_COMMAND = " ".join([".venv/bin/jupyter-book", *BUILD_ARGS, "--path-output", "book", *STRICT_ARGS])
FIGURE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
WIDGET_TYPE = "application/vnd.jupyter.widget-view+json"

pytestmark = pytest.mark.skipif(
    os.environ.get("KERAS_BACKEND") == "jax",
    reason="the course website does not depend on the Keras backend: built and checked in the TensorFlow run",
)


def notebook_outputs(path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [out for cell in cells if cell["cell_type"] == "code" for out in cell.get("outputs", [])]


def figure_count(path: Path) -> int:
    """How many figures (image outputs) the committed notebook holds."""
    return sum(any(kind in out.get("data", {}) for kind in FIGURE_TYPES) for out in notebook_outputs(path))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """Build the website once, with warnings as errors; return its html folder."""
    executable = Path(sys.executable).parent / "jupyter-book"
    if not executable.is_file():
        pytest.fail(f"jupyter-book is not installed beside {sys.executable}: pip install -r requirements.txt")
    out = tmp_path_factory.mktemp("site")
    start = time.perf_counter()
    result = subprocess.run(
        [str(executable), *BUILD_ARGS, "--path-output", str(out), *STRICT_ARGS],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    seconds = time.perf_counter() - start
    log = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)  # without terminal colours
    if result.returncode != 0 or "build succeeded" not in log:
        problems = [line for line in log.splitlines() if re.search(r"WARNING|ERROR|Error|Exception", line)]
        pytest.fail(
            f"the course website did not build cleanly (exit status {result.returncode}, warnings are errors):\n"
            + "\n".join(problems or log.splitlines()[-40:])
        )
    print(f"course website built in {seconds:.1f} s")
    html = out / "_build" / "html"
    assert (html / "index.html").is_file(), f"no index.html in {html}"
    return html


def test_readme_gives_the_build_command_the_test_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert README_COMMAND in readme, f"README should give the website's build command: {README_COMMAND}"
    assert "book/_build/html/index.html" in readme, "README should say where the built website opens"


def test_every_notebook_has_a_page_in_lecture_order(site):
    assert NOTEBOOKS, "no notebook in notebooks/"
    missing = [nb.name for nb in NOTEBOOKS if not (site / "notebooks" / f"{nb.stem}.html").is_file()]
    assert not missing, f"notebooks without a page on the website (book/_toc.yml): {missing}"
    # the navigation on the home page lists the lectures in the order of their file names (01, 02, ...)
    home = (site / "README.html").read_text(encoding="utf-8")
    nav = home[home.index("bd-docs-nav"):]
    nav = nav[: nav.index("</nav>")]
    linked = list(dict.fromkeys(re.findall(r'href="notebooks/([^"#]+)\.html"', nav)))
    assert linked == [nb.stem for nb in NOTEBOOKS], f"navigation lists {linked}"


def test_the_explorer_page_says_the_live_version_needs_a_kernel(site):
    """A widget is dead on a static page: the page shows its snapshot and says what the live version needs."""
    with_widgets = [nb for nb in NOTEBOOKS if any(WIDGET_TYPE in out.get("data", {}) for out in notebook_outputs(nb))]
    for nb in with_widgets:
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (site / "notebooks" / f"{nb.stem}.html").read_text()))
        needs_kernel = "needs a running kernel" in text and "JupyterLab" in text
        assert needs_kernel, f"{nb.name}: say on the page that the live explorer needs a running kernel (JupyterLab)"
        assert "static snapshot" in text, f"{nb.name}: the page should show the explorer's static snapshot"
    # nothing may load the ipywidgets bundle from a CDN (book/_config.yml: nb_ipywidgets_js)
    pages = [p.read_text() for p in site.rglob("*.html") if "_static" not in p.parts]
    assert not any("embed-amd.js" in page or "require.min.js" in page for page in pages)


def browser_executable() -> str:
    """Debian's chromium, or a skip (a failure in CI) that says how to install it."""
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "Playwright is not installed (pip install -r requirements.txt)"
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if problem is None and executable is None:
        problem = "no Chromium installed for the browser check (Debian: apt-get install chromium; .ci/run does)"
    if problem is None:
        return executable
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI must run the website's browser check: {problem}")
    pytest.skip(problem)


# Runs in each page once it has loaded: waits for MathJax (where the page loads it), then reports images
# that did not load, figures in the notebook's output cells, and formulas MathJax left unrendered.
PAGE_REPORT = """async () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
    const images = Array.from(document.images);
    const loaded = (img) => img.complete && img.naturalWidth > 0;
    const formulas = Array.from(document.querySelectorAll("span.math, div.math"));
    return {
        broken: images.filter((img) => !loaded(img)).map((img) => img.getAttribute("src")),
        figures: images.filter((img) => loaded(img) && img.closest(".cell_output")).length,
        formulas: formulas.length,
        unrendered: formulas.filter((f) => !f.querySelector("mjx-container")).map((f) => f.textContent.slice(0, 60)),
        navigation: document.querySelectorAll(".bd-docs-nav a").length,
        search_box: document.querySelectorAll("form.bd-search input, #pst-search-dialog input").length,
        contents: document.querySelectorAll("#pst-page-toc-nav a").length,
    };
}"""


def test_every_page_in_a_real_browser(site):
    executable = browser_executable()
    from playwright.sync_api import sync_playwright

    pages = sorted(p for p in site.rglob("*.html") if not {"_static", "_sources", "_images"} & set(p.parts))
    figures = {f"notebooks/{nb.stem}.html": figure_count(nb) for nb in NOTEBOOKS}
    problems = []
    start = time.perf_counter()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        context = browser.new_context()
        # the site must work offline: anything that is not a file of the site is refused and reported
        context.route(re.compile(r"^(?!file:|data:|blob:|about:)"), lambda route: route.abort())
        for path in pages:
            name = path.relative_to(site).as_posix()
            events = []
            page = context.new_page()
            page.on("pageerror", lambda error, events=events: events.append(f"JavaScript error: {error}"))
            page.on("console", lambda msg, events=events: msg.type == "error" and events.append(f"console: {msg.text}"))
            page.on("requestfailed", lambda req, events=events: events.append(f"request failed: {req.url}"))
            address = path.as_uri()
            page.goto(address, wait_until="load")
            if 'http-equiv="refresh"' in path.read_text(encoding="utf-8").lower():  # index.html sends on to README.html
                page.wait_for_url(lambda url, address=address: url != address)
                page.wait_for_load_state("load")
            report = page.evaluate(PAGE_REPORT)
            page.close()
            problems += [f"{name}: {event}" for event in events]
            problems += [f"{name}: image did not load: {src}" for src in report["broken"]]
            problems += [f"{name}: formula not rendered: {text!r}" for text in report["unrendered"]]
            if name in figures and report["figures"] != figures[name]:
                problems.append(f"{name}: {report['figures']} figures shown, the notebook has {figures[name]}")
            if name in figures or name == "README.html":
                if not (report["navigation"] and report["search_box"]):
                    problems.append(f"{name}: no navigation or no search box")
            if name in figures and not report["contents"]:
                problems.append(f"{name}: no contents of the page")
        # search works offline and finds every lecture
        page = context.new_page()
        page.goto((site / "search.html").as_uri() + "?q=autoencoder", wait_until="load")
        page.wait_for_selector("#search-results li a", timeout=15_000)
        # results are added one by one; the summary line says when the last one is in
        page.wait_for_function("() => (document.querySelector('#search-results .search-summary') || {}).innerText"
                               "?.includes('found')", timeout=15_000)
        hits = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")
        missed = [name for name in figures if not any(name in (hit or "") for hit in hits)]
        if missed:
            problems.append(f"search for 'autoencoder' does not find {missed}")
        browser.close()
    print(f"browser check: {len(pages)} pages in {time.perf_counter() - start:.1f} s")
    assert len(pages) >= len(NOTEBOOKS) + 1
    assert not problems, "the website in headless Chromium:\n" + "\n".join(problems)
