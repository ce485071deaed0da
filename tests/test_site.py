"""The course website (book/, README "Course website"): built from the committed notebooks with warnings as
errors, one page per notebook, and every page opened in a real browser (headless Chromium).

The build runs jupyter-book 1.x exactly as README says, into a temporary folder; any Sphinx warning (a broken
cross-reference, a notebook that no longer renders, a page missing from the table of contents) fails it, and
so does a lecture whose last run was not in full mode (book/_ext/full_mode_only.py; a fixture notebook run in
quick mode must fail a build). The browser check serves the built site with `python -m http.server`, as README
says, and opens each page through Playwright with Debian's `chromium` (Playwright's own browser download is
not used); it fails on a JavaScript error, an error in the console, a request that fails or leaves the
machine, an image that does not load, a notebook figure missing from its page, a formula that MathJax did not
render, a cell's code cut off at the right edge or any other text or table cut off without a visible scroll
bar, a check cell whose code is shown or whose printed line is not, and search results without text. It is
skipped, with the reason, where Chromium or Playwright is not installed, except in CI (CI=true), where .ci/run
installs Chromium and a missing browser is a failure.

The site does not depend on the Keras backend: the JAX run of the test command skips this module.
"""

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PAGES = sorted((ROOT / "book").glob("*.md"))  # the website's own pages (README points to them)
QUICK_FIXTURE = ROOT / "tests" / "fixtures" / "site" / "quick_mode_lecture.ipynb"
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
    assert "cd book/_build/html && python3 -m http.server" in readme, "README should say how to serve the website"
    assert "book/_build/html/index.html" in readme, "README should say where the built website opens"


def test_every_page_of_book_is_on_the_website_and_linked_from_readme(site):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert PAGES, "no page in book/"
    for page in PAGES:
        assert (site / "book" / f"{page.stem}.html").is_file(), f"book/{page.name} has no page (book/_toc.yml)"
        assert f"(book/{page.name})" in readme, f"README does not point to book/{page.name}"


def test_readme_is_short_and_keeps_no_changelog():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 125, f"README has {len(lines)} lines: a newcomer reads it in two minutes (about 120)"
    text = "\n".join(lines)
    assert not re.search(r"\b\d{3}\s*(-|–)\s*\d{3} s\b", text), "CI times of earlier runs belong in book/testing.md"


def test_the_build_refuses_a_lecture_run_in_quick_mode(tmp_path):
    """A website built from a lecture whose last run was quick mode fails, naming the notebook."""
    executable = Path(sys.executable).parent / "jupyter-book"
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    shutil.copytree(ROOT / "book" / "_ext", project / "book" / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "book" / "_config.yml", project / "book" / "_config.yml")
    (project / "book" / "_toc.yml").write_text("format: jb-book\nroot: README\nchapters:\n- glob: notebooks/*\n")
    (project / "README.md").write_text("# A course\n\nA home page.\n")
    shutil.copy(QUICK_FIXTURE, project / "notebooks" / "01_lecture.ipynb")
    result = subprocess.run([str(executable), *BUILD_ARGS, "--path-output", str(tmp_path / "out"), *STRICT_ARGS],
                            cwd=project, capture_output=True, text=True, timeout=600)
    log = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    assert result.returncode != 0 and "build succeeded" not in log, "a site was built from a quick-mode run"
    assert "notebooks/01_lecture.ipynb: its last run was in quick mode" in log, log[-3000:]
    assert not (tmp_path / "out" / "_build" / "html" / "notebooks" / "01_lecture.html").exists()


