"""The classroom kit (python -m classroom; README, "Teaching with it"): student copies, the cache archive, the
tags that hide check and figure cells on the website.

No Keras here: the cache entries are made-up weights (NumPy) and the import is told which Keras version and
backend to import for. One test runs a student copy in quick mode in a Jupyter kernel (that kernel uses the
backend; like every test of this module it runs once, in the TensorFlow run of the test command).
"""

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from classroom import ClassroomError
from classroom.__main__ import main
from classroom.cache_archive import MANIFEST, export_cache, import_cache
from classroom.students import (LECTURES, STUDENT, code_sources, has_outputs, notebook_text, read_notebook,
                                stale_copies, student_copy, unfolded_answers, write_student_copies)
from classroom.tags import TAG, cell_kind, plumbing_cells, tag_notebooks

ROOT = Path(__file__).resolve().parent.parent
LECTURE_PATHS = sorted(LECTURES.glob("*.ipynb"))
TF = {"backend": "tensorflow", "keras": "3.15.1"}
#: the student copy whose first code cells run in quick mode: its set-up, data and first model take about 20 s
QUICK_COPY = "06_variational_autoencoder.ipynb"


def text_of(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


# --- student copies -------------------------------------------------------------------------------------------


def test_the_committed_student_copies_are_what_the_command_writes_from_the_lectures():
    stale = stale_copies(LECTURES, STUDENT)
    assert not stale, f"student/ is out of date for {stale}: run `python -m classroom students` and commit student/"


@pytest.mark.parametrize("lecture", LECTURE_PATHS, ids=[p.name for p in LECTURE_PATHS])
def test_a_copy_has_no_outputs_and_the_lectures_code_and_text(lecture):
    nb, copy = read_notebook(lecture), read_notebook(STUDENT / lecture.name)
    assert not has_outputs(copy), f"{lecture.name}: the student copy has outputs or execution counts"
    assert code_sources(copy) == code_sources(nb), f"{lecture.name}: the copy's code differs from the lecture's"
    assert [(c["cell_type"], c.get("id"), text_of(c)) for c in copy["cells"]] == \
        [(c["cell_type"], c.get("id"), text_of(c)) for c in nb["cells"]], f"{lecture.name}: cells differ"
    assert [c["metadata"].get("tags") for c in copy["cells"]] == [c["metadata"].get("tags") for c in nb["cells"]]
    assert "widgets" not in copy["metadata"] and copy["metadata"]["kernelspec"] == nb["metadata"]["kernelspec"]
    assert not any("execution" in c["metadata"] for c in copy["cells"]), "run times left in the cell metadata"


@pytest.mark.parametrize("lecture", LECTURE_PATHS, ids=[p.name for p in LECTURE_PATHS])
def test_predict_answers_and_solutions_stay_folded(lecture):
    assert unfolded_answers(read_notebook(lecture)) == [], f"{lecture.name}: an answer or solution is not folded"


def test_student_copy_clears_run_traces_and_keeps_the_rest():
    nb = {"cells": [
        {"cell_type": "markdown", "id": "a", "metadata": {}, "source": ["# T\n", "<details>x</details>"]},
        {"cell_type": "code", "id": "b", "execution_count": 3, "source": "print(1)",
         "metadata": {"tags": [TAG], "jupyter": {"source_hidden": True, "outputs_hidden": True}, "scrolled": True,
                      "execution": {"iopub.execute_input": "2025"}},
         "outputs": [{"output_type": "stream", "name": "stdout", "text": "1\n"}]},
    ], "metadata": {"kernelspec": {"name": "python3"}, "widgets": {"state": {}}}, "nbformat": 4, "nbformat_minor": 5}
    copy = student_copy(nb)
    code = copy["cells"][1]
    assert code["outputs"] == [] and code["execution_count"] is None
    assert code["metadata"] == {"tags": [TAG], "jupyter": {"source_hidden": True}}
    assert copy["cells"][0] == nb["cells"][0] and copy["metadata"] == {"kernelspec": {"name": "python3"}}
    assert nb["cells"][1]["outputs"], "the lecture itself must not change"


def test_writing_copies_never_replaces_a_students_work(tmp_path):
    lectures, out = tmp_path / "notebooks", tmp_path / "student"
    lectures.mkdir()
    for path in LECTURE_PATHS[:2]:
        shutil.copy(path, lectures / path.name)
    first = write_student_copies(lectures, out)
    assert sorted(first.written) == sorted(p.name for p in LECTURE_PATHS[:2]) and stale_copies(lectures, out) == []
    assert write_student_copies(lectures, out).unchanged == first.written  # idempotent
    run_copy = out / LECTURE_PATHS[0].name  # a student ran this one: it has outputs now
    run_copy.write_text(notebook_text(read_notebook(LECTURE_PATHS[0])), encoding="utf-8")
    stale_copy = out / LECTURE_PATHS[1].name  # an old copy, never run: replaced without asking
    stale_copy.write_text(stale_copy.read_text(encoding="utf-8").replace("# ", "# old ", 1), encoding="utf-8")
    before = run_copy.read_bytes()
    with pytest.raises(ClassroomError, match=f"run or edited.*{run_copy.name}.*--force"):
        write_student_copies(lectures, out)
    assert run_copy.read_bytes() == before and stale_copies(lectures, out) == sorted([run_copy.name, stale_copy.name])
    assert sorted(write_student_copies(lectures, out, force=True).written) == sorted([run_copy.name, stale_copy.name])
    (lectures / LECTURE_PATHS[1].name).unlink()  # a lecture removed: its copy goes too
    assert write_student_copies(lectures, out).removed == [LECTURE_PATHS[1].name]


def test_pytest_does_not_run_the_copies_a_second_time():
    """nbval runs the lectures (testpaths: tests, notebooks); the copies have the same code, and one of them runs
    below. A whole-tree run must not execute all seven again."""
    import re

    testpaths = re.search(r"^testpaths = \[(.*)\]$", (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    assert '"student"' not in testpaths and '"."' not in testpaths and '"notebooks"' in testpaths


def test_students_command_refuses_a_folder_outside_the_project(capsys):
    assert main(["students", "--out", "/tmp/elsewhere"]) == 2
    assert "directly inside the project" in capsys.readouterr().err


def test_a_student_copy_runs_in_quick_mode(tmp_path):
    """The copy of a lecture runs in a fresh kernel from student/, in quick mode: its first three code cells (set-up,
    data, the first model trained), the part that depends on the folder it runs from. The rest is the lecture's own
    code (checked equal below), which nbval runs in full."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(STUDENT / QUICK_COPY, as_version=4)
    whole = json.loads(nbformat.writes(nb))
    first_code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"][:3]
    nb.cells = nb.cells[: first_code[-1] + 1]
    env = {"AE_MODE": "quick", "AE_CACHE": "off", "MPLBACKEND": "Agg"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    start = time.perf_counter()
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(STUDENT)}}).execute()
    finally:
        for k, v in saved.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    print(f"student/{QUICK_COPY}: its first {len(first_code)} code cells ran in quick mode in "
          f"{time.perf_counter() - start:.0f} s")
    first = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    assert first.startswith("mode: quick"), first
    assert "AE-2" in "".join(o.get("text", "") for o in nb.cells[-1].outputs)  # it trained
    assert code_sources(whole) == code_sources(read_notebook(LECTURES / QUICK_COPY))


# --- the train-or-load cache archive ----------------------------------------------------------------------------


def make_entry(folder: Path, label: str, seed: int, runtime=TF, stamp=True) -> str:
    """A cache entry as utils.cache writes it (made-up weights); returns its file stem."""
    folder.mkdir(parents=True, exist_ok=True)
    key = f"{seed:016x}" * 4
    stem = f"{label}-{key[:16]}"
    rng = np.random.default_rng(seed)
    with open(folder / f"{stem}.npz", "wb") as f:
        np.savez(f, w0=rng.random((30, 20), dtype=np.float32), w1=rng.random(20, dtype=np.float32))
    import hashlib

    meta = {"key": key, "weights_sha256": hashlib.sha256((folder / f"{stem}.npz").read_bytes()).hexdigest(),
            "history": {"loss": [0.5, 0.25]}, "seconds": 1.5}
    if stamp:
        meta.update(runtime)
    (folder / f"{stem}.json").write_text(json.dumps(meta))
    return stem


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


@pytest.fixture
def lecturer(tmp_path):
    """A lecturer's cache with three entries (one label with a non-ASCII letter) and its exported archive."""
    cache = tmp_path / "lecturer_cache"
    stems = [make_entry(cache, "AE-2", 1), make_entry(cache, "_β_1", 2), make_entry(cache, "VAE-50", 3)]
    archive = tmp_path / "course-cache.zip"
    report = export_cache(archive, cache)
    assert sorted(e.stem for e in report.entries) == sorted(stems) and not report.left_out
    return cache, archive, stems


def test_export_then_import_gives_the_same_entries(lecturer, tmp_path):
    cache, archive, stems = lecturer
    student = tmp_path / "student_cache"
    report = import_cache(archive, student, runtime=TF)
    assert sorted(report.imported) == sorted(stems) and snapshot(student) == snapshot(cache)
    assert report.size == sum(len(b) for b in snapshot(cache).values())
    assert "imported 3 trained models" in report.lines()[0]
    again = import_cache(archive, student, runtime=TF)  # the same archive twice: identical entries are skipped
    assert sorted(again.identical) == sorted(stems) and not again.imported and snapshot(student) == snapshot(cache)
    with zipfile.ZipFile(archive) as z:
        manifest = json.loads(z.read(MANIFEST))
    assert {e["backend"] for e in manifest["entries"]} == {"tensorflow"}
    assert all(set(e["files"]) == {f"{e['name']}.npz", f"{e['name']}.json"} for e in manifest["entries"])


def test_export_is_reproducible_and_never_replaces_a_file_silently(lecturer, tmp_path):
    cache, archive, _ = lecturer
    second = tmp_path / "again.zip"
    export_cache(second, cache)
    assert second.read_bytes() == archive.read_bytes()
    with pytest.raises(ClassroomError, match="exists already.*--force"):
        export_cache(archive, cache)
    export_cache(archive, cache, force=True)


def test_export_writes_atomically(lecturer, tmp_path, monkeypatch):
    cache, _, _ = lecturer
    target = tmp_path / "half.zip"

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", disk_full)
    with pytest.raises(ClassroomError, match="No space left.*nothing was written"):
        export_cache(target, cache)
    assert not target.exists() and not list(tmp_path.glob(".half.zip*")), "a half archive was left behind"


@pytest.mark.parametrize("setup, message", [
    ("missing", "there is no train-or-load cache at"),
    ("empty", "holds no complete entry"),
    ("only damaged", "holds no complete entry.*do not match their checksum"),
])
def test_export_of_a_missing_or_empty_cache_says_how_to_fill_it(tmp_path, setup, message):
    cache = tmp_path / "cache"
    if setup != "missing":
        cache.mkdir()
        (cache / "notes.txt").write_text("not an entry")
    if setup == "only damaged":
        stem = make_entry(cache, "AE-2", 1)
        (cache / f"{stem}.npz").write_bytes(b"garbage")
    with pytest.raises(ClassroomError, match=message) as err:
        export_cache(tmp_path / "out.zip", cache)
    assert "run each lecture once in full mode" in str(err.value) and not (tmp_path / "out.zip").exists()


def test_export_leaves_out_and_names_incomplete_entries(tmp_path):
    cache = tmp_path / "cache"
    good = make_entry(cache, "good", 1)
    old = make_entry(cache, "old", 2, stamp=False)
    orphan = make_entry(cache, "orphan", 3)
    (cache / f"{orphan}.npz").unlink()
    report = export_cache(tmp_path / "a.zip", cache)
    assert [e.stem for e in report.entries] == [good]
    assert "record its Keras version and backend" in report.left_out[old]
    assert "missing" in report.left_out[orphan]
    assert any(old in line for line in report.lines())


def test_the_commands_exit_with_status_2_and_a_message(lecturer, tmp_path, capsys):
    cache, archive, _ = lecturer
    assert main(["export-cache", str(tmp_path / "x.zip"), "--cache-dir", str(tmp_path / "nothing")]) == 2
    assert "no train-or-load cache" in capsys.readouterr().err
    assert main(["export-cache", str(tmp_path / "y.zip"), "--cache-dir", str(cache)]) == 0
    assert "exported 3 trained models" in capsys.readouterr().out
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    result = subprocess.run([sys.executable, "-m", "classroom", "import-cache", str(text), "--cache-dir",
                             str(tmp_path / "c")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "not a cache archive: it is a text file" in result.stderr, result.stderr
    assert not (tmp_path / "c").exists()


def rewrite_archive(archive: Path, target: Path, change) -> Path:
    """A copy of ``archive`` with its members passed through ``change(name, data) -> [(name, data), ...]``."""
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            for new_name, data in change(name, src.read(name)):
                dst.writestr(new_name, data)
    return target


def flip_a_byte_in_a_member(archive: Path, target: Path) -> Path:
    """A copy of ``archive`` with one byte of a stored member's data changed (its CRC no longer matches)."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as z:
        info = next(i for i in z.infolist() if i.filename.endswith(".npz"))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    return target


def with_manifest(archive: Path, target: Path, edit) -> Path:
    def change(name, data):
        if name == MANIFEST:
            manifest = json.loads(data)
            edit(manifest)
            data = json.dumps(manifest).encode()
        return [(name, data)]

    return rewrite_archive(archive, target, change)


def runtime_of_all(**runtime):
    def edit(manifest):
        for e in manifest["entries"]:
            e.update(runtime)
    return edit


FAULTS = {
    "a text file": (lambda a, t: t.write_text("weights, honest"), "not a cache archive: it is a text file"),
    "an HTML page": (lambda a, t: t.write_text("<!DOCTYPE html><html>login</html>"), "it is an HTML or XML page"),
    "an empty file": (lambda a, t: t.write_bytes(b""), "it is an empty file"),
    "gzip": (lambda a, t: t.write_bytes(b"\x1f\x8b\x08\x00" + bytes(40)), "it is a gzip file"),
    "truncated": (lambda a, t: t.write_bytes(a.read_bytes()[: a.stat().st_size // 2]),
                  "damaged or truncated zip archive"),
    "a corrupt member": (flip_a_byte_in_a_member, "is damaged"),
    "no manifest": (lambda a, t: rewrite_archive(a, t, lambda n, d: [] if n == MANIFEST else [(n, d)]),
                    "not a cache archive \\(it has no classroom-cache.json\\)"),
    "checksum mismatch": (lambda a, t: rewrite_archive(
        a, t, lambda n, d: [(n, d[:-8] + b"\0" * 8 if n.endswith(".npz") else d)]),
        "does not match its checksum"),
    "a member missing": (lambda a, t: rewrite_archive(
        a, t, lambda n, d: [] if n.endswith(".json") and n != MANIFEST else [(n, d)]),
                         "files do not match its manifest"),
    "path traversal": (lambda a, t: rewrite_archive(
        a, t, lambda n, d: [(n, d)] + ([("../evil-0123456789abcdef.npz", d)] if n == MANIFEST else [])),
        "refused.*outside the cache folder.*'../evil"),
    "absolute path": (lambda a, t: rewrite_archive(
        a, t, lambda n, d: [(n, d)] + ([("/tmp/evil-0123456789abcdef.json", d)] if n == MANIFEST else [])),
        "refused.*'/tmp/evil"),
    "a sub-folder": (lambda a, t: rewrite_archive(
        a, t, lambda n, d: [(f"sub/{n}" if n != MANIFEST else n, d)]), "refused.*'sub/"),
    "other Keras version": (lambda a, t: with_manifest(a, t, runtime_of_all(keras="3.0.0")),
                            "none of its 3 models can be used here.*Keras 3.0.0, backend tensorflow.*Keras 3.15.1"),
    "other backend": (lambda a, t: with_manifest(a, t, runtime_of_all(backend="jax")),
                      "none of its 3 models can be used here.*backend jax.*KERAS_BACKEND"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_import_refuses_a_bad_archive_and_changes_nothing(lecturer, tmp_path, fault):
    _, archive, _ = lecturer
    make, message = FAULTS[fault]
    bad = tmp_path / "bad.zip"
    make(archive, bad)
    student = tmp_path / "student_cache"
    mine = make_entry(student, "mine", 9)
    before = snapshot(student)
    with pytest.raises(ClassroomError, match=message) as err:
        import_cache(bad, student, runtime=TF)
    assert snapshot(student) == before, "the cache changed although the import was refused"
    assert not list(student.glob(".import-*")) and not (tmp_path / "evil-0123456789abcdef.npz").exists()
    said = str(err.value).lower()
    assert "nothing was imported" in said or "give the .zip file" in said or "export one with" in said, \
        f"{fault}: the message should say that nothing was imported, or what to give instead"
    assert f"{mine}.json" in before


def test_import_skips_and_names_entries_for_another_backend(lecturer, tmp_path):
    lecturer_cache = tmp_path / "both"
    make_entry(lecturer_cache, "tf", 1)
    make_entry(lecturer_cache, "jax", 2, runtime={"backend": "jax", "keras": "3.15.1"})
    both = export_cache(tmp_path / "both.zip", lecturer_cache).archive
    report = import_cache(both, tmp_path / "c2", runtime=TF)
    assert [s.split("-")[0] for s in report.imported] == ["tf"] and list(report.other_runtime) == [f"jax-{2:016x}"]
    assert any("KERAS_BACKEND=jax" in line for line in report.lines())
    # a manifest that claims another backend than the entry's own metadata: damaged, nothing imported
    lying = with_manifest(both, tmp_path / "lying.zip",
                          lambda m: [e.update(backend="tensorflow") for e in m["entries"]])
    with pytest.raises(ClassroomError, match="disagrees with the manifest"):
        import_cache(lying, tmp_path / "c3", runtime=TF)
    assert not list((tmp_path / "c3").glob("*.json"))


def test_import_never_overwrites_an_entry_with_other_weights_silently(lecturer, tmp_path):
    cache, archive, stems = lecturer
    student = tmp_path / "student_cache"
    student.mkdir()
    shutil.copy(cache / f"{stems[0]}.json", student)  # the student trained this run: same name, other weights
    np.savez(student / f"{stems[0]}.npz", w0=np.zeros((30, 20), np.float32), w1=np.zeros(20, np.float32))
    meta = json.loads((student / f"{stems[0]}.json").read_text())
    import hashlib

    meta["weights_sha256"] = hashlib.sha256((student / f"{stems[0]}.npz").read_bytes()).hexdigest()
    (student / f"{stems[0]}.json").write_text(json.dumps(meta))
    before = snapshot(student)
    with pytest.raises(ClassroomError, match=f"1 of the archive's models are in your cache already with other "
                                             f"weights.*{stems[0]}.*--keep-existing.*--replace"):
        import_cache(archive, student, runtime=TF)
    assert snapshot(student) == before, "nothing may be imported when an entry conflicts"
    kept = import_cache(archive, student, runtime=TF, on_conflict="keep")
    assert kept.kept == [stems[0]] and sorted(kept.imported) == sorted(stems[1:])
    assert (student / f"{stems[0]}.npz").read_bytes() == before[f"{stems[0]}.npz"]
    replaced = import_cache(archive, student, runtime=TF, on_conflict="replace")
    assert replaced.replaced == [stems[0]] and snapshot(student) == snapshot(cache)


def test_import_replaces_a_damaged_entry_and_says_so(lecturer, tmp_path):
    cache, archive, stems = lecturer
    student = tmp_path / "student_cache"
    student.mkdir()
    shutil.copy(cache / f"{stems[1]}.json", student)
    (student / f"{stems[1]}.npz").write_bytes(b"half a file")
    report = import_cache(archive, student, runtime=TF)
    assert report.replaced == [stems[1]] and snapshot(student) == snapshot(cache)
    assert any("damaged" in line for line in report.lines())


# --- check and figure cells behind a toggle ---------------------------------------------------------------------

TRAINS = "tr" "ain(model, x, x, epochs=1)\n"  # (spelt in two: this module must not look like it trains)


@pytest.mark.parametrize("source, kind", [
    ('assert a < b, (a, b)\nprint(f"check passed: {a} < {b}")', "check"),
    ("for k in d:\n    assert d[k] > 0\nprint('check passed')", "check"),
    ("from utils.models import build_dense_autoencoder\nparts = build_dense_autoencoder(784, (256,), 32)\n"
     "assert parts.autoencoder.count_params() == n\nprint('check passed: the helper builds the same network')",
     "check"),
    ("fig, ax = plt.subplots()\nax.plot(x, y)\nax.legend();", "figure"),
    ("def plot_it(t):\n    fig, ax = plt.subplots()\n    ax.plot(t)\n\n\nplot_it(table)", "figure"),
    (TRAINS + "assert not np.array_equal(a, b)", None),  # a lesson that trains and checks its input
    ("x_hat = model.predict(x)\nassert np.allclose(f(x_hat), g(x_hat))", None),
    ("assert same\nfig, ax = plt.subplots()\nax.imshow(img)", None),  # draws: a lesson
    ("fig, ax = plt.subplots()\nax.plot(x)\nprint(table)", None),  # prints results: a lesson
    ("import numpy as np\nfig = plt.figure()", None),
    ("print('no check here')", None),
    ("assert (", None),  # does not parse
])
def test_the_rule_tells_check_and_figure_cells_from_lessons(source, kind):
    assert cell_kind(source) == kind


def test_tagging_marks_only_the_metadata_and_is_idempotent(tmp_path):
    folder = tmp_path / "notebooks"
    shutil.copytree(LECTURES, folder)
    first = tag_notebooks(folder)
    assert all(cells for cells, _ in first.values()), "a lecture without any check cell"
    for path in sorted(folder.glob("*.ipynb")):
        original, tagged = read_notebook(LECTURES / path.name), read_notebook(path)
        hidden = [i for i, c in enumerate(tagged["cells"]) if TAG in c["metadata"].get("tags", [])]
        assert hidden == sorted(first[path.name][0]), path.name
        for i in hidden:
            assert tagged["cells"][i]["metadata"]["jupyter"]["source_hidden"] is True
        for a, b in zip(original["cells"], tagged["cells"]):
            a, b = dict(a), dict(b)
            a.pop("metadata"), b.pop("metadata")
            assert a == b, f"{path.name}: tagging changed more than the metadata"
        assert path.read_text(encoding="utf-8") == notebook_text(tagged)
    snapshot_before = snapshot(folder)
    second = tag_notebooks(folder)
    assert all(not changed for _, changed in second.values()) and snapshot(folder) == snapshot_before


@pytest.mark.parametrize("lecture", LECTURE_PATHS, ids=[p.name for p in LECTURE_PATHS])
def test_the_rule_finds_every_check_and_every_hidden_cell_shows_an_output(lecture):
    """Every code cell under a "### Check" heading is a check cell; every cell hidden on the website printed
    a line (check) or drew a figure and printed nothing (figure) in the committed run."""
    nb = read_notebook(lecture)
    cells = nb["cells"]
    kinds = plumbing_cells(nb)
    after_heading = [i for i in range(1, len(cells)) if cells[i]["cell_type"] == "code"
                     and text_of(cells[i - 1]).startswith("### Check")]
    assert all(kinds.get(i) == "check" for i in after_heading), (after_heading, kinds)
    for i, kind in kinds.items():
        outputs = cells[i].get("outputs", [])
        printed = "".join("".join(o.get("text", "")) for o in outputs if o["output_type"] == "stream")
        figures = [o for o in outputs if "image/png" in o.get("data", {})]
        if kind == "check":
            assert printed.strip(), f"{lecture.name} cell {i}: a check cell that prints nothing"
        else:
            assert figures and not printed, f"{lecture.name} cell {i}: a figure cell without a figure"


def test_timing_counts_words_questions_and_run_time_per_section(tmp_path, capsys):
    from classroom.__main__ import main
    from classroom.timing import sections

    def code(source, seconds, printed="", hidden=False):
        meta = {"execution": {"iopub.execute_input": "2026-01-01T00:00:00Z",
                              "shell.execute_reply": f"2026-01-01T00:00:{seconds:02d}Z"}}
        if hidden:
            meta["jupyter"] = {"source_hidden": True}
        return {"cell_type": "code", "metadata": meta, "source": [source],
                "outputs": [{"output_type": "stream", "name": "stdout", "text": [printed]}]}

    md = lambda s: {"cell_type": "markdown", "metadata": {}, "source": [s]}  # noqa: E731
    nb = {"cells": [md("# Title four words"), md("## 1. Lesson (core)\n**Predict before you run:** what?"),
                    code("x = 1", 30, "one two"), code("assert x", 12, "check passed", hidden=True),
                    md("## 2. Extra (optional)"), code("y = 2", 59)]}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))
    title, lesson, extra = sections(path)
    assert (title.words, title.core) == (4, True)
    # 4 + 5 markdown words, 3 visible code words, 2 + 2 printed words; the hidden check's source not counted
    assert (lesson.words, lesson.questions, lesson.run_seconds, lesson.core) == (16, 1, 42.0, True)
    assert not extra.core
    assert lesson.minutes == pytest.approx(16 / 200 * 2.5 + 42 / 60 + 2.5)
    assert main(["timing", str(path)]) == 0 and "Lesson" in capsys.readouterr().out
    (tmp_path / "bad.ipynb").write_text("not json")
    assert main(["timing", str(tmp_path / "bad.ipynb")]) == 2