def test_the_full_mode_check_reads_the_setup_cells_line(tmp_path):
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        from full_mode_only import problem, run_mode
    finally:
        sys.path.remove(str(ROOT / "book" / "_ext"))
    assert run_mode(QUICK_FIXTURE) == "quick"
    assert "its last run was in quick mode" in problem(QUICK_FIXTURE, "notebooks/x.ipynb")
    nb = json.loads(QUICK_FIXTURE.read_text(encoding="utf-8"))
    nb["cells"][1]["outputs"][0]["text"] = ["mode: full | Keras 3.15.1, backend tensorflow | seed 0\n"]
    (tmp_path / "full.ipynb").write_text(json.dumps(nb))
    assert run_mode(tmp_path / "full.ipynb") == "full" and problem(tmp_path / "full.ipynb", "full.ipynb") is None
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
    (tmp_path / "cleared.ipynb").write_text(json.dumps(nb))
    assert "no run to show" in problem(tmp_path / "cleared.ipynb", "cleared.ipynb")
    assert all(run_mode(nb) == "full" for nb in NOTEBOOKS), "a committed lecture was not last run in full mode"


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
# that did not load, figures in the notebook's output cells, formulas MathJax left unrendered, a cell's code cut
# off at the right edge (it must wrap), and other text or tables wider than their box without a scroll bar.
PAGE_REPORT = """async () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
    const images = Array.from(document.images);
    const loaded = (img) => img.complete && img.naturalWidth > 0;
    const formulas = Array.from(document.querySelectorAll("span.math, div.math"));
    const wide = (el) => el.scrollWidth > el.clientWidth + 1;
    const scrollBar = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX)
        && el.offsetHeight - el.clientHeight - parseFloat(getComputedStyle(el).borderTopWidth)
           - parseFloat(getComputedStyle(el).borderBottomWidth) >= 6;
    const visible = (el) => el.checkVisibility() && el.getBoundingClientRect().height > 0;
    const article = document.querySelector("article") || document.body;
    const code = Array.from(article.querySelectorAll("div.cell_input pre")).filter(visible);
    const boxes = Array.from(article.querySelectorAll("pre, table")).filter(visible)
        .filter((el) => !el.closest("div.cell_input"));
    // A printed text is cut off when its glyphs reach past the box's visible width. Not scrollWidth alone:
    // that counts the box's right padding too, and Chromium may or may not draw a scroll bar when only the
    // padding overflows (the text then fits, seen on 03's training log).
    const textRight = (el) => { const r = document.createRange(); r.selectNodeContents(el);
                                return r.getBoundingClientRect().right; };
    const visibleRight = (el) => el.getBoundingClientRect().left + el.clientLeft + el.clientWidth;
    const clipped = boxes.filter((el) => {
        const box = el.tagName === "TABLE" ? el.parentElement : el;
        const cut = el.tagName === "TABLE" ? el.scrollWidth > box.clientWidth + 1
                                           : textRight(el) > visibleRight(el) + 1;
        return cut && !scrollBar(box);
    });
    return {
        broken: images.filter((img) => !loaded(img)).map((img) => img.getAttribute("src")),
        figures: images.filter((img) => loaded(img) && img.closest(".cell_output")).length,
        formulas: formulas.length,
        unrendered: formulas.filter((f) => !f.querySelector("mjx-container")).map((f) => f.textContent.slice(0, 60)),
        navigation: document.querySelectorAll(".bd-docs-nav a").length,
        search_box: document.querySelectorAll("form.bd-search input, #pst-search-dialog input").length,
        contents: document.querySelectorAll("#pst-page-toc-nav a").length,
        code_cut: code.filter(wide).map((el) => el.textContent.split("\\n").find((l) => l.length > 60) || ""),
        clipped: clipped.map((el) => el.tagName + ": " + el.textContent.trim().slice(0, 60)),
    };
}"""

# A check cell on a notebook page: its code folded (not visible), its printed line in view.
HIDDEN_CHECK = """(index) => {
    const cell = document.querySelectorAll("div.cell")[index];
    if (!cell) { return null; }
    const input = cell.querySelector("div.cell_input");
    const output = cell.querySelector("div.cell_output");
    return {
        tagged: cell.classList.contains("tag_hide-input"),
        code_visible: !!input && input.checkVisibility() && input.innerText.trim().length > 0,
        toggle: !!cell.querySelector("details.hide summary, summary"),
        printed: output && output.offsetParent !== null ? output.innerText.trim() : "",
    };
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test's output clean
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``folder`` over HTTP on a free local port, as README says (python -m http.server); return the server
    and its address."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def first_hidden_check_cell() -> tuple[Path, int, str] | None:
    """(notebook, index among its cells with a page block, printed line) of the first check cell tagged
    hide-input, or None. Markdown runs between code cells share one block on the page, so count blocks as the
    page does: every code cell is one "div.cell"."""
    for nb_path in NOTEBOOKS:
        cells = json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        for i, cell in enumerate(code):
            text = "".join("".join(o.get("text", "")) for o in cell.get("outputs", []) if o["output_type"] == "stream")
            if "hide-input" in cell["metadata"].get("tags", []) and "assert" in "".join(cell["source"]) and text:
                return nb_path, i, text.strip().splitlines()[0]
    return None


def page_problems(context, base: str, site: Path, path: Path, figures: dict[str, int]) -> list[str]:
    """What is wrong with one page of the site in the browser (PAGE_REPORT and the page's events)."""
    name = path.relative_to(site).as_posix()
    events = []
    page = context.new_page()
    page.on("pageerror", lambda error: events.append(f"JavaScript error: {error}"))
    page.on("console", lambda msg: msg.type == "error" and events.append(f"console: {msg.text}"))
    page.on("requestfailed", lambda req: events.append(f"request failed: {req.url}"))
    address = base + name
    page.goto(address, wait_until="load")
    if 'http-equiv="refresh"' in path.read_text(encoding="utf-8").lower():  # index.html sends on to README.html
        page.wait_for_url(lambda url: url != address)
        page.wait_for_load_state("load")
    report = page.evaluate(PAGE_REPORT)
    page.close()
    problems = [f"{name}: {event}" for event in events]
    problems += [f"{name}: image did not load: {src}" for src in report["broken"]]
    problems += [f"{name}: formula not rendered: {text!r}" for text in report["unrendered"]]
    problems += [f"{name}: code cut off at the right edge: {line!r}" for line in report["code_cut"]]
    problems += [f"{name}: cut off without a visible scroll bar: {text!r}" for text in report["clipped"]]
    if name in figures and report["figures"] != figures[name]:
        problems.append(f"{name}: {report['figures']} figures shown, the notebook has {figures[name]}")
    if (name in figures or name == "README.html") and not (report["navigation"] and report["search_box"]):
        problems.append(f"{name}: no navigation or no search box")
    if name in figures and not report["contents"]:
        problems.append(f"{name}: no contents of the page")
    return problems


def test_every_page_in_a_real_browser(site):
    executable = browser_executable()
    from playwright.sync_api import sync_playwright

    pages = sorted(p for p in site.rglob("*.html") if not {"_static", "_sources", "_images"} & set(p.parts))
    figures = {f"notebooks/{nb.stem}.html": figure_count(nb) for nb in NOTEBOOKS}
    problems = []
    start = time.perf_counter()
    server, base = serve(site)
    try:
        with sync_playwright() as playwright:
            # with scroll bars drawn (Playwright hides them by default), so that the test can see them
            browser = playwright.chromium.launch(executable_path=executable, ignore_default_args=["--hide-scrollbars"])
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            # the site must work offline: anything that is not the local server is refused and reported
            context.route(re.compile(rf"^(?!{re.escape(base)}|data:|blob:|about:)"), lambda route: route.abort())
            for path in pages:
                problems += page_problems(context, base, site, path, figures)
            # a check cell: its code folded behind the toggle, its printed line shown
            found = first_hidden_check_cell()
            if found is None:
                problems.append("no lecture has a check cell tagged hide-input: run `python -m classroom tag-cells`")
            else:
                nb_path, index, line = found
                page = context.new_page()
                page.goto(f"{base}notebooks/{nb_path.stem}.html", wait_until="load")
                cell = page.evaluate(HIDDEN_CHECK, index)
                page.close()
                where = f"notebooks/{nb_path.stem}.html, code cell {index}"
                if not cell or not cell["tagged"]:
                    problems.append(f"{where}: the check cell is not marked hide-input on the page")
                elif cell["code_visible"] or not cell["toggle"]:
                    problems.append(f"{where}: the check cell's code is shown, not folded behind a toggle")
                elif line not in cell["printed"]:
                    problems.append(f"{where}: the check's printed line {line!r} is not shown")
            # search works offline, finds every lecture and shows a line of text under each result
            page = context.new_page()
            page.on("console", lambda msg: msg.type == "error" and problems.append(f"search: console: {msg.text}"))
            page.goto(f"{base}search.html?q=autoencoder", wait_until="load")
            page.wait_for_selector("#search-results li a", timeout=15_000)
            # results are added one by one; the summary line says when the last one is in
            page.wait_for_function("() => (document.querySelector('#search-results .search-summary') || {}).innerText"
                                   "?.includes('found')", timeout=15_000)
            page.wait_for_timeout(500)  # the text under a result comes in after its link
            results = page.eval_on_selector_all(
                "#search-results li", "items => items.map(li => [li.querySelector('a').getAttribute('href'), "
                "(li.querySelector('p.context') || {}).innerText || ''])")
            missed = [name for name in figures if not any(name in (href or "") for href, _ in results)]
            if missed:
                problems.append(f"search for 'autoencoder' does not find {missed}")
            without_text = [href for href, text in results if not text.strip()]
            if without_text:
                problems.append(f"search results without text: {without_text[:5]}")
            browser.close()
    finally:
        server.shutdown()
    print(f"browser check: {len(pages)} pages in {time.perf_counter() - start:.1f} s")
    assert len(pages) >= len(NOTEBOOKS) + len(PAGES) + 1
    assert not problems, "the website in headless Chromium:\n" + "\n".join(problems)
